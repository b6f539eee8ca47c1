import "server-only";
import { hostname } from "node:os";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { syncRuns } from "@/lib/db/schema";
import { logger } from "@/lib/logger";

// How a run shows it is alive. Every process working on a run (its plan or one of its batches)
// stamps `sync_run.heartbeat_at` with the database's clock (one clock for every host) and its
// `host:pid`. The reaper (lib/connections/sync-reaper.ts) fails a run whose stamps stopped and
// that no queued job will continue.

/** How often a process working on a run stamps it. */
export const RUN_HEARTBEAT_MS = 15_000;

/**
 * A run unstamped for this long is presumed dead (unless a job of it is still queued, running or
 * awaiting a retry). Eight missed stamps: a loaded database, a long pause or a slow statement never
 * make a live run look dead, and Sync now stays refused at most this long (plus the reaper's
 * minute) after its worker died.
 */
export const RUN_STALE_MS = 120_000;

/** This process, as `sync_run.worker` and `sync_batch.worker` name it. */
export const WORKER_ID = `${hostname()}:${process.pid}`;

/** Runs this process works on now, with how many parts of each (a plan, batches). */
const runsHere = new Map<string, number>();

const ACTIVE = ["queued", "running"] as const;

async function stamp(db: Db, orgId: string, runId: string): Promise<void> {
  await db
    .update(syncRuns)
    .set({ heartbeatAt: sql`now()`, worker: WORKER_ID })
    .where(and(eq(syncRuns.orgId, orgId), eq(syncRuns.id, runId), inArray(syncRuns.status, [...ACTIVE])));
}

/**
 * Stamps the run now and every RUN_HEARTBEAT_MS until the returned function is called. The
 * timer does not keep the process alive, and a failed stamp is only logged: the next one retries.
 */
export async function startRunHeartbeat(db: Db, orgId: string, runId: string): Promise<() => void> {
  runsHere.set(runId, (runsHere.get(runId) ?? 0) + 1);
  const beat = () => stamp(db, orgId, runId).catch((err: unknown) => logger.warn("sync heartbeat not recorded", { runId, error: String(err) }));
  await beat();
  const timer = setInterval(() => void beat(), RUN_HEARTBEAT_MS);
  timer.unref();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    const left = (runsHere.get(runId) ?? 1) - 1;
    if (left > 0) runsHere.set(runId, left);
    else runsHere.delete(runId);
  };
}

/**
 * True only when the run's last stamping process is certainly gone: it ran on this host and its
 * pid no longer exists, or it is this very pid (an earlier life of this process, e.g. pid 1 of a
 * restarted container) and this process does not work on the run. Another host, or a pid that
 * exists (perhaps reused), is not known to be gone: the heartbeat's age decides then.
 */
export function isWorkerGone(worker: string | null, runId: string): boolean {
  if (!worker) return false;
  const at = worker.lastIndexOf(":");
  const host = worker.slice(0, at);
  const pid = Number(worker.slice(at + 1));
  if (at < 0 || host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return !runsHere.has(runId);
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}
