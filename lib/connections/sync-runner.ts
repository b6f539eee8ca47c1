import "server-only";
import { and, eq } from "drizzle-orm";
import { getEnv } from "@/lib/env";
import type { DatabaseHandle, Db } from "@/lib/db/types";
import { syncRuns } from "@/lib/db/schema";
import { createGithubClient } from "@/lib/github/client";
import { SYNC_TOKEN_PERMISSIONS } from "@/lib/github/permissions";
import { createOrgFetcher } from "@/lib/github/fetch";
import type { OrgFetcher } from "@/lib/inventory/sync-service";
import { batchSizeFor, planRun } from "@/lib/inventory/sync-plan";
import { failBatch, runBatch, type BatchRef } from "@/lib/inventory/sync-batch";
import { failRun, NO_STATS } from "@/lib/inventory/sync-run-state";
import { enqueue } from "@/lib/jobs/queue";
import { githubCredentials } from "./credentials";
import { dbEtagStore } from "./etag-store";
import { claimRun, findConnection } from "./connection-repo";
import { logger } from "@/lib/logger";

export interface SyncJob {
  orgId: string;
  runId: string;
}

/** The fetcher of the organisation's connection, or why there is none (what to do about it). */
async function connectionFetcher(db: Db, orgId: string, runId: string): Promise<{ fetcher: OrgFetcher } | { failure: string }> {
  const connection = await findConnection(db, orgId);
  if (!connection) return { failure: "This organisation is not connected to GitHub: an admin connects it on Settings → GitHub." };
  const creds = githubCredentials(getEnv());
  if (creds.mode === "none") return { failure: "No GitHub credentials are configured: set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (or GATEHOUSE_GITHUB_TOKEN) and restart." };
  if (creds.mode === "app" && !connection.installationId) return { failure: "The connection has no App installation: reconnect it on Settings → GitHub." };

  const onEvent = (e: { type: string; waitMs?: number }) => {
    if (e.type === "rate-limited" && e.waitMs) {
      void db
        .update(syncRuns)
        .set({ waitingUntil: new Date(Date.now() + e.waitMs) })
        .where(and(eq(syncRuns.orgId, orgId), eq(syncRuns.id, runId)));
    }
  };
  const client = createGithubClient(
    creds.mode === "app"
      ? { kind: "app", baseUrl: connection.baseUrl, appId: creds.appId, privateKey: creds.privateKey, installationId: connection.installationId!, account: connection.accountLogin, permissions: SYNC_TOKEN_PERMISSIONS, onEvent }
      : { kind: "token", baseUrl: connection.baseUrl, token: creds.token, onEvent },
  );
  return { fetcher: createOrgFetcher({ client, org: connection.accountLogin, etags: dbEtagStore(db, orgId) }) };
}

/**
 * A `sync-org` / `sync-repo` job: plans the run (organisation facts, the listing, its batches) and
 * queues one `sync-batch` job per batch for any worker to take. A retried plan queues the same
 * batches again, which adds nothing (job id = batch id). Returns the batches it queued.
 */
export async function executeSyncJob(handle: DatabaseHandle, job: SyncJob): Promise<string[]> {
  const { db } = handle;
  // What the run syncs is read from its row when it starts, with every webhook coalesced
  // into it while it was queued; a run that already ended is left alone.
  const scope = await claimRun(db, job.orgId, job.runId);
  if (!scope) {
    logger.info("sync job skipped: its run has already ended", { runId: job.runId });
    return [];
  }
  const setup = await connectionFetcher(db, job.orgId, job.runId);
  if ("failure" in setup) {
    await failRun(db, job.orgId, job.runId, setup.failure, { stats: NO_STATS, done: 0, failed: 0, errors: [{ repo: null, kind: "setup", message: setup.failure }] }, new Date());
    return [];
  }
  const batches = await planRun(db, setup.fetcher, {
    orgId: job.orgId,
    runId: job.runId,
    repoIds: scope.repoIds ?? undefined,
    forceFilesFor: scope.forceFilesFor.length > 0 ? scope.forceFilesFor : undefined,
    batchSize: batchSizeFor,
  });
  for (const batchId of batches ?? []) await enqueue(handle, "sync-batch", { orgId: job.orgId, runId: job.runId, batchId });
  return batches ?? [];
}

/** A `sync-batch` job: one batch of a planned run, with a client of its own. */
export async function executeBatchJob(handle: DatabaseHandle, ref: BatchRef): Promise<void> {
  const setup = await connectionFetcher(handle.db, ref.orgId, ref.runId);
  if ("failure" in setup) return failBatch(handle.db, ref, setup.failure);
  await runBatch(handle.db, setup.fetcher, ref);
}
