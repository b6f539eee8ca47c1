import Link from "next/link";
import type { IdentityListItem, Paged } from "@/lib/inventory/credentials-dto";
import { identityLabel } from "@/lib/inventory/credentials-labels";
import { Badge } from "@/components/ui/badge";
import type { IdentityTrustLinksDto } from "@/lib/trust-sources/trust-sources-dto";
import { EmptyState, JobList, OidcBadge } from "./inventory-parts";

/**
 * `incidentHref`: where to start an incident about an identity; absent for those who may not.
 * `trustLinks`: the cloud trusts an OIDC identity names, keyed by `kind\nidentifier`.
 */
export function IdentitiesTable({
  page,
  orgSlug,
  incidentHref,
  trustLinks = {},
}: {
  page: Paged<IdentityListItem>;
  orgSlug: string;
  incidentHref?: (identifier: string) => string;
  trustLinks?: IdentityTrustLinksDto;
}) {
  if (page.rows.length === 0) return <EmptyState>No identities match this view.</EmptyState>;
  return (
    <div tabIndex={0} role="region" aria-label="Identities (scrollable)" className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Identities jobs assume, OIDC or static, and the jobs that use them</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2">Identity</th>
            <th scope="col" className="px-4 py-2">Kind</th>
            <th scope="col" className="px-4 py-2">Authentication</th>
            <th scope="col" className="px-4 py-2">Jobs that use it</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {page.rows.map((i) => (
            <tr key={i.key} data-testid="identity-row" data-kind={i.kind}>
              <th scope="row" className="px-4 py-2 text-left font-normal">
                <div className="break-all font-mono text-xs font-medium">{i.identifier ?? "(not named in the workflow)"}</div>
                {i.symbolic ? <div className="text-xs text-slate-600">an expression Gatehouse could not resolve</div> : null}
                {i.oidc && i.identifier
                  ? (trustLinks[`${i.kind}\n${i.identifier}`] ?? []).map((t) => (
                      <Link key={t.id} href={`/orgs/${orgSlug}/trusts/${t.id}`} className="mr-2 mt-1 inline-block text-xs text-blue-800 underline" data-testid="identity-trust">
                        Trust: {t.name}
                      </Link>
                    ))
                  : null}
                {incidentHref && i.identifier ? (
                  <Link href={incidentHref(i.identifier)} className="mt-1 inline-block text-xs text-red-800 underline" aria-label={`Start an incident for ${i.identifier}`}>
                    Start an incident
                  </Link>
                ) : null}
              </th>
              <td className="px-4 py-2">{identityLabel(i.kind)}</td>
              <td className="px-4 py-2">
                <OidcBadge oidc={i.oidc} kind={i.kind} />
                {i.secretNames.length > 0 ? (
                  <div className="mt-1 flex flex-wrap gap-1 text-xs">
                    <span className="text-slate-600">from</span>
                    {i.secretNames.map((n) => (
                      <Badge key={n}>{n}</Badge>
                    ))}
                  </div>
                ) : null}
              </td>
              <td className="px-4 py-2">
                <JobList jobs={i.jobs} total={i.jobCount} orgSlug={orgSlug} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
