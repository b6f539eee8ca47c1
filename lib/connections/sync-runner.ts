import "server-only";
import { and, eq } from "drizzle-orm";
import type { DatabaseHandle, Db } from "@/lib/db/types";
import { syncRuns } from "@/lib/db/schema";
import { createOrgFetcher } from "@/lib/github/fetch";
import type { OrgFetcher } from "@/lib/inventory/sync-service";
import { batchSizeFor, planRun } from "@/lib/inventory/sync-plan";
import { failBatch, runBatch, type BatchRef } from "@/lib/inventory/sync-batch";
import { failRun, NO_STATS } from "@/lib/inventory/sync-run-state";
import { enqueue } from "@/lib/jobs/queue";
import { readerClient, type ReaderEvent } from "./reader-client";
import { dbEtagStore } from "./etag-store";
import { claimRun } from "./connection-repo";
import { logger } from "@/lib/logger";
import { verifyRotations } from "@/lib/incidents/verify-rotations";
import { recordDrift } from "@/lib/incidents/record-drift";
import { recordBreadthPoint } from "@/lib/findings/breadth-trend";
import { runWhere } from "@/lib/inventory/sync-run-state";
import { syncOrgTrusts } from "@/lib/trust-sources/sync-trusts";
import { syncOrgPipelineSources } from "@/lib/pipeline-sources/sync-sources";

/**
 * What follows every ended sync run, however it ran (a job, or the demo's start-up sync): the
 * over-broad credentials it left become its point of the trend, API trust sources are
 * re-read and every cloud trust evaluated against the new inventory, and the pipeline sources
 * (Buildkite organizations, clusters) are read again. Called after every plan
 * and batch; does nothing until the run has ended. Two batches ending together may both get
 * here: the point is written once, the trust evaluation is idempotent and serialised. Never
 * throws: a sync that ended stays ended.
 */
export async function afterRunEnds(handle: DatabaseHandle, orgId: string, runId: string): Promise<void> {
  const [run] = await handle.db.select({ status: syncRuns.status }).from(syncRuns).where(runWhere(orgId, runId));
  if (!run || run.status === "queued" || run.status === "running") return;
  await recordBreadthPoint(handle.db, orgId, runId).catch((err: unknown) => logger.error("could not record the over-broad credentials after a sync", { runId, error: err }));
  // Pipeline sources before cloud trusts: a Buildkite token's sub names the organization and the
  // pipeline, which the trusts' evaluation takes from the Buildkite sources' new reads.
  await syncOrgPipelineSources(handle, orgId).catch((err: unknown) => logger.error("could not read the pipeline sources after a sync", { runId, error: err }));
  await syncOrgTrusts(handle, orgId, `sync ${runId}`).catch((err: unknown) => logger.error("could not evaluate cloud trusts after a sync", { runId, error: err }));
}

export interface SyncJob {
  orgId: string;
  runId: string;
}

/** The fetcher of the organisation's connection, or why there is none (what to do about it). */
async function connectionFetcher(db: Db, orgId: string, runId: string): Promise<{ fetcher: OrgFetcher } | { failure: string }> {
  const onEvent = (e: ReaderEvent) => {
    if (e.type === "rate-limited" && e.waitMs) {
      void db
        .update(syncRuns)
        .set({ waitingUntil: new Date(Date.now() + e.waitMs) })
        .where(and(eq(syncRuns.orgId, orgId), eq(syncRuns.id, runId)));
    }
  };
  const reader = await readerClient(db, orgId, onEvent);
  if ("failure" in reader) return reader;
  return { fetcher: createOrgFetcher({ client: reader.client, org: reader.org, etags: dbEtagStore(db, orgId) }) };
}

/**
 * A `sync-org` / `sync-repo` job: plans the run (organisation facts, the listing, its batches) and
 * queues one `sync-batch` job per batch for any worker to take. A retried plan queues the same
 * batches again, which adds nothing (job id = batch id). Returns the batches it queued.
 */
export async function executeSyncJob(handle: DatabaseHandle, job: SyncJob): Promise<string[]> {
  const { db } = handle;
  // What the run syncs is read from its row when it starts, with every webhook coalesced
  // into it while it was queued; a run that already ended is left alone.
  const scope = await claimRun(db, job.orgId, job.runId);
  if (!scope) {
    logger.info("sync job skipped: its run has already ended", { runId: job.runId });
    return [];
  }
  const setup = await connectionFetcher(db, job.orgId, job.runId);
  if ("failure" in setup) {
    await failRun(db, job.orgId, job.runId, setup.failure, { stats: NO_STATS, done: 0, failed: 0, errors: [{ repo: null, kind: "setup", message: setup.failure }] }, new Date());
    return [];
  }
  const batches = await planRun(db, setup.fetcher, {
    orgId: job.orgId,
    runId: job.runId,
    repoIds: scope.repoIds ?? undefined,
    forceFilesFor: scope.forceFilesFor.length > 0 ? scope.forceFilesFor : undefined,
    batchSize: batchSizeFor,
  });
  // Organisation secrets were written by the plan: their rotations verify now, not only after a
  // batch; and an org secret shared with more repositories is new reach (drift) of its incident.
  await verifyRotations(handle, job.orgId, job.runId).catch((err: unknown) => logger.error("could not verify incident rotations after a sync plan", { runId: job.runId, error: err }));
  await recordDrift(handle, job.orgId, job.runId).catch((err: unknown) => logger.error("could not record incident scope drift after a sync plan", { runId: job.runId, error: err }));
  for (const batchId of batches ?? []) await enqueue(handle, "sync-batch", { orgId: job.orgId, runId: job.runId, batchId });
  // A plan with nothing to fetch (or one that failed) has ended the run already.
  await afterRunEnds(handle, job.orgId, job.runId);
  return batches ?? [];
}

/** A `sync-batch` job: one batch of a planned run, with a client of its own. */
export async function executeBatchJob(handle: DatabaseHandle, ref: BatchRef): Promise<void> {
  const setup = await connectionFetcher(handle.db, ref.orgId, ref.runId);
  if ("failure" in setup) {
    await failBatch(handle.db, ref, setup.failure);
    return afterRunEnds(handle, ref.orgId, ref.runId);
  }
  await runBatch(handle.db, setup.fetcher, ref);
  // Incidents waiting for a rotation: a secret this batch saw updated verifies its item.
  await verifyRotations(handle, ref.orgId, ref.runId).catch((err: unknown) => logger.error("could not verify incident rotations after a sync batch", { runId: ref.runId, error: err }));
  // Open incidents whose target this batch's workflows now reach: the drift is on their timeline once.
  await recordDrift(handle, ref.orgId, ref.runId).catch((err: unknown) => logger.error("could not record incident scope drift after a sync batch", { runId: ref.runId, error: err }));
  // The batch that ended the run (or any after it): the trend's point, the cloud trusts.
  await afterRunEnds(handle, ref.orgId, ref.runId);
}
