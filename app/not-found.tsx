import Link from "next/link";

export default function NotFound() {
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="max-w-md text-center">
        <h1 className="text-2xl font-semibold">Not found</h1>
        <p className="mt-2 text-sm text-slate-600">
          This page does not exist, or your account cannot see it. If you expected access, ask an admin of the organisation.
        </p>
        <Link href="/" className="mt-4 inline-block font-medium text-blue-800 underline">
          Go to your organisations
        </Link>
      </div>
    </main>
  );
}
