import "server-only";
import type { Db } from "@/lib/db/types";
import type { FetchStats, OrgFacts, RepoFacts, RepoFetchError, RepoSummary } from "@/lib/github/facts";
import { planRun } from "./sync-plan";
import { runBatch } from "./sync-batch";
import { startRunHeartbeat } from "./sync-liveness";

/** What the sync needs from the fetch layer (lib/github/fetch). */
export interface OrgFetcher {
  fetchOrg(): Promise<OrgFacts>;
  listRepos(): Promise<RepoSummary[]>;
  fetchRepos(repos: RepoSummary[], opts?: { filesFor?: Set<number> }): AsyncIterable<RepoFacts | RepoFetchError>;
  stats(): FetchStats;
}

export interface SyncRequest {
  runId: string;
  orgId: string;
  /** Sync only these repositories (GitHub ids), e.g. from a webhook. */
  repoIds?: number[];
  /** Re-fetch the files of these repositories even if pushed_at did not move (push webhooks). */
  forceFilesFor?: number[];
  now?: () => Date;
}

/**
 * Runs one whole sync in this process: organisation facts, then each repository in its own
 * transaction (one batch of everything, so fetching never pauses between batches). A repository
 * that fails keeps its previous snapshot and is marked stale with the reason; the run records
 * what it cost and how it ended. Job workers run the same steps, a batch per job (the plan in
 * sync-plan.ts, the batches in sync-batch.ts), so several processes share one sync.
 */
export async function runSync(db: Db, fetcher: OrgFetcher, req: SyncRequest): Promise<void> {
  // Stamped from start to end, also between the plan and its batch.
  const stopHeartbeat = await startRunHeartbeat(db, req.orgId, req.runId);
  try {
    const batches = await planRun(db, fetcher, { ...req, batchSize: () => Infinity });
    for (const batchId of batches ?? []) await runBatch(db, fetcher, { orgId: req.orgId, runId: req.runId, batchId }, { now: req.now });
  } finally {
    stopHeartbeat();
  }
}
