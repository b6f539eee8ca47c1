import "server-only";
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { broadestSnapshots, credentialBreadthPoints, syncRuns } from "@/lib/db/schema";
import { inventoryAndOverridesVersion } from "@/lib/inventory/read-cache";
import { broadest, countOverBroad, type OverBroadCount } from "./breadth";
import { credentialFacts } from "./breadth-repo";

// The over-broad credentials' trend: one point per finished sync, written by the job process once
// the run has ended (sync-runner.ts), from the inventory as the run left it. Bounded: one
// credentialFacts statement per sync run (the cost of the broadest list once cold), and nothing
// when the run has not ended or its point is already written. A point belongs to the run that
// ended; a later sync running at the same time may have written too (it gets its own point).
// The same facts give the broadest list, stored with the inventory version read *before* them
// (broadest_snapshot): if a sync writes meanwhile, the version moves on and readers recompute,
// so the stored list is never newer-looking than what it was computed from.

/** Writes the run's point when the run has ended and has none yet; true when it wrote one. */
export async function recordBreadthPoint(db: Db, orgId: string, runId: string): Promise<boolean> {
  const [run] = await db
    .select({ finishedAt: syncRuns.finishedAt, point: credentialBreadthPoints.syncRunId })
    .from(syncRuns)
    .leftJoin(credentialBreadthPoints, eq(credentialBreadthPoints.syncRunId, syncRuns.id))
    .where(and(eq(syncRuns.orgId, orgId), eq(syncRuns.id, runId), isNotNull(syncRuns.finishedAt)));
  if (!run?.finishedAt || run.point) return false;
  const version = await inventoryAndOverridesVersion(db, orgId);
  const facts = await credentialFacts(db, orgId);
  const count = countOverBroad(facts);
  const list = broadest(facts);
  await db
    .insert(broadestSnapshots)
    .values({ orgId, version, list })
    .onConflictDoUpdate({ target: broadestSnapshots.orgId, set: { version, list, computedAt: new Date() } });
  const written = await db
    .insert(credentialBreadthPoints)
    .values({ syncRunId: runId, orgId, at: run.finishedAt, overBroad: count.overBroad, unused: count.unused, byScope: count.byScope })
    .onConflictDoNothing()
    .returning({ id: credentialBreadthPoints.syncRunId });
  return written.length > 0;
}

/** The points of these runs of the org, by run id. */
export async function breadthPoints(db: Db, orgId: string, runIds: string[]): Promise<Map<string, OverBroadCount>> {
  if (runIds.length === 0) return new Map();
  const rows = await db
    .select({ runId: credentialBreadthPoints.syncRunId, overBroad: credentialBreadthPoints.overBroad, unused: credentialBreadthPoints.unused, byScope: credentialBreadthPoints.byScope })
    .from(credentialBreadthPoints)
    .where(and(eq(credentialBreadthPoints.orgId, orgId), inArray(credentialBreadthPoints.syncRunId, runIds)));
  return new Map(rows.map((r) => [r.runId, { overBroad: r.overBroad, unused: r.unused, byScope: r.byScope }]));
}
