import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/types";
import { syncRuns } from "@/lib/db/schema";
import { executeSyncJob } from "@/lib/connections/sync-runner";
import { createSyncRun, failUnfinishedRun, listConnections } from "@/lib/connections/connection-repo";
import { redactText } from "@/lib/logger";
import { enqueue, type JobHandlers } from "./queue";

/** What each queue does. Sync jobs carry a run id; the run row is where progress and errors go. */
export function jobHandlers(handle: DatabaseHandle): JobHandlers {
  return {
    "sync-org": (data) => runSyncJob(handle, data),
    "sync-repo": (data) => runSyncJob(handle, data),
    // Secrets, variables and environments have no webhooks: re-poll every connected org
    // (ETags make an unchanged org nearly free) unless a sync of it is already under way.
    "sync-schedule": async () => {
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

/**
 * A sync job that throws leaves no run queued or running for ever: such a run would block
 * "Sync now" and absorb every later webhook of its organisation.
 */
async function runSyncJob(handle: DatabaseHandle, data: { orgId: string; runId: string }): Promise<void> {
  try {
    await executeSyncJob(handle, data);
  } catch (err) {
    await failUnfinishedRun(handle.db, data.orgId, data.runId, `The sync stopped on an internal error: ${redactText(err instanceof Error ? err.message : String(err))}`).catch(() => undefined);
    throw err;
  }
}
