// The sync of bench/sync.ts --hostile where production runs it: in a job process beside the web
// server (JOBS_MODE=process, lib/jobs/job-process.ts), on its own connection pool to the same
// PostgreSQL. Started with fork() by bench/sync.ts, told what to sync over the IPC channel,
// answers with the run's figures and this process's peak RSS, then exits.
import { openDatabase } from "../lib/db/open";
import { createGithubClient } from "../lib/github/client";
import { SYNC_TOKEN_PERMISSIONS } from "../lib/github/permissions";
import { dbEtagStore } from "../lib/connections/etag-store";
import { syncOnce, type RunFigures } from "./sync-once";
import { peakRssMb } from "./support";

export interface SyncJobStart {
  databaseUrl: string;
  orgId: string;
  label: string;
  login: string;
  simUrl: string;
  appId: number;
  privateKey: string;
  installationId: number;
}

export type SyncJobReply = { type: "done"; figures: RunFigures; peakRssMb: number } | { type: "error"; message: string };

process.once("message", (start: SyncJobStart) => {
  void (async () => {
    const handle = await openDatabase({ databaseUrl: start.databaseUrl, dataDir: ".data" });
    try {
      const client = createGithubClient({ kind: "app", baseUrl: start.simUrl, appId: start.appId, privateKey: start.privateKey, installationId: start.installationId, account: start.login, permissions: SYNC_TOKEN_PERMISSIONS });
      const figures = await syncOnce(handle.db, start.orgId, start.label, client, start.login, dbEtagStore(handle.db, start.orgId));
      process.send!({ type: "done", figures, peakRssMb: peakRssMb() } satisfies SyncJobReply);
    } finally {
      await handle.close();
    }
  })().catch((err: unknown) => process.send!({ type: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies SyncJobReply));
});
process.once("disconnect", () => process.exit(0));
