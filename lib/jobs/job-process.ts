import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { logger } from "@/lib/logger";

// The web server's job process (JOBS_MODE=process, the default on PostgreSQL): `npm run worker`'s
// entry, started as a child of the web server and kept running by it.
//
// Invariants:
// - The child is the same program as `npm run worker` (scripts/worker.ts): the same queues, the
//   same start-up checks, the same reaper. Nothing here knows what a job is.
// - It inherits the web server's environment (read by lib/env in the child, as in any worker),
//   its stdout and stderr, and an IPC channel whose only use is the child's lifeline: when the
//   web server goes, however it goes, the channel closes and the child exits (scripts/worker.ts).
// - A child that stops without being asked to is started again, after 1 s, then 2, 4 … at most
//   60 s between tries while it keeps failing; a child that ran a minute resets that wait. A sync
//   it was running is resumed by the next life (batches, lib/jobs/README.md) or failed by the
//   reaper with the reason: nothing is lost, and the web server keeps answering meanwhile.

export interface JobProcessOptions {
  /** The worker's entry. Default: scripts/worker.ts under the working directory. */
  entry?: string;
  /** Extra arguments for node before the entry (tests). */
  execArgv?: string[];
  /** First wait before a restart, ms (tests shorten it). */
  restartDelayMs?: number;
  onEvent?: (event: JobProcessEvent) => void;
}

export type JobProcessEvent = { kind: "started"; pid: number } | { kind: "exited"; pid: number; code: number | null; signal: string | null; restartInMs: number | null };

export interface JobProcess {
  readonly pid: number | null;
  /** Stops the child (SIGTERM, then SIGKILL after 10 s) and does not start it again. */
  stop(): Promise<void>;
}

const MAX_RESTART_DELAY_MS = 60_000;
const HEALTHY_AFTER_MS = 60_000;
const KILL_AFTER_MS = 10_000;

export function startJobProcess(options: JobProcessOptions = {}): JobProcess {
  // Marked ignored so that Next's bundler neither bundles nor traces the worker's entry.
  const entry = options.entry ?? path.join(/* turbopackIgnore: true */ process.cwd(), "scripts", "worker.ts");
  if (!existsSync(/* turbopackIgnore: true */ entry)) throw new Error(`The job process's entry ${entry} is missing: start the server from the Gatehouse directory, or set JOBS_MODE=worker and run \`npm run worker\` beside it.`);
  const firstDelay = options.restartDelayMs ?? 1000;
  let delay = firstDelay;
  let child: ChildProcess | null = null;
  let stopping = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const launch = () => {
    timer = null;
    if (stopping) return;
    const startedAt = Date.now();
    const proc = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", ...(options.execArgv ?? []), entry], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child = proc;
    if (proc.pid !== undefined) options.onEvent?.({ kind: "started", pid: proc.pid });
    proc.on("error", (err) => logger.error("the job process could not start", { error: err }));
    proc.once("exit", (code, signal) => {
      child = null;
      if (stopping) return;
      if (Date.now() - startedAt >= HEALTHY_AFTER_MS) delay = firstDelay;
      const wait = delay;
      delay = Math.min(MAX_RESTART_DELAY_MS, delay * 2);
      logger.error(`the job process stopped (${signal ?? `exit code ${code}`}); starting it again in ${wait < 1000 ? `${wait} ms` : `${Math.round(wait / 1000)} s`}`, { pid: proc.pid });
      options.onEvent?.({ kind: "exited", pid: proc.pid ?? 0, code, signal, restartInMs: wait });
      timer = setTimeout(launch, wait);
      timer.unref();
    });
  };

  // The child goes with the web server: on a normal exit here, and (through the IPC channel) on any other.
  const onExit = () => child?.kill("SIGTERM");
  process.once("exit", onExit);
  launch();

  return {
    get pid() {
      return child?.pid ?? null;
    },
    async stop() {
      stopping = true;
      process.off("exit", onExit);
      if (timer) clearTimeout(timer);
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => proc.kill("SIGKILL"), KILL_AFTER_MS);
        proc.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
        proc.kill("SIGTERM");
      });
    },
  };
}
