import "server-only";
import { redactText } from "@/lib/logger";
import { and, eq, inArray, sql, TransactionRollbackError } from "drizzle-orm";
import type { DatabaseHandle, Db } from "@/lib/db/types";
import { repositories, syncBatches, syncRuns } from "@/lib/db/schema";
import type { RepoSummary } from "@/lib/github/facts";
import { isWorkerGone, RUN_STALE_MS } from "@/lib/inventory/sync-liveness";
import { ACTIVE_RUN, activeRunWhere } from "@/lib/inventory/sync-run-state";
import { markRepoStale } from "@/lib/inventory/snapshot-writer";
import { syncJobsOfRun, type SyncJobInfo } from "@/lib/jobs/queue";
import { logger } from "@/lib/logger";

// The reaper: a run is dead when nothing will ever continue it — no job of it is queued, running
// or awaiting a retry in pg-boss, and its heartbeat stopped RUN_STALE_MS ago (or the process that
// last stamped it is certainly gone). A run waiting in the queue, or waiting out a rate limit
// (its worker keeps stamping it), is alive. A dead run is failed with the reason, its unfinished
// batches with it, and their repositories not yet written are marked stale: their previous
// snapshot stays. Runs at start-up, every minute (the `sync-reap` schedule) and before Sync now.

const PENDING: SyncJobInfo["state"][] = ["created", "retry", "active"];

export interface ReapedRun {
  orgId: string;
  runId: string;
  message: string;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

function reasonFor(run: { worker: string | null; heartbeatAgeMs: number | null }, jobs: SyncJobInfo[]): string {
  const lastError = jobs.find((j) => j.state === "failed" && j.output)?.output;
  // Error text can quote a failed query's values: redacted like every log line.
  const said = lastError ? ` Its last attempt ended with: ${redactText(lastError)}.` : "";
  if (run.worker === null || run.heartbeatAgeMs === null) {
    return `This sync never started: no worker took it up (the process that queued it stopped first, or its job was lost).${said} Start a new sync.`;
  }
  // Which host and process it was stays in sync_run.worker and the log: not for the organisation's members.
  return `The worker running this sync stopped (last heartbeat ${ago(run.heartbeatAgeMs)}). Repositories it had not written keep their previous snapshot.${said} Start a new sync.`;
}

/** Fails dead runs (of one organisation, or all); returns what it failed. */
export async function reapDeadRuns(handle: DatabaseHandle, scope: { orgId?: string } = {}): Promise<ReapedRun[]> {
  const { db } = handle;
  const candidates = await db
    .select({
      id: syncRuns.id,
      orgId: syncRuns.orgId,
      worker: syncRuns.worker,
      heartbeatAgeMs: sql<number | null>`(extract(epoch from now() - ${syncRuns.heartbeatAt}) * 1000)::float8`,
      silentMs: sql<number>`(extract(epoch from now() - coalesce(${syncRuns.heartbeatAt}, ${syncRuns.startedAt})) * 1000)::float8`,
    })
    .from(syncRuns)
    .where(and(inArray(syncRuns.status, [...ACTIVE_RUN]), scope.orgId ? eq(syncRuns.orgId, scope.orgId) : undefined));
  const reaped: ReapedRun[] = [];
  for (const run of candidates) {
    if (Number(run.silentMs) < RUN_STALE_MS && !isWorkerGone(run.worker, run.id)) continue;
    const jobs = await syncJobsOfRun(handle, run.id);
    if (jobs.some((j) => PENDING.includes(j.state))) continue;
    const message = reasonFor({ worker: run.worker, heartbeatAgeMs: run.heartbeatAgeMs === null ? null : Number(run.heartbeatAgeMs) }, jobs);
    if (await failDeadRun(db, run.orgId, run.id, message)) {
      logger.warn("a sync run whose worker stopped was marked failed", { orgId: run.orgId, runId: run.id, worker: run.worker });
      reaped.push({ orgId: run.orgId, runId: run.id, message });
    }
  }
  return reaped;
}

const STALE_REASON = "The sync stopped before this repository was written (its worker stopped); the previous snapshot is kept.";

/** In one transaction: the run's batches gone, their unwritten repositories stale, the run failed. */
async function failDeadRun(db: Db, orgId: string, runId: string, message: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Batches are the bookkeeping of a live run (a late retry of one finds nothing and stops).
    const batches = await tx
      .delete(syncBatches)
      .where(and(eq(syncBatches.orgId, orgId), eq(syncBatches.runId, runId)))
      .returning({ status: syncBatches.status, repos: syncBatches.repos, doneRepoIds: syncBatches.doneRepoIds, startedAt: syncBatches.startedAt });
    const unfinished = batches.filter((b) => b.status === "queued" || b.status === "running");
    const unreported = unfinished.flatMap((b) => b.repos.filter((r) => !b.doneRepoIds.includes(r.githubId)).map((repo) => ({ repo, since: b.startedAt })));
    // Written by the dead attempt after its last report: its snapshot is new, not stale.
    const synced = unreported.length === 0 ? [] : await tx
      .select({ githubId: repositories.githubId, syncedAt: repositories.syncedAt })
      .from(repositories)
      .where(and(eq(repositories.orgId, orgId), inArray(repositories.githubId, unreported.map((u) => u.repo.githubId))));
    const syncedAt = new Map(synced.map((r) => [r.githubId, r.syncedAt]));
    const unwritten: RepoSummary[] = unreported
      .filter(({ repo, since }) => {
        const at = syncedAt.get(repo.githubId);
        return !(since && at && at >= since);
      })
      .map((u) => u.repo);
    for (const repo of unwritten) await markRepoStale(tx, orgId, repo, STALE_REASON);
    const ended = await tx
      .update(syncRuns)
      .set({
        status: "failed",
        message,
        finishedAt: sql`now()`,
        reposFailed: sql`${syncRuns.reposFailed} + ${unwritten.length}`,
        errors: sql`${syncRuns.errors} || ${JSON.stringify([{ repo: null, kind: "worker-lost", message }])}::jsonb`,
      })
      .where(activeRunWhere(orgId, runId))
      .returning({ id: syncRuns.id });
    // Closed meanwhile by its last batch: nothing of this transaction stands.
    if (ended.length === 0) tx.rollback();
    return true;
  }).catch((err: unknown) => {
    if (err instanceof TransactionRollbackError) return false;
    throw err;
  });
}
