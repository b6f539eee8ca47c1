import "server-only";
import { and, eq, inArray, notInArray, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { syncBatches, syncRuns } from "@/lib/db/schema";
import type { FetchStats, OrgPartError } from "@/lib/github/facts";
import { diffStats } from "@/lib/github/stats";

// A run's row is shared by its plan and its batches, which may run in several processes at once:
// they only ever add to its counters (never set them), and the one that finds every batch
// finished closes the run, while holding the run's row lock.

export type SyncError = { repo: string | null; kind: string; message: string };

/** What one part of a run (its plan, a batch) did since it last reported. */
export interface RunDelta {
  stats: FetchStats;
  done: number;
  failed: number;
  errors: SyncError[];
}

export const NO_STATS: FetchStats = { requests: 0, charged: 0, notModified: 0, graphqlPoints: 0, retries: 0, rateLimitWaitMs: 0 };

export const ACTIVE_RUN = ["queued", "running"] as const;
export const FINISHED_BATCH = ["done", "failed"] as const;

/** The counters of `delta` added to the run's (SQL increments: other parts write the same row). */
export function runIncrements(delta: RunDelta): Partial<Record<keyof typeof syncRuns.$inferInsert, SQL>> {
  const add = (column: AnyColumn, n: number) => sql`${column} + ${Math.round(n)}`;
  return {
    reposDone: add(syncRuns.reposDone, delta.done),
    reposFailed: add(syncRuns.reposFailed, delta.failed),
    requests: add(syncRuns.requests, delta.stats.requests),
    charged: add(syncRuns.charged, delta.stats.charged),
    notModified: add(syncRuns.notModified, delta.stats.notModified),
    graphqlPoints: add(syncRuns.graphqlPoints, delta.stats.graphqlPoints),
    retries: add(syncRuns.retries, delta.stats.retries),
    rateLimitWaitMs: add(syncRuns.rateLimitWaitMs, delta.stats.rateLimitWaitMs),
    ...(delta.errors.length > 0 ? { errors: sql`${syncRuns.errors} || ${JSON.stringify(delta.errors)}::jsonb` } : {}),
  };
}

/** What a fetcher spent since the previous `take()` (or since the cursor was made). */
export function statsCursor(fetcher: { stats(): FetchStats }): { take(): FetchStats } {
  let base = fetcher.stats();
  return {
    take() {
      const now = fetcher.stats();
      const delta = diffStats(now, base);
      base = now;
      return delta;
    },
  };
}

export const runWhere = (orgId: string, runId: string) => and(eq(syncRuns.orgId, orgId), eq(syncRuns.id, runId));
export const activeRunWhere = (orgId: string, runId: string) => and(runWhere(orgId, runId), inArray(syncRuns.status, [...ACTIVE_RUN]));

/** Ends the run as failed, adding what this part did; false when it had already ended. */
export async function failRun(db: Db, orgId: string, runId: string, message: string, delta: RunDelta, now: Date): Promise<boolean> {
  const rows = await db
    .update(syncRuns)
    .set({ ...runIncrements(delta), status: "failed", message, finishedAt: now })
    .where(activeRunWhere(orgId, runId))
    .returning({ id: syncRuns.id });
  return rows.length > 0;
}

/**
 * Closes the run when every batch of it has finished, in the caller's transaction (which has
 * already written its own batch: batch rows are locked before the run's row, by every writer),
 * and deletes its batches. Succeeded when
 * nothing failed, partial when some repositories kept their previous snapshot, failed when a
 * batch met a failure of the whole sync (credentials, database) or no repository was synced.
 */
export async function closeRunIfFinished(tx: Db, orgId: string, runId: string, now: Date): Promise<boolean> {
  const [run] = await tx
    .select({ total: syncRuns.reposTotal, done: syncRuns.reposDone, failed: syncRuns.reposFailed })
    .from(syncRuns)
    .where(activeRunWhere(orgId, runId))
    .for("update");
  if (!run) return false;
  const [open] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(syncBatches)
    .where(and(eq(syncBatches.orgId, orgId), eq(syncBatches.runId, runId), notInArray(syncBatches.status, [...FINISHED_BATCH])));
  if ((open?.n ?? 0) > 0) return false;
  const batches = await tx
    .select({ failure: syncBatches.failure, unavailable: sql<OrgPartError[] | null>`${syncBatches.org} -> 'unavailable'` })
    .from(syncBatches)
    .where(and(eq(syncBatches.orgId, orgId), eq(syncBatches.runId, runId)))
    .orderBy(syncBatches.seq);
  const failure = batches.find((b) => b.failure)?.failure;
  const unavailable = batches[0]?.unavailable ?? [];
  const { total, done, failed } = run;
  const status = failure ? "failed" : failed === 0 && unavailable.length === 0 ? "succeeded" : failed < total ? "partial" : "failed";
  const orgNote = unavailable.length > 0 ? ` GitHub refused part of the organisation's settings (${unavailable.map((u) => u.part).join(", ")}); the previous values are kept.` : "";
  const message = failure ?? (failed === 0 ? `${done} repositories synced.` : `${done - failed} of ${total} repositories synced; ${failed} kept their previous snapshot.`) + orgNote;
  await tx.update(syncRuns).set({ status, message, finishedAt: now }).where(runWhere(orgId, runId));
  // Batches are the bookkeeping of a live run; the run's row keeps what it did.
  await tx.delete(syncBatches).where(and(eq(syncBatches.orgId, orgId), eq(syncBatches.runId, runId)));
  return true;
}
