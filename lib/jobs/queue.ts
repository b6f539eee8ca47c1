import "server-only";
import { PgBoss, fromPglite } from "pg-boss";
import type { DatabaseHandle } from "@/lib/db/types";
import { logger } from "@/lib/logger";

/**
 * Queues and their payloads. Payloads carry ids only, never credentials. A sync is planned by a
 * `sync-org` or `sync-repo` job (job id = run id), which cuts it into `sync-batch` jobs (job id =
 * batch id) that any worker may take.
 */
export interface JobPayloads {
  // What a run syncs lives on its sync_run row (deliveries coalesce into a queued run), not here.
  "sync-org": { orgId: string; runId: string };
  "sync-repo": { orgId: string; runId: string };
  "sync-batch": { orgId: string; runId: string; batchId: string };
  "sync-schedule": Record<string, never>;
  "sync-reap": Record<string, never>;
  /** Records exceptions whose expiry passed (lib/findings/exception-expiry.ts). */
  "exception-expiry": Record<string, never>;
  /** Sends a signed-off review to the org's report webhook (lib/findings/report-delivery.ts). */
  "report-deliver": { orgId: string; reviewId: string };
  /** Every Monday: the open review to each org whose webhook asks for it weekly. */
  "report-weekly": Record<string, never>;
}
export type QueueName = keyof JobPayloads;
export const QUEUES: QueueName[] = ["sync-org", "sync-repo", "sync-batch", "sync-schedule", "sync-reap", "exception-expiry", "report-deliver", "report-weekly"];
export const SYNC_QUEUES = ["sync-org", "sync-repo", "sync-batch"] as const satisfies QueueName[];

// How a sync job outlives the process running it. pg-boss stamps a running job every
// JOB_HEARTBEAT_SECONDS / 2; a job unstamped for JOB_HEARTBEAT_SECONDS (its process died) is failed
// by the supervisor of any live instance within SUPERVISE_SECONDS, and retried, by any worker,
// up to SYNC_JOB_RETRIES times: a batch resumes after its last recorded repository.
/** Longer than any pause of a live process (GC, a slow statement), short enough that a dead worker's batch moves on within a minute. */
export const JOB_HEARTBEAT_SECONDS = 30;
/** How often each instance's pg-boss supervisor looks for such jobs (pg-boss's default is 60). */
export const SUPERVISE_SECONDS = 15;
/**
 * Attempts after the first. A job that failed three times (its worker died, the database refused)
 * is not tried again: the reaper then fails its run and marks the repositories it had not written stale.
 */
export const SYNC_JOB_RETRIES = 2;
/**
 * A live job is never expired: a batch may wait out GitHub's hourly rate-limit window (up to an
 * hour) and still be working; the heartbeat, not this, catches dead workers.
 */
export const SYNC_JOB_EXPIRE_SECONDS = 3 * 60 * 60;

export type JobHandlers = { [Q in QueueName]: (data: JobPayloads[Q]) => Promise<void> };

const holder = globalThis as unknown as { __gatehouseBoss?: Promise<PgBoss> };

/**
 * Opens pg-boss on the app's database: its own pool on PostgreSQL, the embedded instance
 * on PGlite (so demo mode runs jobs in-process). Started once per process.
 */
export function getQueue(handle: DatabaseHandle): Promise<PgBoss> {
  holder.__gatehouseBoss ??= (async () => {
    const boss = handle.pglite
      ? new PgBoss({ db: fromPglite(handle.pglite), backend: "pglite", schema: "pgboss", superviseIntervalSeconds: SUPERVISE_SECONDS })
      : new PgBoss({ connectionString: handle.url!, schema: "pgboss", max: 4, superviseIntervalSeconds: SUPERVISE_SECONDS });
    boss.on("error", (err: unknown) => logger.error("job queue error", { error: err }));
    await boss.start();
    for (const q of QUEUES) await boss.createQueue(q);
    return boss;
  })().catch((err: unknown) => {
    holder.__gatehouseBoss = undefined;
    throw err;
  });
  return holder.__gatehouseBoss;
}

/** The job's id, for the sync queues: sending the same run or batch again adds nothing. */
function jobId(queue: QueueName, data: unknown): string | undefined {
  if (queue === "sync-batch") return (data as JobPayloads["sync-batch"]).batchId;
  if (queue === "sync-org" || queue === "sync-repo") return (data as JobPayloads["sync-org"]).runId;
  return undefined;
}

export async function enqueue<Q extends QueueName>(handle: DatabaseHandle, queue: Q, data: JobPayloads[Q]): Promise<void> {
  const boss = await getQueue(handle);
  const id = jobId(queue, data);
  await boss.send(
    queue,
    data as object,
    id
      ? { id, retryLimit: SYNC_JOB_RETRIES, retryDelay: 1, heartbeatSeconds: JOB_HEARTBEAT_SECONDS, expireInSeconds: SYNC_JOB_EXPIRE_SECONDS }
      : { retryLimit: 0, expireInSeconds: 60 * 60 },
  );
}

export type SyncJobState = "created" | "retry" | "active" | "completed" | "cancelled" | "failed";
export interface SyncJobInfo {
  queue: (typeof SYNC_QUEUES)[number];
  id: string;
  state: SyncJobState;
  /** What the last failed attempt said (pg-boss's output), if anything. */
  output: string | null;
}

/** Every job of a sync run still known to pg-boss, in any state. */
export async function syncJobsOfRun(handle: DatabaseHandle, runId: string): Promise<SyncJobInfo[]> {
  const boss = await getQueue(handle);
  const out: SyncJobInfo[] = [];
  for (const queue of SYNC_QUEUES) {
    for (const job of await boss.findJobs<unknown>(queue, { data: { runId } })) {
      const output = job.output && typeof job.output === "object" && "message" in job.output ? String((job.output as { message: unknown }).message) : null;
      out.push({ queue, id: job.id, state: job.state, output });
    }
  }
  return out;
}

/** Registers the workers of every queue, and the schedule that re-polls what has no webhooks. */
export async function startWorkers(handle: DatabaseHandle, handlers: JobHandlers, scheduleMinutes: number, expiryMinutes = 5): Promise<void> {
  const boss = await getQueue(handle);
  for (const q of QUEUES) {
    await boss.work(q, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
      if (!job) return;
      try {
        await (handlers[q] as (d: unknown) => Promise<void>)(job.data);
      } catch (err) {
        logger.error(`job ${q} failed`, { error: err });
        throw err;
      }
    });
  }
  // Runs whose workers died are failed every minute, whatever the sync schedule.
  await boss.schedule("sync-reap", "* * * * *", {});
  // Exceptions expire by the clock: findings they covered regress within expiryMinutes of it.
  await boss.schedule("exception-expiry", expiryMinutes >= 60 ? "0 * * * *" : `*/${expiryMinutes} * * * *`, {});
  // The weekly report goes out on Monday mornings (UTC), before the review meeting.
  await boss.schedule("report-weekly", "0 8 * * 1", {});
  if (scheduleMinutes > 0) {
    const cron = scheduleMinutes >= 60 ? `0 */${Math.max(1, Math.round(scheduleMinutes / 60))} * * *` : `*/${scheduleMinutes} * * * *`;
    await boss.schedule("sync-schedule", cron, {});
  } else {
    await boss.unschedule("sync-schedule");
  }
}

export async function stopQueue(): Promise<void> {
  const boss = await holder.__gatehouseBoss?.catch(() => undefined);
  await boss?.stop({ graceful: true, timeout: 5000 });
  holder.__gatehouseBoss = undefined;
}
