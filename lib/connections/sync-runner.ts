import "server-only";
import { and, eq } from "drizzle-orm";
import { getEnv } from "@/lib/env";
import type { DatabaseHandle } from "@/lib/db/types";
import { syncRuns } from "@/lib/db/schema";
import { createGithubClient } from "@/lib/github/client";
import { SYNC_TOKEN_PERMISSIONS } from "@/lib/github/permissions";
import { createOrgFetcher } from "@/lib/github/fetch";
import { runSync } from "@/lib/inventory/sync-service";
import { githubCredentials } from "./credentials";
import { dbEtagStore } from "./etag-store";
import { claimQueuedRun, findConnection } from "./connection-repo";
import { logger } from "@/lib/logger";

export interface SyncJob {
  orgId: string;
  runId: string;
}

/**
 * Runs a queued sync: claims the run (what it syncs is read from its row at that moment,
 * with everything coalesced into it), then builds the GitHub client from the connection and
 * the environment's credentials. A run no longer queued is left alone.
 */
export async function executeSyncJob(handle: DatabaseHandle, job: SyncJob): Promise<void> {
  const { db } = handle;
  const scope = await claimQueuedRun(db, job.orgId, job.runId);
  if (!scope) return void logger.info("sync job skipped: its run is no longer queued", { runId: job.runId });
  const fail = (message: string) =>
    db.update(syncRuns).set({ status: "failed", message, finishedAt: new Date() }).where(and(eq(syncRuns.orgId, job.orgId), eq(syncRuns.id, job.runId)));
  const connection = await findConnection(db, job.orgId);
  if (!connection) return void (await fail("This organisation is not connected to GitHub: an admin connects it on Settings → GitHub."));
  const creds = githubCredentials(getEnv());
  if (creds.mode === "none") return void (await fail("No GitHub credentials are configured: set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (or GATEHOUSE_GITHUB_TOKEN) and restart."));
  if (creds.mode === "app" && !connection.installationId) return void (await fail("The connection has no App installation: reconnect it on Settings → GitHub."));

  const onEvent = (e: { type: string; waitMs?: number }) => {
    if (e.type === "rate-limited" && e.waitMs) {
      void db
        .update(syncRuns)
        .set({ waitingUntil: new Date(Date.now() + e.waitMs) })
        .where(and(eq(syncRuns.orgId, job.orgId), eq(syncRuns.id, job.runId)));
    }
  };
  const client = createGithubClient(
    creds.mode === "app"
      ? { kind: "app", baseUrl: connection.baseUrl, appId: creds.appId, privateKey: creds.privateKey, installationId: connection.installationId!, account: connection.accountLogin, permissions: SYNC_TOKEN_PERMISSIONS, onEvent }
      : { kind: "token", baseUrl: connection.baseUrl, token: creds.token, onEvent },
  );
  const fetcher = createOrgFetcher({ client, org: connection.accountLogin, etags: dbEtagStore(db, job.orgId) });
  await runSync(db, fetcher, {
    orgId: job.orgId,
    runId: job.runId,
    repoIds: scope.repoIds ?? undefined,
    forceFilesFor: scope.forceFilesFor.length > 0 ? scope.forceFilesFor : undefined,
  });
}
