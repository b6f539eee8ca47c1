import type { Metadata } from "next";
import Link from "next/link";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { can } from "@/lib/authz/actor";
import { getDatabase } from "@/lib/db";
import { listIncidents } from "@/lib/incidents/incident-repo";
import type { IncidentKind } from "@/lib/db/schema/incidents";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState, TabLinks } from "@/components/inventory/inventory-parts";
import { IncidentStatusBadge, Progress, SeverityBadge } from "@/components/incidents/incident-parts";
import { INCIDENT_KIND_LIST, utc } from "@/components/incidents/labels";
import { NewIncidentForm } from "@/components/incidents/new-incident-form";

export const metadata: Metadata = { title: "Incidents" };

type Search = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

export default async function IncidentsPage({ params, searchParams }: { params: Promise<{ orgSlug: string }>; searchParams: Promise<Search> }) {
  const { orgSlug } = await params;
  const { actor } = await requirePagePermission(orgSlug, "incident.read");
  const sp = await searchParams;
  const status = one(sp.status) === "open" || one(sp.status) === "closed" ? (one(sp.status) as "open" | "closed") : undefined;
  const base = `/orgs/${actor.orgSlug}/incidents`;
  const mayRun = can(actor, "incident.run");
  // ?kind=&target= (from a blast radius, a workflow, a job, a runner, a secret or an identity) or ?new=1 opens the form, prefilled.
  const kindParam = one(sp.kind);
  const kind: IncidentKind = INCIDENT_KIND_LIST.includes(kindParam as IncidentKind) ? (kindParam as IncidentKind) : "action";
  const target = (one(sp.target) ?? "").slice(0, 500);
  const formOpen = mayRun && (one(sp.new) === "1" || Boolean(kindParam) || Boolean(target));

  const { db } = await getDatabase();
  const rows = await listIncidents(db, actor.orgId, status);
  // Open first (the ones that need someone now), then the newest.
  const sorted = [...rows].sort((a, b) => Number(b.status === "open") - Number(a.status === "open") || b.startedAt.localeCompare(a.startedAt));
  const tabHref = (s?: string) => (s ? `${base}?status=${s}` : base);
  return (
    <>
      <PageHeader
        title="Incidents"
        description="From a compromised action, workflow, secret, identity or runner to contained, rotated and verified: the scope is frozen at start, the seven steps become a shared checklist, and everything lands on the timeline."
        actions={
          mayRun && !formOpen ? (
            <Link href={`${base}?new=1`} className="rounded-md bg-blue-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-900">
              New incident
            </Link>
          ) : null
        }
      />
      {formOpen ? (
        <div className="mb-6">
          <NewIncidentForm orgSlug={actor.orgSlug} me={actor.user.email} kind={kind} target={target} cancelHref={base} />
        </div>
      ) : null}
      <TabLinks
        label="Incidents by status"
        tabs={[
          { href: tabHref(), label: "All", current: !status },
          { href: tabHref("open"), label: "Open", current: status === "open" },
          { href: tabHref("closed"), label: "Closed", current: status === "closed" },
        ]}
      />
      <section aria-label="Incident list" className="rounded-lg border border-slate-200 bg-white">
        {sorted.length === 0 ? (
          <EmptyState>{status === "closed" ? "No closed incidents." : status === "open" ? "No open incidents." : "No incidents yet."}</EmptyState>
        ) : (
          <div tabIndex={0} role="region" aria-label="Incidents (scrollable)" className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Incidents, open first: number, title, severity, target, commander, start and progress</caption>
              <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="px-4 py-2">Incident</th>
                  <th scope="col" className="px-4 py-2">Severity</th>
                  <th scope="col" className="px-4 py-2">Target</th>
                  <th scope="col" className="px-4 py-2">Commander</th>
                  <th scope="col" className="whitespace-nowrap px-4 py-2">Started</th>
                  <th scope="col" className="px-4 py-2">Progress</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 align-top">
                {sorted.map((i) => (
                  <tr key={i.id} data-testid="incident-row" data-status={i.status}>
                    <th scope="row" className="px-4 py-2 text-left font-normal">
                      <Link href={`${base}/${i.id}`} className="font-medium text-blue-800 underline">
                        INC-{i.number} {i.title}
                      </Link>
                      <div className="mt-1">
                        <IncidentStatusBadge status={i.status} />
                        {i.closedAt ? <span className="ml-1 text-xs text-slate-600">{utc(i.closedAt)}</span> : null}
                      </div>
                    </th>
                    <td className="px-4 py-2">
                      <SeverityBadge severity={i.severity} />
                    </td>
                    <td className="px-4 py-2">
                      <span className="text-slate-600">{i.kind}</span> <span className="break-words font-mono text-xs">{i.target}</span>
                    </td>
                    <td className="px-4 py-2">{i.commander}</td>
                    <td className="whitespace-nowrap px-4 py-2">{utc(i.startedAt)}</td>
                    <td className="px-4 py-2">
                      <Progress finished={i.finished} total={i.items} label={`Progress of INC-${i.number}`} compact />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
