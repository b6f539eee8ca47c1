import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/current-user";
import { getDatabase } from "@/lib/db";
import { listOrgsForUser } from "@/lib/orgs/orgs-repo";
import { signOutAction } from "./sign-out-action";

export default async function HomePage() {
  const user = await currentUser();
  if (!user) redirect("/signin");
  const { db } = await getDatabase();
  const orgs = await listOrgsForUser(db, user.email);
  if (orgs.length > 0) redirect(`/orgs/${orgs[0]!.slug}`);
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="max-w-md rounded-xl border border-slate-200 bg-white p-8">
        <h1 className="text-xl font-semibold">No organisation yet</h1>
        <p className="mt-2 text-sm text-slate-600">
          You are signed in as <strong>{user.email}</strong>, but no Gatehouse organisation has you as a member. Ask an
          admin to add this email on their Members page.
        </p>
        <form action={signOutAction} className="mt-6">
          <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100">
            Sign out
          </button>
        </form>
      </div>
    </main>
  );
}
