import type { OwnedItemDto, OwnersPage } from "@/lib/inventory/credentials-dto";
import { OWNER_SOURCE_LABELS } from "@/lib/inventory/credentials-labels";
import { Badge } from "@/components/ui/badge";
import { EmptyState, plural } from "./inventory-parts";
import { OwnerOverride } from "./owner-override";

function ItemLine({ item, owner, orgSlug, canOverride }: { item: OwnedItemDto; owner: string | null; orgSlug: string; canOverride: boolean }) {
  const label = item.workflowPath ? `${item.repository} ${item.workflowPath}` : item.repository;
  return (
    <li className="py-1" data-testid="owned-item">
      <span className="font-medium">{item.repository}</span>
      {item.workflowPath ? <span className="ml-1 font-mono text-xs">{item.workflowPath.replace(/^\.github\/workflows\//, "")}</span> : null}
      {item.source ? <span className="ml-2 text-xs text-slate-500">{OWNER_SOURCE_LABELS[item.source] ?? item.source}</span> : null}
      {canOverride ? (
        <span className="ml-2">
          <OwnerOverride
            orgSlug={orgSlug}
            label={label}
            current={owner}
            manual={item.source === "manual"}
            target={{ targetType: item.type, repoId: item.repoId, ...(item.workflowPath ? { workflowPath: item.workflowPath } : {}) }}
          />
        </span>
      ) : null}
    </li>
  );
}

export function OwnersList({ page, orgSlug, canOverride }: { page: OwnersPage; orgSlug: string; canOverride: boolean }) {
  if (page.rows.length === 0) return <EmptyState>No owners match this view.</EmptyState>;
  return (
    <ul className="divide-y divide-slate-100">
      {page.rows.map((o) => {
        const repos = o.items.filter((i) => i.type === "repository");
        const wfs = o.items.filter((i) => i.type === "workflow");
        const headingId = `owner-${o.owner.replace(/[^A-Za-z0-9-]/g, "-")}`;
        return (
          <li key={o.owner} className="p-4" data-testid="owner-row" data-owner={o.owner}>
            <section aria-labelledby={headingId}>
              <h2 id={headingId} className="text-base font-semibold">
                {o.owner}{" "}
                <span className="text-sm font-normal text-slate-600">
                  {plural(o.repositoryCount, "repository", "repositories")} · {plural(o.workflowCount, "workflow", "workflows")} · {plural(o.secrets.length, "secret", "secrets")} to rotate
                </span>
              </h2>
              <div className="mt-2 grid gap-4 text-sm md:grid-cols-3">
                <div>
                  <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-600">Repositories</h3>
                  {repos.length === 0 ? <p className="text-slate-500">none</p> : (
                    <ul>{repos.map((i) => <ItemLine key={i.repoId} item={i} owner={o.owner} orgSlug={orgSlug} canOverride={canOverride} />)}</ul>
                  )}
                  {o.repositoryCount > repos.length ? <p className="text-xs text-slate-600">and {o.repositoryCount - repos.length} more</p> : null}
                </div>
                <div>
                  <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-600">Workflows</h3>
                  {wfs.length === 0 ? <p className="text-slate-500">none</p> : (
                    <ul>{wfs.map((i) => <ItemLine key={`${i.repoId}|${i.workflowPath}`} item={i} owner={o.owner} orgSlug={orgSlug} canOverride={canOverride} />)}</ul>
                  )}
                  {o.workflowCount > wfs.length ? <p className="text-xs text-slate-600">and {o.workflowCount - wfs.length} more</p> : null}
                </div>
                <div>
                  <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-600">Secrets they would rotate</h3>
                  {o.secrets.length === 0 ? <p className="text-slate-500">none</p> : (
                    <ul>
                      {o.secrets.map((s) => (
                        <li key={`${s.scope}|${s.repository}|${s.environment}|${s.secretName}`} className="py-0.5" data-testid="owned-secret">
                          <span className="font-mono text-xs font-medium">{s.secretName}</span>{" "}
                          <span className="text-xs text-slate-600">
                            {s.scope === "org" ? "organisation" : s.scope === "environment" ? `${s.repository} · ${s.environment}` : s.repository}
                          </span>{" "}
                          {s.stale ? <Badge tone="amber">stale</Badge> : null}
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              </div>
            </section>
          </li>
        );
      })}
    </ul>
  );
}

export function UnownedList({ items, total, orgSlug, canOverride }: { items: OwnedItemDto[]; total: number; orgSlug: string; canOverride: boolean }) {
  if (total === 0) return null;
  return (
    <section aria-labelledby="unowned-heading" className="mt-6 rounded-lg border border-amber-300 bg-white p-4">
      <h2 id="unowned-heading" className="text-base font-semibold">
        Unowned <span className="text-sm font-normal text-slate-600">{total} repositories and workflows with no owner: nobody would rotate their secrets</span>
      </h2>
      <ul className="mt-2 text-sm">
        {items.map((i) => (
          <ItemLine key={`${i.type}|${i.repoId}|${i.workflowPath}`} item={i} owner={null} orgSlug={orgSlug} canOverride={canOverride} />
        ))}
      </ul>
      {total > items.length ? <p className="text-xs text-slate-600">and {total - items.length} more</p> : null}
    </section>
  );
}
