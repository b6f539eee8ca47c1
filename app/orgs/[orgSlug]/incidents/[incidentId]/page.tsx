import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { getOrgPageContext, requirePagePermission } from "@/lib/orgs/page-context";
import { can } from "@/lib/authz/actor";
import { getDatabase } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { getIncidentDetail } from "@/lib/incidents/incident-repo";
import { loadIncident } from "@/lib/incidents/incident-service";
import { IncidentView } from "@/components/incidents/incident-view";
import { incidentKeys } from "@/components/incidents/queries";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "INC-3 · Gatehouse" in the tab, so a responder with several open finds the right one. */
export async function generateMetadata({ params }: { params: Promise<{ orgSlug: string; incidentId: string }> }): Promise<Metadata> {
  const { orgSlug, incidentId } = await params;
  const { actor } = await getOrgPageContext(orgSlug);
  if (!can(actor, "incident.read") || !UUID.test(incidentId)) return { title: "Incident" };
  const { db } = await getDatabase();
  const row = await loadIncident(db, actor.orgId, incidentId).catch(() => null);
  return { title: row ? `INC-${row.number} ${row.title}` : "Incident" };
}

export default async function IncidentPage({ params }: { params: Promise<{ orgSlug: string; incidentId: string }> }) {
  const { orgSlug, incidentId } = await params;
  const { actor } = await requirePagePermission(orgSlug, "incident.read");
  if (!UUID.test(incidentId)) notFound();
  const { db } = await getDatabase();
  // The first state is rendered on the server; the client polls the same key (hydrated) from there.
  const detail = await getIncidentDetail(db, actor.orgId, incidentId).catch((e: unknown) => {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  });
  const qc = new QueryClient();
  qc.setQueryData(incidentKeys.detail(actor.orgSlug, incidentId), detail);
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <IncidentView orgSlug={actor.orgSlug} incidentId={incidentId} me={actor.user.email} canRun={can(actor, "incident.run")} canOverride={can(actor, "incident.override")} canSync={can(actor, "sync.run")} />
    </HydrationBoundary>
  );
}
