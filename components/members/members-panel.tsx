"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { MemberDto } from "@/lib/members/members-dto";
import type { Result } from "@/lib/http/errors";
import { apiWrite, orgApiPath, UNREACHABLE } from "@/components/api/client";
import { ROLES, ROLE_LABELS, type Role } from "@/lib/authz/roles";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { fetchMembers, memberKeys } from "./queries";

const SOURCE_LABEL: Record<MemberDto["source"], string> = {
  manual: "added by an admin",
  "idp-group": "from IdP group",
  bootstrap: "bootstrap admin",
  seed: "demo seed",
};

export function MembersPanel({ orgSlug, selfEmail }: { orgSlug: string; selfEmail: string }) {
  const qc = useQueryClient();
  const members = useQuery({ queryKey: memberKeys.list(orgSlug), queryFn: () => fetchMembers(orgSlug) });
  const [notice, setNotice] = useState<{ tone: "error" | "success"; text: string } | null>(null);

  const run = useMutation({
    mutationFn: async (op: () => Promise<Result<unknown>>) => op(),
    onSuccess: async (result, _op) => {
      if (!result.ok) setNotice({ tone: "error", text: result.error.message });
      await qc.invalidateQueries({ queryKey: memberKeys.list(orgSlug) });
    },
    onError: () => setNotice({ tone: "error", text: UNREACHABLE }),
  });

  const onAdd = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const email = String(data.get("email") ?? "");
    const role = String(data.get("role") ?? "viewer") as Role;
    run.mutate(async () => {
      const r = await apiWrite<MemberDto>("POST", orgApiPath(orgSlug, "members"), { email, role });
      if (r.ok) {
        form.reset();
        setNotice({ tone: "success", text: `${r.data.email} added as ${ROLE_LABELS[r.data.role]}.` });
      }
      return r;
    });
  };

  return (
    <div className="space-y-6">
      <form onSubmit={onAdd} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm" aria-label="Add a member">
        <label className="flex min-w-64 flex-1 flex-col gap-1">
          <span className="font-medium">Email</span>
          <input name="email" type="email" required placeholder="name@example.com" className="rounded-md border border-slate-300 px-2 py-1.5" />
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Role</span>
          <select name="role" defaultValue="viewer" className="rounded-md border border-slate-300 px-2 py-1.5">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </label>
        <Button type="submit" disabled={run.isPending}>
          Add member
        </Button>
      </form>

      {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}

      <section aria-label="Members" className="rounded-lg border border-slate-200 bg-white">
        {members.isPending ? <p className="p-4 text-sm text-slate-600">Loading members…</p> : null}
        {members.isError ? (
          <div className="p-4">
            <Alert>Members could not be loaded: {members.error.message}</Alert>
          </div>
        ) : null}
        {members.data ? (
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2 font-semibold">Member</th>
                <th scope="col" className="px-4 py-2 font-semibold">Role</th>
                <th scope="col" className="px-4 py-2 font-semibold">Source</th>
                <th scope="col" className="px-4 py-2 font-semibold"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {members.data.map((m) => (
                <tr key={m.id} data-testid="member-row" data-email={m.email}>
                  <td className="px-4 py-2">
                    {m.name ? <div className="font-medium">{m.name}</div> : null}
                    <div className={m.name ? "text-slate-600" : "font-medium"}>
                      {m.email} {m.email === selfEmail ? <Badge>you</Badge> : null}
                      {m.hasSignedIn ? null : <span className="ml-1 text-xs text-slate-500">(has not signed in yet)</span>}
                    </div>
                  </td>
                  <td className="px-4 py-2">
                    <select
                      aria-label={`Role of ${m.email}`}
                      value={m.role}
                      disabled={run.isPending}
                      onChange={(e) => {
                        const role = e.target.value as Role;
                        run.mutate(async () => {
                          const r = await apiWrite<MemberDto>("PATCH", orgApiPath(orgSlug, "members", m.id), { role });
                          if (r.ok) setNotice({ tone: "success", text: `${m.email} is now ${ROLE_LABELS[role]}.` });
                          return r;
                        });
                      }}
                      className="rounded-md border border-slate-300 px-2 py-1"
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {ROLE_LABELS[r]}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="px-4 py-2 text-slate-600">{SOURCE_LABEL[m.source]}</td>
                  <td className="px-4 py-2 text-right">
                    <Button
                      variant="danger"
                      disabled={run.isPending}
                      aria-label={`Remove ${m.email}`}
                      onClick={() => {
                        if (!window.confirm(`Remove ${m.email} from ${orgSlug}? They lose access at once.`)) return;
                        run.mutate(async () => {
                          const r = await apiWrite<{ id: string }>("DELETE", orgApiPath(orgSlug, "members", m.id));
                          if (r.ok) setNotice({ tone: "success", text: `${m.email} removed.` });
                          return r;
                        });
                      }}
                    >
                      Remove
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </div>
  );
}
