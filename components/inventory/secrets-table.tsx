import Link from "next/link";
import type { Paged, SecretListItem } from "@/lib/inventory/credentials-dto";
import { SECRET_FLAG_LABELS } from "@/lib/inventory/credentials-labels";
import { Badge } from "@/components/ui/badge";
import { Age, EmptyState, JobList, OwnerList } from "./inventory-parts";
import { CI_SYSTEM_LABELS, CI_SYSTEM_WORDS } from "./ci-system-badge";

const FLAG_TONE = { unused: "neutral", stale: "amber", missing: "red" } as const;

function ScopeCell({ s }: { s: SecretListItem }) {
  if (s.kind === "missing") return <span className="text-slate-500">defined nowhere</span>;
  if (s.kind === "external") return <span>{s.system ? CI_SYSTEM_WORDS[s.system].secretHolder : "held by another CI system"}</span>;
  return (
    <div>
      <div className="font-medium">{s.scope === "org" ? "organisation" : s.scope === "repo" ? "repository" : "environment"}</div>
      {s.scope === "environment" ? <div className="text-xs text-slate-600">{s.environment}</div> : null}
      {s.scope === "org" ? (
        <div className="text-xs text-slate-600">
          visibility {s.visibility}
          {s.visibility === "selected" ? ` (${s.selectedCount} repositories)` : ""}
        </div>
      ) : null}
    </div>
  );
}

function ReadableCell({ s }: { s: SecretListItem }) {
  if (s.kind === "missing") return <span className="text-slate-500">—</span>;
  if (s.kind === "external") return <span>the {s.system ? CI_SYSTEM_LABELS[s.system] : ""} pipelines of {s.repository}</span>;
  if (s.scope !== "org") return <span>{s.repository}</span>;
  const label = s.visibility === "all" ? `all ${s.readableRepoCount} repositories` : s.visibility === "private" ? `${s.readableRepoCount} private and internal repositories` : `${s.readableRepoCount} selected`;
  if (s.readableRepos.length === 0) return <span>{label}</span>;
  return (
    <details>
      <summary className="cursor-pointer">{label}</summary>
      <ul className="mt-1 text-xs text-slate-700">
        {s.readableRepos.map((r) => (
          <li key={r}>{r}</li>
        ))}
        {s.readableRepoCount > s.readableRepos.length ? <li>and {s.readableRepoCount - s.readableRepos.length} more</li> : null}
      </ul>
    </details>
  );
}

/** `incidentHref`: for responders, each defined secret links to a new incident about it. */
export function SecretsTable({
  page,
  orgSlug,
  workflowsHref,
  incidentHref,
}: {
  page: Paged<SecretListItem>;
  orgSlug: string;
  workflowsHref: (secretName: string) => string;
  incidentHref?: (secretName: string) => string;
}) {
  if (page.rows.length === 0) return <EmptyState>No secrets match this view. Clear the filters, or sync the organisation if it has never been synced.</EmptyState>;
  return (
    <div tabIndex={0} role="region" aria-label="Secrets (scrollable)" className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Secrets at every scope, who can read them, the jobs that use them and who rotates them</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2">Secret</th>
            <th scope="col" className="px-4 py-2">Scope</th>
            <th scope="col" className="px-4 py-2">Readable by</th>
            <th scope="col" className="px-4 py-2">Jobs that reference it</th>
            <th scope="col" className="whitespace-nowrap px-4 py-2">Last rotated</th>
            <th scope="col" className="px-4 py-2">Rotation owner</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {page.rows.map((s) => (
            <tr key={s.key} data-testid="secret-row" data-name={s.secretName}>
              <th scope="row" className="px-4 py-2 text-left font-normal">
                <div className="font-mono font-medium">{s.secretName}</div>
                {s.kind === "secret" && s.scope !== "org" ? <div className="text-xs text-slate-600">{s.repository}</div> : null}
                {s.kind === "missing" ? <div className="text-xs text-slate-600">in {s.repository}</div> : null}
                {incidentHref && s.kind !== "missing" && s.jobCount > 0 ? (
                  <Link href={incidentHref(s.secretName)} className="mt-1 inline-block text-xs text-red-800 underline" aria-label={`Start an incident for ${s.secretName}`}>
                    Start an incident
                  </Link>
                ) : null}
                {s.flags.length > 0 ? (
                  <div className="mt-1 flex flex-wrap gap-1">
                    {s.flags.map((f) => (
                      <Badge key={f} tone={FLAG_TONE[f]}>
                        {SECRET_FLAG_LABELS[f]}
                      </Badge>
                    ))}
                  </div>
                ) : null}
              </th>
              <td className="px-4 py-2">
                <ScopeCell s={s} />
              </td>
              <td className="px-4 py-2">
                <ReadableCell s={s} />
              </td>
              <td className="px-4 py-2">
                <JobList jobs={s.jobs} total={s.jobCount} orgSlug={orgSlug} moreHref={workflowsHref(s.secretName)} />
              </td>
              <td className="px-4 py-2">
                <Age iso={s.updatedAt} days={s.ageDays} />
              </td>
              <td className="px-4 py-2">
                <OwnerList owners={s.owners} emptyText={s.scope === "org" ? "no workflow uses it" : "unowned"} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
