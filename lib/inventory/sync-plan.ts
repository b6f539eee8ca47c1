import "server-only";
import { and, asc, eq, isNull, notInArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { repositories, syncBatches, syncRuns } from "@/lib/db/schema";
import type { OrgFacts, RepoSummary } from "@/lib/github/facts";
import { withStoredOrgParts, writeOrgFacts } from "./org-writer";
import { startRunHeartbeat } from "./sync-liveness";
import { activeRunWhere, closeRunIfFinished, failRun, FINISHED_BATCH, runIncrements, statsCursor, type SyncError } from "./sync-run-state";
import type { OrgFetcher, SyncRequest } from "./sync-service";

// The first step of a run: organisation facts, the repository listing, and the batches the
// repositories are cut into. Batches are written in one transaction with the run's totals, so a
// plan that dies is re-planned from scratch and a plan retried after it committed finds them.

/**
 * Repositories per batch when a sync is shared between workers: enough batches (8) for several
 * workers to share an organisation, at least one GraphQL query's worth (25) so a batch costs no
 * more requests per repository than one sync of everything, at most 100 so a worker that dies
 * loses little and a batch takes seconds, not minutes. Multiples of 25 keep GraphQL queries full.
 */
export function batchSizeFor(repos: number): number {
  return Math.min(100, Math.max(25, Math.ceil(repos / 8 / 25) * 25));
}

export interface PlanRequest extends SyncRequest {
  /** Repositories per batch, given how many the run has; Infinity: one batch. */
  batchSize: (repos: number) => number;
}

/** The batches of a run still to do, or null when there is nothing to do (run ended or failed here). */
export async function planRun(db: Db, fetcher: OrgFetcher, req: PlanRequest): Promise<string[] | null> {
  const { orgId, runId } = req;
  const now = req.now ?? (() => new Date());
  const [run] = await db.select({ id: syncRuns.id }).from(syncRuns).where(activeRunWhere(orgId, runId));
  if (!run) return null;
  const planned = await db
    .select({ id: syncBatches.id, status: syncBatches.status })
    .from(syncBatches)
    .where(and(eq(syncBatches.orgId, orgId), eq(syncBatches.runId, runId)))
    .orderBy(asc(syncBatches.seq));
  if (planned.length > 0) return planned.filter((b) => !(FINISHED_BATCH as readonly string[]).includes(b.status)).map((b) => b.id);

  const stopHeartbeat = await startRunHeartbeat(db, orgId, runId);
  try {
    const cursor = statsCursor(fetcher);
    const errors: SyncError[] = [];
    await db.update(syncRuns).set({ status: "running", startedAt: now() }).where(activeRunWhere(orgId, runId));

    let org: OrgFacts;
    let repos: RepoSummary[];
    try {
      org = await fetcher.fetchOrg();
      await writeOrgFacts(db, orgId, org);
      org = await withStoredOrgParts(db, orgId, org);
      for (const u of org.unavailable) errors.push({ repo: null, kind: `org-${u.kind}`, message: u.message });
      repos = await fetcher.listRepos();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      errors.push({ repo: null, kind: "org", message });
      await failRun(db, orgId, runId, message, { stats: cursor.take(), done: 0, failed: 0, errors }, now());
      return null;
    }
    if (req.repoIds) repos = repos.filter((r) => req.repoIds!.includes(r.githubId));

    const stored = await db
      .select({ githubId: repositories.githubId, filesPushedAt: repositories.filesPushedAt })
      .from(repositories)
      .where(eq(repositories.orgId, orgId));
    const storedById = new Map(stored.map((r) => [r.githubId, r]));
    const filesFor = new Set(
      repos
        .filter((r) => {
          const s = storedById.get(r.githubId);
          if (!s?.filesPushedAt || req.forceFilesFor?.includes(r.githubId)) return true;
          return r.pushedAt !== null && new Date(r.pushedAt).getTime() > s.filesPushedAt.getTime();
        })
        .map((r) => r.githubId),
    );

    const size = Math.max(1, req.batchSize(repos.length));
    const rows: (typeof syncBatches.$inferInsert)[] = [];
    for (let i = 0; i < repos.length; i += size) {
      const part = repos.slice(i, i + size);
      rows.push({ orgId, runId, seq: rows.length, repos: part, filesFor: part.filter((r) => filesFor.has(r.githubId)).map((r) => r.githubId), org: sliceOrgFacts(org, part) });
    }
    return await db.transaction(async (tx) => {
      // A full sync also learns which repositories left the installation or were deleted.
      if (!req.repoIds) {
        const listed = repos.map((r) => r.githubId);
        await tx
          .update(repositories)
          .set({ removedAt: now() })
          .where(and(eq(repositories.orgId, orgId), isNull(repositories.removedAt), listed.length > 0 ? notInArray(repositories.githubId, listed) : sql`true`));
      }
      const ids = rows.length > 0 ? (await tx.insert(syncBatches).values(rows).returning({ id: syncBatches.id, seq: syncBatches.seq })).sort((a, b) => a.seq - b.seq).map((b) => b.id) : [];
      await tx
        .update(syncRuns)
        .set({ ...runIncrements({ stats: cursor.take(), done: 0, failed: 0, errors }), reposTotal: repos.length })
        .where(activeRunWhere(orgId, runId));
      if (ids.length === 0) await closeRunIfFinished(tx, orgId, runId, now());
      return ids;
    });
  } finally {
    stopHeartbeat();
  }
}

/**
 * The organisation's facts a batch needs: everything, but the per-repository maps (custom
 * properties, team permissions) cut down to the batch's repositories, so a batch row stays
 * proportional to the batch and not to the organisation.
 */
export function sliceOrgFacts(org: OrgFacts, repos: RepoSummary[]): OrgFacts {
  const ids = repos.map((r) => r.githubId);
  const pick = <T>(map: Record<number, T>): Record<number, T> => {
    const out: Record<number, T> = {};
    for (const id of ids) if (map[id] !== undefined) out[id] = map[id];
    return out;
  };
  return { ...org, customProperties: pick(org.customProperties), teams: org.teams.map((t) => ({ ...t, repositories: pick(t.repositories) })) };
}
