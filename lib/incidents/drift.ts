import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { rowsOf } from "@/lib/db/migrate";
import { incidentEvents, jobs, workflows, type incidents } from "@/lib/db/schema";
import { incidentJobs } from "./scope";

/** The timeline type of a drift a sync saw: its `data.workflowIds` are the workflows it reported. */
export const DRIFT_EVENT = "drift";

export interface DriftWorkflow {
  workflowId: string;
  label: string;
}

/**
 * Workflows the target reaches now that are not in the frozen scope (`inScope`: the incident's
 * workflow scope keys). Computed from the inventory as it is; a closed incident has none.
 */
export async function scopeDrift(db: Db, orgId: string, incident: typeof incidents.$inferSelect, inScope: ReadonlySet<string>): Promise<DriftWorkflow[]> {
  const jobSet = incidentJobs(orgId, incident.kind, incident.target);
  if (!jobSet || incident.status === "closed") return [];
  const rows = rowsOf<{ id: string; label: string }>(
    await db.execute(sql`with t as (${jobSet})
      select distinct w.id, w.repo_full_name || '/' || w.path as label
      from t join ${jobs} j on j.id = t.id and j.org_id = ${orgId} join ${workflows} w on w.id = j.workflow_id and w.org_id = ${orgId}
      order by label`),
  );
  return rows.filter((r) => !inScope.has(r.id)).map((r) => ({ workflowId: r.id, label: r.label }));
}

/**
 * The workflows the incident's timeline reports as drift, with when a sync first saw each: the
 * timeline is the memory (append-only), so a workflow is reported once. `events` oldest first.
 */
export function driftSeenAt(events: readonly { type: string; at: Date; data: Record<string, unknown> }[]): Map<string, string> {
  const seen = new Map<string, string>();
  for (const e of events) {
    if (e.type !== DRIFT_EVENT) continue;
    const ids = Array.isArray(e.data.workflowIds) ? e.data.workflowIds : [];
    for (const id of ids) if (typeof id === "string" && !seen.has(id)) seen.set(id, e.at.toISOString());
  }
  return seen;
}

/** `driftSeenAt` of the incident's drift events, read from the database. */
export async function reportedDrift(db: Db, orgId: string, incidentId: string): Promise<Map<string, string>> {
  const events = await db
    .select({ type: incidentEvents.type, at: incidentEvents.at, data: incidentEvents.data })
    .from(incidentEvents)
    .where(and(eq(incidentEvents.orgId, orgId), eq(incidentEvents.incidentId, incidentId), eq(incidentEvents.type, DRIFT_EVENT)))
    .orderBy(asc(incidentEvents.id));
  return driftSeenAt(events);
}
