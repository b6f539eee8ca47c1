// `npm run worker`: processes background jobs (syncs, webhooks, schedule) against
// DATABASE_URL. Run as many as you like beside web servers started with JOBS_MODE=worker.
import { ConfigError, getEnv } from "@/lib/env";
import { DatabaseStartError, getDatabase } from "@/lib/db";
import { githubCredentials } from "@/lib/connections/credentials";
import { startWorkers } from "@/lib/jobs/queue";
import { jobHandlers } from "@/lib/jobs/handlers";
import { reapDeadRuns } from "@/lib/connections/sync-reaper";
import { redactConsoleOutput } from "@/lib/logger";

redactConsoleOutput();

try {
  const env = getEnv();
  if (!env.DATABASE_URL) {
    process.stderr.write("npm run worker needs DATABASE_URL: the embedded database serves one process only, where the web server runs jobs itself.\n");
    process.exit(1);
  }
  githubCredentials(env);
  const handle = await getDatabase();
  // Runs left behind by a worker that died (this one's earlier life among them) are failed now.
  for (const r of await reapDeadRuns(handle)) process.stdout.write(`Marked sync run ${r.runId} failed: ${r.message}\n`);
  await startWorkers(handle, jobHandlers(handle), env.SYNC_INTERVAL_MINUTES);
  process.stdout.write("Gatehouse worker: processing sync-org, sync-repo, sync-batch, sync-reap and sync-schedule jobs. Ctrl-C stops it.\n");
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError || err instanceof DatabaseStartError ? err.message : String(err)}\n`);
  process.exit(1);
}
