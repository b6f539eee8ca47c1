import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/types";
import { syncRuns } from "@/lib/db/schema";
import { executeBatchJob, executeSyncJob } from "@/lib/connections/sync-runner";
import { createSyncRun, listConnections } from "@/lib/connections/connection-repo";
import { reapDeadRuns } from "@/lib/connections/sync-reaper";
import { expireExceptions } from "@/lib/findings/exception-expiry";
import { deliverReport, deliverWeeklyReports } from "@/lib/findings/report-delivery";
import { logger } from "@/lib/logger";
import { enqueue, type JobHandlers } from "./queue";

/** What each queue does. Sync jobs carry a run id; the run row is where progress and errors go. */
export function jobHandlers(handle: DatabaseHandle): JobHandlers {
  return {
    "sync-org": async (data) => void (await executeSyncJob(handle, data)),
    "sync-repo": async (data) => void (await executeSyncJob(handle, data)),
    "sync-batch": (data) => executeBatchJob(handle, data),
    "sync-reap": async () => void (await reapDeadRuns(handle)),
    "exception-expiry": async () => void (await expireExceptions(handle)),
    // A failed delivery is recorded (the webhook's last status, an audit row), not retried.
    "report-deliver": async (data) => void (await deliverReport(handle, data.orgId, "sign_off", data.reviewId)),
    "report-weekly": () => deliverWeeklyReports(handle),
    // Secrets, variables and environments have no webhooks: re-poll every connected org
    // (ETags make an unchanged org nearly free) unless a live sync of it is under way.
    "sync-schedule": async () => {
      await reapDeadRuns(handle).catch((err: unknown) => logger.warn("could not check for sync runs whose worker stopped", { error: String(err) }));
      for (const conn of await listConnections(handle.db)) {
        const [busy] = await handle.db
          .select({ id: syncRuns.id })
          .from(syncRuns)
          .where(and(eq(syncRuns.orgId, conn.orgId), inArray(syncRuns.status, ["queued", "running"])))
          .limit(1);
        if (busy) continue;
        const runId = await createSyncRun(handle.db, conn.orgId, { scope: "org", trigger: "schedule", requestedBy: null });
        await enqueue(handle, "sync-org", { orgId: conn.orgId, runId });
      }
    },
  };
}
