import "server-only";
import { authSecretOf, ConfigError, getEnv, jobsModeOf } from "@/lib/env";
import { DatabaseStartError, getDatabase } from "@/lib/db";
import { githubCredentials } from "@/lib/connections/credentials";
import { startWorkers } from "@/lib/jobs/queue";
import { startJobProcess, type JobProcess } from "@/lib/jobs/job-process";
import { jobHandlers } from "@/lib/jobs/handlers";
import { reapDeadRuns } from "@/lib/connections/sync-reaper";
import { logger, redactConsoleOutput } from "@/lib/logger";

/** Start-up of the web server; a wrong setting exits with the reason and what to do. */
export async function startServer(): Promise<void> {
  // Before anything can fail: Next's and Auth.js's own error output goes through the redaction too.
  redactConsoleOutput();
  try {
    const env = getEnv();
    authSecretOf(env);
    githubCredentials(env);
    const handle = await getDatabase();
    // Runs left behind by a process that died (this one's earlier life among them) are failed now.
    await reapDeadRuns(handle).catch((err: unknown) => logger.error("could not check for sync runs whose worker stopped", { error: String(err) }));
    const mode = jobsModeOf(env);
    if (mode === "inline") {
      await startWorkers(handle, jobHandlers(handle), env.SYNC_INTERVAL_MINUTES, env.EXCEPTION_EXPIRY_MINUTES);
      logger.info("background jobs run in this process (JOBS_MODE=inline)");
    } else if (mode === "process") {
      // One child per server process, however often start-up runs in it (next dev reloads).
      const holder = globalThis as { __gatehouseJobProcess?: JobProcess };
      const jobs = (holder.__gatehouseJobProcess ??= startJobProcess());
      logger.info(`background jobs run in a child process (JOBS_MODE=process, pid ${jobs.pid ?? "starting"})`);
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DatabaseStartError) {
      process.stderr.write(`\n[gatehouse] ${err.message}\n\n`);
      process.exit(1);
    }
    throw err;
  }
}
