import "server-only";
import { PgBoss, fromPglite } from "pg-boss";
import type { DatabaseHandle } from "@/lib/db/types";
import { logger } from "@/lib/logger";

/** Queues and their payloads. Payloads carry ids only, never credentials. */
export interface JobPayloads {
  // What a run syncs lives on its sync_run row (deliveries coalesce into a queued run), not here.
  "sync-org": { orgId: string; runId: string };
  "sync-repo": { orgId: string; runId: string };
  "sync-schedule": Record<string, never>;
}
export type QueueName = keyof JobPayloads;
export const QUEUES: QueueName[] = ["sync-org", "sync-repo", "sync-schedule"];

export type JobHandlers = { [Q in QueueName]: (data: JobPayloads[Q]) => Promise<void> };

const holder = globalThis as unknown as { __gatehouseBoss?: Promise<PgBoss> };

/**
 * Opens pg-boss on the app's database: its own pool on PostgreSQL, the embedded instance
 * on PGlite (so demo mode runs jobs in-process). Started once per process.
 */
export function getQueue(handle: DatabaseHandle): Promise<PgBoss> {
  holder.__gatehouseBoss ??= (async () => {
    const boss = handle.pglite
      ? new PgBoss({ db: fromPglite(handle.pglite), backend: "pglite", schema: "pgboss" })
      : new PgBoss({ connectionString: handle.url!, schema: "pgboss", max: 4 });
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

export async function enqueue<Q extends QueueName>(handle: DatabaseHandle, queue: Q, data: JobPayloads[Q]): Promise<void> {
  const boss = await getQueue(handle);
  await boss.send(queue, data as object, { retryLimit: 0, expireInSeconds: 60 * 60 });
}

/** Registers the workers of every queue, and the schedule that re-polls what has no webhooks. */
export async function startWorkers(handle: DatabaseHandle, handlers: JobHandlers, scheduleMinutes: number): Promise<void> {
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
