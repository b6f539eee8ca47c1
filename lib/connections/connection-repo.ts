import "server-only";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { githubConnections, syncRuns } from "@/lib/db/schema";

export type ConnectionRow = typeof githubConnections.$inferSelect;
export type SyncRunRow = typeof syncRuns.$inferSelect;

export async function findConnection(db: Db, orgId: string): Promise<ConnectionRow | null> {
  const [row] = await db.select().from(githubConnections).where(eq(githubConnections.orgId, orgId)).limit(1);
  return row ?? null;
}

export async function findConnectionByInstallation(db: Db, installationId: number): Promise<ConnectionRow | null> {
  const [row] = await db.select().from(githubConnections).where(eq(githubConnections.installationId, installationId)).limit(1);
  return row ?? null;
}

export async function listConnections(db: Db): Promise<ConnectionRow[]> {
  return db.select().from(githubConnections);
}

export async function latestSyncRun(db: Db, orgId: string): Promise<SyncRunRow | null> {
  const [row] = await db.select().from(syncRuns).where(eq(syncRuns.orgId, orgId)).orderBy(desc(syncRuns.startedAt)).limit(1);
  return row ?? null;
}

export async function createSyncRun(
  db: Db,
  orgId: string,
  values: Pick<typeof syncRuns.$inferInsert, "scope" | "trigger" | "requestedBy">,
): Promise<string> {
  const [row] = await db.insert(syncRuns).values({ orgId, status: "queued", ...values }).returning({ id: syncRuns.id });
  return row!.id;
}

/** What a queued run was asked to sync; the runner reads it when it starts. */
export type SyncScope = { kind: "org" } | { kind: "repo"; repoIds: number[]; forceFiles: boolean };

const union = (a: readonly number[], b: readonly number[]) => [...new Set([...a, ...b])];

/**
 * Queues a webhook's sync, at most one queued run per organisation: a run still queued (not
 * started) absorbs the new scope — its repositories are merged in, or it widens to the whole
 * organisation — instead of a second run. An advisory lock per organisation serialises
 * concurrent deliveries (no queued row to lock yet); the row lock and the status guard keep a
 * run the runner has just claimed from being widened after the fact. Call it in a transaction.
 *
 * Why here and not in pg-boss: its queue policies (`short`/`stately` with a singletonKey)
 * drop a second job rather than merge it, and `upsert` rewrites a queued job's payload only
 * by singletonKey and outside this transaction; the run row is what the UI shows and what
 * "Sync now" checks, so the one-queued-run rule lives on it and the job carries ids only.
 */
export async function queueCoalescedSync(tx: Db, orgId: string, scope: SyncScope): Promise<{ runId: string; coalesced: boolean }> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`gatehouse.sync-queue:${orgId}`}))`);
  const wantRepos = scope.kind === "repo" ? scope.repoIds : null;
  const wantForced = scope.kind === "repo" && scope.forceFiles ? scope.repoIds : [];
  const [queued] = await tx
    .select({ id: syncRuns.id, repoIds: syncRuns.repoIds, forceFilesFor: syncRuns.forceFilesFor })
    .from(syncRuns)
    .where(and(eq(syncRuns.orgId, orgId), eq(syncRuns.status, "queued")))
    .orderBy(asc(syncRuns.startedAt))
    .limit(1)
    .for("update");
  if (queued) {
    const repoIds = queued.repoIds === null || wantRepos === null ? null : union(queued.repoIds, wantRepos);
    const merged = await tx
      .update(syncRuns)
      .set({ repoIds, forceFilesFor: union(queued.forceFilesFor, wantForced), scope: repoIds === null ? "org" : "repo" })
      .where(and(eq(syncRuns.orgId, orgId), eq(syncRuns.id, queued.id), eq(syncRuns.status, "queued")))
      .returning({ id: syncRuns.id });
    if (merged.length > 0) return { runId: queued.id, coalesced: true };
  }
  const [row] = await tx
    .insert(syncRuns)
    .values({ orgId, status: "queued", scope: scope.kind, trigger: "webhook", requestedBy: null, repoIds: wantRepos, forceFilesFor: wantForced })
    .returning({ id: syncRuns.id });
  return { runId: row!.id, coalesced: false };
}

/**
 * Moves a queued run to running and returns what it must sync, read at that instant (so
 * whatever was coalesced into it until then is included). Null when the run has ended.
 */
export async function claimRun(db: Db, orgId: string, runId: string): Promise<{ repoIds: number[] | null; forceFilesFor: number[] } | null> {
  // "running" too: a plan job retried after its worker died takes its run up again (planRun
  // then re-queues the batches it had planned, which adds nothing). Webhooks coalesce only
  // into queued runs, so a running run's scope no longer moves.
  const [row] = await db
    .update(syncRuns)
    .set({ status: "running", startedAt: sql`coalesce(${syncRuns.startedAt}, now())` })
    .where(and(eq(syncRuns.orgId, orgId), eq(syncRuns.id, runId), inArray(syncRuns.status, ["queued", "running"])))
    .returning({ repoIds: syncRuns.repoIds, forceFilesFor: syncRuns.forceFilesFor });
  return row ?? null;
}

/** Ends a run that has not finished (queued or running) as failed, with the reason. */
export async function failUnfinishedRun(db: Db, orgId: string, runId: string, message: string): Promise<void> {
  await db
    .update(syncRuns)
    .set({ status: "failed", message, finishedAt: new Date() })
    .where(and(eq(syncRuns.orgId, orgId), eq(syncRuns.id, runId), inArray(syncRuns.status, ["queued", "running"])));
}
