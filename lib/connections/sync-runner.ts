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
import { findConnection } from "./connection-repo";

export interface SyncJob {
  orgId: string;
  runId: string;
  repoIds?: number[];
  forceFiles?: boolean;
}

/** Runs a queued sync: builds the GitHub client from the connection and the environment's credentials. */
export async function executeSyncJob(handle: DatabaseHandle, job: SyncJob): Promise<void> {
  const { db } = handle;
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
    repoIds: job.repoIds,
    forceFilesFor: job.forceFiles ? job.repoIds : undefined,
  });
}
