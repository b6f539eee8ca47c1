import "server-only";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { incidentEvents, incidentItems, incidents, incidentScope, pipelineContainments, workflows } from "@/lib/db/schema";
import { responderConfigured } from "@/lib/github/responder";
import { STEPS } from "./checklist";
import { driftSeenAt, scopeDrift } from "./drift";
import { loadIncident } from "./incident-service";
import type { IncidentDetailDto, IncidentSummaryDto, ScopeItemDto } from "./incident-dto";

async function responderStatus(): Promise<IncidentDetailDto["responder"]> {
  try {
    if (await responderConfigured()) return { configured: true, message: null };
    return { configured: false, message: "No responder App is configured (GITHUB_RESPONDER_APP_ID): each action lists the exact gh commands to run by hand; paste what answered as evidence." };
  } catch (err) {
    return { configured: false, message: err instanceof Error ? err.message : String(err) };
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function listIncidents(db: Db, orgId: string, status?: "open" | "closed"): Promise<IncidentSummaryDto[]> {
  const where = status ? and(eq(incidents.orgId, orgId), eq(incidents.status, status)) : eq(incidents.orgId, orgId);
  const rows = await db.select().from(incidents).where(where).orderBy(desc(incidents.startedAt)).limit(200);
  if (rows.length === 0) return [];
  const progress = await db
    .select({ incidentId: incidentItems.incidentId, total: sql<number>`count(*)::int`, finished: sql<number>`count(*) filter (where ${incidentItems.status} in ('done', 'verified', 'skipped'))::int` })
    .from(incidentItems)
    .where(and(eq(incidentItems.orgId, orgId), inArray(incidentItems.incidentId, rows.map((r) => r.id))))
    .groupBy(incidentItems.incidentId);
  const byId = new Map(progress.map((p) => [p.incidentId, p]));
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    title: r.title,
    kind: r.kind,
    target: r.targetLabel,
    severity: r.severity,
    status: r.status,
    commander: r.commander,
    startedAt: r.startedAt.toISOString(),
    closedAt: iso(r.closedAt),
    items: byId.get(r.id)?.total ?? 0,
    finished: byId.get(r.id)?.finished ?? 0,
  }));
}

export async function getIncidentDetail(db: Db, orgId: string, incidentId: string): Promise<IncidentDetailDto> {
  const incident = await loadIncident(db, orgId, incidentId);
  const [scope, items, events, contained] = await Promise.all([
    // "exposed" sorts before "reachable": exposed items first within each kind.
    db.select().from(incidentScope).where(and(eq(incidentScope.orgId, orgId), eq(incidentScope.incidentId, incident.id))).orderBy(asc(incidentScope.kind), asc(incidentScope.exposure), asc(incidentScope.label)),
    db.select().from(incidentItems).where(and(eq(incidentItems.orgId, orgId), eq(incidentItems.incidentId, incident.id))).orderBy(asc(incidentItems.step), desc(incidentItems.exposed), asc(incidentItems.position)),
    db.select().from(incidentEvents).where(and(eq(incidentEvents.orgId, orgId), eq(incidentEvents.incidentId, incident.id))).orderBy(asc(incidentEvents.id)),
    db.select().from(pipelineContainments).where(and(eq(pipelineContainments.orgId, orgId), eq(pipelineContainments.incidentId, incident.id))).orderBy(asc(pipelineContainments.appliedAt), asc(pipelineContainments.target)),
  ]);
  const wfIds = scope.filter((s) => s.kind === "workflow").map((s) => s.key);
  const live = wfIds.length
    ? await db.select({ id: workflows.id, state: workflows.state }).from(workflows).where(and(eq(workflows.orgId, orgId), inArray(workflows.id, wfIds)))
    : [];
  const liveState = new Map(live.map((w) => [w.id, w.state]));
  const group = (kind: string): ScopeItemDto[] =>
    scope
      .filter((s) => s.kind === kind)
      .map((s) => ({ key: s.key, label: s.label, exposed: s.exposure === "exposed", addedBy: s.addedBy, data: s.kind === "workflow" ? { ...s.data, liveState: liveState.get(s.key) ?? "gone" } : s.data }));
  // Drift is the target's reach now (computed on read); when a sync first saw each workflow is on the timeline.
  const drift = await scopeDrift(db, orgId, incident, new Set(wfIds));
  const seen = driftSeenAt(events);
  const finished = items.filter((i) => i.status === "done" || i.status === "verified" || i.status === "skipped").length;
  return {
    id: incident.id,
    number: incident.number,
    title: incident.title,
    kind: incident.kind,
    target: incident.target,
    targetLabel: incident.targetLabel,
    severity: incident.severity,
    status: incident.status,
    commander: incident.commander,
    startedBy: incident.startedBy,
    startedAt: incident.startedAt.toISOString(),
    window: incident.windowFrom && incident.windowTo ? { from: incident.windowFrom.toISOString(), to: incident.windowTo.toISOString() } : null,
    inventoryAt: iso(incident.inventoryAt),
    exposureCheckedAt: iso(incident.exposureCheckedAt),
    exposureNote: incident.exposureNote,
    closedAt: iso(incident.closedAt),
    closedBy: incident.closedBy,
    summary: incident.summary,
    scope: {
      workflows: group("workflow"),
      repositories: group("repository"),
      secrets: group("secret"),
      identities: group("identity"),
      systems: group("system"),
      deployKeys: group("deploy-key"),
      releases: group("release"),
      owners: group("owner"),
    },
    steps: STEPS.map((s) => {
      const its = items.filter((i) => i.step === s.step);
      return {
        step: s.step,
        title: s.title,
        finished: its.filter((i) => i.status === "done" || i.status === "verified" || i.status === "skipped").length,
        items: its.map((i) => ({
          id: i.id,
          kind: i.kind,
          scopeKey: i.scopeKey,
          label: i.label,
          detail: i.detail,
          owner: i.owner,
          assignee: i.assignee,
          status: i.status,
          statusReason: i.statusReason,
          command: i.command,
          evidence: i.evidence,
          notes: i.notes,
          exposed: i.exposed === 1,
          updatedAt: i.updatedAt.toISOString(),
          updatedBy: i.updatedBy,
        })),
      };
    }),
    progress: { total: items.length, finished },
    drift: drift.map((w) => ({ ...w, seenAt: seen.get(w.workflowId) ?? null })),
    timeline: events.map((e) => ({ id: e.id, at: e.at.toISOString(), actor: e.actor, type: e.type, message: e.message })),
    containments: contained.map((c) => ({ id: c.id, itemId: c.itemId, kind: c.kind, target: c.target, outcome: c.outcome, appliedAt: c.appliedAt.toISOString(), appliedBy: c.appliedBy })),
    responder: await responderStatus(),
  };
}
