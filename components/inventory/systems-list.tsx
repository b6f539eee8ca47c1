import type { Paged, SystemListItem } from "@/lib/inventory/credentials-dto";
import { SYSTEM_GROUP_LABELS, identityLabel, systemLabel } from "@/lib/inventory/credentials-labels";
import { SYSTEM_GROUPS } from "@/lib/inventory/credentials-schema";
import { Badge } from "@/components/ui/badge";
import { EmptyState, JobList, OidcBadge } from "./inventory-parts";

function Credentials({ system }: { system: SystemListItem }) {
  if (system.credentials.length === 0) return <span className="text-slate-500">none found (the job&apos;s own token or ambient credentials)</span>;
  return (
    <ul className="space-y-0.5" data-testid="system-credentials">
      {system.credentials.map((c) => (
        <li key={`${c.type}|${c.kind}|${c.name}`} className="flex flex-wrap items-center gap-1">
          {c.type === "identity" ? (
            <>
              <span className="text-xs text-slate-600">{identityLabel(c.kind ?? "")}</span>
              <span className="break-all font-mono text-xs">{c.name}</span>
              <OidcBadge oidc={c.oidc} kind={c.kind} />
            </>
          ) : (
            <>
              <span className="text-xs text-slate-600">secret</span>
              <span className="font-mono text-xs font-medium">{c.name}</span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Systems grouped by kind (one table per group), each with the jobs and credentials that reach it. */
export function SystemsList({ page, orgSlug }: { page: Paged<SystemListItem>; orgSlug: string }) {
  if (page.rows.length === 0) return <EmptyState>No external systems match this view.</EmptyState>;
  const groups = SYSTEM_GROUPS.map((g) => ({ group: g, rows: page.rows.filter((r) => r.group === g) })).filter((g) => g.rows.length > 0);
  return (
    <div className="divide-y divide-slate-200">
      {groups.map(({ group, rows }) => (
        <section key={group} aria-labelledby={`group-${group}`} className="py-2">
          <h2 id={`group-${group}`} className="px-4 pt-2 text-base font-semibold">
            {SYSTEM_GROUP_LABELS[group]} <span className="text-sm font-normal text-slate-600">({rows.length} on this page)</span>
          </h2>
          <div tabIndex={0} role="region" aria-label={`${SYSTEM_GROUP_LABELS[group]} (scrollable)`} className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">{SYSTEM_GROUP_LABELS[group]}: the jobs and credentials that reach each</caption>
              <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="w-1/4 px-4 py-2">System</th>
                  <th scope="col" className="w-1/3 px-4 py-2">Credentials that reach it</th>
                  <th scope="col" className="px-4 py-2">Jobs that reach it</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 align-top">
                {rows.map((s) => (
                  <tr key={s.key} data-testid="system-row" data-kind={s.kind}>
                    <th scope="row" className="px-4 py-2 text-left font-normal">
                      <div className="text-xs text-slate-600">{systemLabel(s.kind)}</div>
                      <div className="break-all font-mono text-xs font-medium">{s.identifier ?? "(not named in the workflow)"}</div>
                      {s.heuristic ? (
                        <div className="mt-1">
                          <Badge>inferred from a script</Badge>
                        </div>
                      ) : null}
                    </th>
                    <td className="px-4 py-2">
                      <Credentials system={s} />
                    </td>
                    <td className="px-4 py-2">
                      <JobList jobs={s.jobs} total={s.jobCount} orgSlug={orgSlug} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}
