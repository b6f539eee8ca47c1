import type { Metadata } from "next";
import Link from "next/link";
import { getOrgPageContext } from "@/lib/orgs/page-context";
import { getDatabase } from "@/lib/db";
import { can } from "@/lib/authz/actor";
import { listAuditEvents } from "@/lib/audit/audit-repo";
import { inventoryCounts, riskiestCredentials } from "@/lib/inventory/overview-repo";
import { latestSyncRun } from "@/lib/connections/connection-repo";
import { PageHeader } from "@/components/ui/page-header";
import { Badge } from "@/components/ui/badge";
import { RoleBadge } from "@/components/members/role-badge";
import { AuditTable } from "@/components/audit/audit-table";
import { TrendChart } from "@/components/findings/trend-chart";
import { findingsTrend } from "@/lib/findings/trend-repo";

export const metadata: Metadata = { title: "Overview" };

const REACH_TONE = { deploy: "red", publish: "red", read: "neutral" } as const;
const SYNC_TONE = { queued: "neutral", running: "blue", succeeded: "green", partial: "amber", failed: "red" } as const;

export default async function OrgOverviewPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { actor } = await getOrgPageContext(orgSlug);
  const { db } = await getDatabase();
  const [counts, risky, sync, recent, trend] = await Promise.all([
    inventoryCounts(db, actor.orgId),
    riskiestCredentials(db, actor.orgId, 10),
    latestSyncRun(db, actor.orgId),
    can(actor, "audit.read") ? listAuditEvents(db, actor.orgId, {}) : Promise.resolve(null),
    findingsTrend(db, actor.orgId),
  ]);
  const base = `/orgs/${actor.orgSlug}`;
  const tiles: [string, number, string | null][] = [
    ["Repositories", counts.repositories, `${base}/repositories`],
    ["Workflows", counts.workflows, `${base}/workflows`],
    ["Jobs", counts.jobs, null],
    ["Secrets", counts.secrets, null],
    ["Identities", counts.identities, null],
    ["External systems", counts.systems, null],
  ];
  return (
    <>
      <PageHeader
        title={actor.orgName}
        description={
          <>
            GitHub organisation {actor.orgSlug} · your role: <RoleBadge role={actor.role} />
          </>
        }
      />
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {tiles.map(([label, value, href]) => (
          <div key={label} className="rounded-lg border border-slate-200 bg-white p-4" data-testid="count-tile">
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
            <dd className="mt-1 text-2xl font-semibold">
              {href ? (
                <Link href={href} className="underline-offset-4 hover:underline">
                  {value}
                </Link>
              ) : (
                value
              )}
            </dd>
          </div>
        ))}
      </dl>

      <div className="mt-6">
        <TrendChart points={trend} title="Findings over time" />
      </div>

      <div className="mt-6 grid gap-6 lg:grid-cols-3">
        <section aria-labelledby="risky-heading" className="rounded-lg border border-slate-200 bg-white p-5 lg:col-span-2">
          <h2 id="risky-heading" className="font-semibold">
            Riskiest credentials
          </h2>
          <p className="text-sm text-slate-600">Ranked by what the jobs holding them can deploy or publish, times how exposed those jobs are.</p>
          {risky.length === 0 ? (
            <p className="mt-3 text-sm text-slate-600">No credential found yet{sync ? "" : ": connect GitHub and sync"}.</p>
          ) : (
            <table className="mt-3 w-full text-left text-sm">
              <caption className="sr-only">Riskiest credentials</caption>
              <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="py-1.5 pr-3">Credential</th>
                  <th scope="col" className="py-1.5 pr-3">Its jobs can</th>
                  <th scope="col" className="py-1.5 pr-3">Used by</th>
                  <th scope="col" className="py-1.5 pr-3">Exposure</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {risky.map((r) => (
                  <tr key={`${r.kind}:${r.name}`} data-testid="risky-credential">
                    <td className="py-1.5 pr-3">
                      <Link
                        href={`${base}/blast-radius?type=${r.kind}&id=${encodeURIComponent(r.kind === "identity" ? r.name.split(" ").slice(1).join(" ") : r.name)}`}
                        className="font-mono text-xs text-blue-800 underline"
                      >
                        {r.name}
                      </Link>
                      <div className="text-xs text-slate-500">{r.kind}</div>
                    </td>
                    <td className="py-1.5 pr-3">
                      <Badge tone={REACH_TONE[r.reach]}>{r.reach}</Badge>
                    </td>
                    <td className="py-1.5 pr-3 text-xs">
                      {r.jobs} {r.jobs === 1 ? "job" : "jobs"} in {r.repositories} {r.repositories === 1 ? "repository" : "repositories"}
                    </td>
                    <td className="py-1.5 pr-3 text-xs text-slate-700">{r.exposure.join("; ") || "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <div className="space-y-6">
          <section aria-labelledby="sync-heading" className="rounded-lg border border-slate-200 bg-white p-5 text-sm">
            <h2 id="sync-heading" className="font-semibold">
              Last sync
            </h2>
            {sync ? (
              <div className="mt-2 space-y-1">
                <p>
                  <Badge tone={SYNC_TONE[sync.status]}>{sync.status}</Badge> {sync.trigger}, {(sync.finishedAt ?? sync.startedAt).toISOString().replace("T", " ").slice(0, 16)} UTC
                </p>
                <p className="text-slate-700">{sync.message ?? `${sync.reposDone} / ${sync.reposTotal} repositories`}</p>
                <Link href={`${base}/repositories`} className="text-blue-800 underline">
                  Repositories and sync details
                </Link>
              </div>
            ) : (
              <p className="mt-2 text-slate-600">
                Never synced.{" "}
                {can(actor, "connection.manage") ? (
                  <Link href={`${base}/settings/github`} className="text-blue-800 underline">
                    Connect GitHub
                  </Link>
                ) : (
                  "An admin connects GitHub."
                )}
              </p>
            )}
          </section>
          <section aria-labelledby="activity-heading" className="rounded-lg border border-slate-200 bg-white p-5">
            <h2 id="activity-heading" className="font-semibold">
              Recent activity
            </h2>
            {recent ? (
              <>
                <AuditTable events={recent.events.slice(0, 5)} compact emptyText="Nothing has been changed through Gatehouse yet." />
                <Link href={`${base}/settings/audit`} className="mt-3 inline-block text-sm font-medium text-blue-800 underline">
                  Open the audit log
                </Link>
              </>
            ) : (
              <p className="mt-2 text-sm text-slate-600">The audit log is visible to admins.</p>
            )}
          </section>
        </div>
      </div>
    </>
  );
}
