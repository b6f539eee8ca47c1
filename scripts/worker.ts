// `npm run worker`: processes background jobs (syncs, webhooks, schedule) against
// DATABASE_URL. Run as many as you like beside web servers started with JOBS_MODE=worker.
// The web server also starts it as its child under JOBS_MODE=process (lib/jobs/job-process.ts);
// then it exits when the web server goes (the IPC channel closes).
import { ConfigError, getEnv } from "@/lib/env";
import { DatabaseStartError, getDatabase } from "@/lib/db";
import { githubCredentials } from "@/lib/connections/credentials";
import { startWorkers, stopQueue } from "@/lib/jobs/queue";
import { jobHandlers } from "@/lib/jobs/handlers";
import { reapDeadRuns } from "@/lib/connections/sync-reaper";
import { redactConsoleOutput } from "@/lib/logger";

redactConsoleOutput();

let stopping = false;
/** Lets the job in hand finish for a few seconds (pg-boss's graceful stop), then exits. */
function shutdown(why: string): void {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`Gatehouse worker: stopping (${why}).\n`);
  const force = setTimeout(() => process.exit(0), 8000);
  force.unref();
  void stopQueue().finally(() => process.exit(0));
}
process.once("SIGTERM", () => shutdown("SIGTERM"));
process.once("SIGINT", () => shutdown("SIGINT"));
if (process.send) process.once("disconnect", () => shutdown("the web server that started it is gone"));

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
  await startWorkers(handle, jobHandlers(handle), env.SYNC_INTERVAL_MINUTES, env.EXCEPTION_EXPIRY_MINUTES);
  process.stdout.write("Gatehouse worker: processing sync-org, sync-repo, sync-batch, sync-reap, sync-schedule and exception-expiry jobs. Ctrl-C stops it.\n");
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError || err instanceof DatabaseStartError ? err.message : String(err)}\n`);
  process.exit(1);
}
