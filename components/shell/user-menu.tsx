import { RoleBadge } from "@/components/members/role-badge";
import type { Role } from "@/lib/authz/roles";
import { signOutAction } from "@/app/sign-out-action";

export function UserMenu({ name, email, role }: { name: string | null; email: string; role: Role }) {
  return (
    <details className="relative">
      <summary className="flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1 text-sm text-slate-100 hover:bg-slate-800">
        <span aria-hidden className="grid h-7 w-7 place-items-center rounded-full bg-slate-600 text-xs font-semibold uppercase">
          {(name ?? email).slice(0, 1)}
        </span>
        <span data-testid="user-email">{email}</span>
        <RoleBadge role={role} />
      </summary>
      <div className="absolute right-0 z-10 mt-2 w-64 rounded-md border border-slate-200 bg-white p-3 text-sm text-slate-900 shadow-lg">
        <p className="font-medium">{name ?? email}</p>
        <p className="text-slate-600">{email}</p>
        <p className="mt-2 text-slate-600">
          Role in this organisation: <RoleBadge role={role} />
        </p>
        <form action={signOutAction} className="mt-3 border-t border-slate-200 pt-3">
          <button type="submit" className="w-full rounded-md bg-slate-900 px-3 py-1.5 text-white hover:bg-slate-700">
            Sign out
          </button>
        </form>
      </div>
    </details>
  );
}
