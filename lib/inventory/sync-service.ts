import "server-only";
import { and, eq, inArray, isNull, notInArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { repoFiles, repositories, syncRuns } from "@/lib/db/schema";
import { repoContextSchema, type SourceFile } from "@/lib/analysis";
import { createAnalysisPool } from "@/lib/analysis/worker-pool";
import type { FetchStats, OrgFacts, RepoFacts, RepoFetchError, RepoSummary } from "@/lib/github/facts";
import { logger } from "@/lib/logger";
import { withStoredOrgParts, writeOrgFacts } from "./org-writer";
import { markRepoStale, writeRepoSnapshot } from "./snapshot-writer";
import { buildRepoContext } from "./resolve";

/** What the sync needs from the fetch layer (lib/github/fetch). */
export interface OrgFetcher {
  fetchOrg(): Promise<OrgFacts>;
  listRepos(): Promise<RepoSummary[]>;
  fetchRepos(repos: RepoSummary[], opts?: { filesFor?: Set<number> }): AsyncIterable<RepoFacts | RepoFetchError>;
  stats(): FetchStats;
}

export interface SyncRequest {
  runId: string;
  orgId: string;
  /** Sync only these repositories (GitHub ids), e.g. from a webhook. */
  repoIds?: number[];
  /** Re-fetch the files of these repositories even if pushed_at did not move (push webhooks). */
  forceFilesFor?: number[];
  now?: () => Date;
}

// Analysis (mostly YAML parsing) runs on worker threads, beside this thread's fetching and
// writing; results are identical to analysing here, which is what happens when workers cannot
// start. Each worker caches results (reused across syncs when a repository's files and context
// are unchanged; the context clock is the day, not the instant, or nothing would ever hit) and
// parses (shared by repositories with the same workflow file, and most of the cost: a result
// missing from the cache is cheap while its parse is there). A parsed tree is about 80 KB and
// results hold theirs: the entry counts and the heap limit bound a worker's memory.
const analysisPool = createAnalysisPool({
  cacheEntries: 128,
  parseEntries: 256,
  maxHeapMb: 96,
  maxYoungHeapMb: 16,
  onEvent: (e) =>
    e.type === "fallback"
      ? logger.warn("analysis runs in the main thread: its worker threads cannot start", { reason: e.reason })
      : e.type === "file-stopped"
        ? logger.warn("a workflow's analysis was stopped: it killed or overran its worker twice", { path: e.path, reason: e.reason })
        : logger.warn("an analysis worker died or overran its deadline; its repositories are analysed again", { reason: e.reason }),
});
const startOfDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

/** Repositories analysed and written at once while the fetcher keeps downloading. */
const WRITE_CONCURRENCY = 4;
const PROGRESS_MS = 250;
/** Fetched repositories waiting to be written, at most: bounds memory when writing is the slower side. */
const READ_AHEAD = 32;

/** Several writers may wait for the same wake-up. */
function chain(previous: (() => void) | null, next: () => void): () => void {
  return previous ? () => (previous(), next()) : next;
}

const isAnalysed = (path: string) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path) || /^\.github\/actions\/.+\/action\.ya?ml$/.test(path);

function isFetchError(x: RepoFacts | RepoFetchError): x is RepoFetchError {
  return "kind" in x && "message" in x && !("files" in x);
}

/**
 * Runs one sync: organisation facts, then each repository in its own transaction. A
 * repository that fails keeps its previous snapshot and is marked stale with the reason;
 * the run records what it cost and how it ended.
 */
export async function runSync(db: Db, fetcher: OrgFetcher, req: SyncRequest): Promise<void> {
  analysisPool.start();
  const now = req.now ?? (() => new Date());
  const errors: { repo: string | null; kind: string; message: string }[] = [];
  const progress = async (patch: Partial<typeof syncRuns.$inferInsert>) => {
    const s = fetcher.stats();
    await db
      .update(syncRuns)
      .set({ ...patch, requests: s.requests, charged: s.charged, notModified: s.notModified, graphqlPoints: s.graphqlPoints, retries: s.retries, rateLimitWaitMs: Math.round(s.rateLimitWaitMs), errors })
      .where(and(eq(syncRuns.orgId, req.orgId), eq(syncRuns.id, req.runId)));
  };
  await progress({ status: "running", startedAt: now() });

  let org: OrgFacts;
  let repos: RepoSummary[];
  try {
    org = await fetcher.fetchOrg();
    await writeOrgFacts(db, req.orgId, org);
    org = await withStoredOrgParts(db, req.orgId, org);
    for (const u of org.unavailable) errors.push({ repo: null, kind: `org-${u.kind}`, message: u.message });
    repos = await fetcher.listRepos();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    errors.push({ repo: null, kind: "org", message });
    await progress({ status: "failed", message, finishedAt: now() });
    return;
  }
  if (req.repoIds) repos = repos.filter((r) => req.repoIds!.includes(r.githubId));

  const stored = await db
    .select({ id: repositories.id, githubId: repositories.githubId, filesPushedAt: repositories.filesPushedAt })
    .from(repositories)
    .where(eq(repositories.orgId, req.orgId));
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
  await progress({ reposTotal: repos.length });

  let done = 0;
  let failed = 0;
  // Progress is written at most every PROGRESS_MS, one write at a time, so the counters a
  // reader sees only move forward; the final write after the loop carries the exact figures.
  let progressWrite: Promise<void> = Promise.resolve();
  let progressPending = false;
  let lastProgress = 0;
  let progressTimer: ReturnType<typeof setTimeout> | null = null;
  const reportProgress = () => {
    if (progressPending || progressTimer) return;
    const wait = lastProgress + PROGRESS_MS - Date.now();
    if (wait > 0) {
      // A trailing write, so the last repositories before a pause are shown too.
      progressTimer = setTimeout(() => {
        progressTimer = null;
        reportProgress();
      }, wait);
      return;
    }
    progressPending = true;
    progressWrite = progressWrite.then(async () => {
      progressPending = false;
      lastProgress = Date.now();
      await progress({ reposDone: done, reposFailed: failed }).catch((err: unknown) => logger.warn("sync progress not recorded", { error: String(err) }));
    });
  };

  /** Analyses and stores one fetched repository (or records its failure); never throws for a repository's own problem. */
  const handle = async (item: RepoFacts | RepoFetchError): Promise<void> => {
    if (isFetchError(item)) {
      failed++;
      errors.push({ repo: item.repo.fullName, kind: item.kind, message: item.message });
      await markRepoStale(db, req.orgId, item.repo, item.message);
    } else {
      try {
        const filesFetched = filesFor.has(item.repo.githubId);
        const facts = filesFetched ? item : { ...item, files: await storedFiles(db, req.orgId, storedById.get(item.repo.githubId)?.id) };
        // Sorted by path: the same files give the same analysis whether they came from GitHub or the database.
        const sources: SourceFile[] = facts.files
          .filter((f) => isAnalysed(f.path) && f.text !== null)
          .map((f) => ({ path: f.path, content: f.text! }))
          .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        const context = repoContextSchema.parse(buildRepoContext(org, facts, startOfDay(now())));
        const analysis = await analysisPool.analyze(sources, context);
        for (const f of facts.files.filter((x) => isAnalysed(x.path) && x.text === null)) {
          analysis.errors.push({ root: "", path: f.path, message: `Not analysed: the file is ${f.skipped === "binary" ? "binary" : "larger than the size limit"}.` });
        }
        await writeRepoSnapshot(db, req.orgId, org, { facts, filesFetched, analysis }, now());
      } catch (err) {
        failed++;
        const message = `Could not save this repository's snapshot; the previous one is kept: ${err instanceof Error ? err.message : String(err)}`;
        logger.error("repository snapshot failed", { repo: item.repo.fullName, error: String(err) });
        errors.push({ repo: item.repo.fullName, kind: "write", message });
        await markRepoStale(db, req.orgId, item.repo, message);
      }
    }
    done++;
    reportProgress();
  };

  // Fetching and storing overlap: a reader drains the fetcher into a bounded buffer (so its
  // pool keeps downloading while repositories are written) and WRITE_CONCURRENCY writers
  // analyse and store them, each repository in its own transaction.
  const buffer: (RepoFacts | RepoFetchError)[] = [];
  let readerDone = false;
  let stop = false;
  let wakeWriters: (() => void) | null = null;
  let wakeReader: (() => void) | null = null;
  const signal = (which: "writers" | "reader") => {
    const wake = which === "writers" ? wakeWriters : wakeReader;
    if (which === "writers") wakeWriters = null;
    else wakeReader = null;
    wake?.();
  };
  const reader = (async () => {
    try {
      for await (const item of fetcher.fetchRepos(repos, { filesFor })) {
        buffer.push(item);
        signal("writers");
        while (buffer.length >= READ_AHEAD && !stop) await new Promise<void>((r) => (wakeReader = r));
        if (stop) break;
      }
    } finally {
      readerDone = true;
      signal("writers");
    }
  })();
  let writeFailure: { error: unknown } | null = null;
  const writer = async () => {
    for (;;) {
      const item = buffer.shift();
      if (item === undefined) {
        if (readerDone || stop) return;
        await new Promise<void>((r) => (wakeWriters = chain(wakeWriters, r)));
        continue;
      }
      signal("reader");
      try {
        await handle(item);
      } catch (error) {
        // The database itself failed (not one repository's snapshot): stop the sync.
        writeFailure ??= { error };
        stop = true;
        signal("reader");
        return;
      }
    }
  };
  const writers = Array.from({ length: WRITE_CONCURRENCY }, writer);
  const [readResult] = await Promise.allSettled([reader, Promise.all(writers)]);
  // A reader failure (credentials revoked mid-way) lets the writers finish what was fetched first.
  stop = true;
  if (progressTimer) clearTimeout(progressTimer);
  progressTimer = null;
  await progressWrite;
  const failure: unknown = readResult.status === "rejected" ? readResult.reason : writeFailure ? (writeFailure as { error: unknown }).error : undefined;
  if (failure !== undefined) {
    // Credentials revoked or rejected mid-way: stop; what was written stays, the rest keeps its previous snapshot.
    const message = failure instanceof Error ? failure.message : String(failure);
    errors.push({ repo: null, kind: "auth", message });
    await progress({ status: "failed", message, finishedAt: now(), reposDone: done, reposFailed: failed });
    return;
  }

  // A full sync also learns which repositories left the installation or were deleted.
  if (!req.repoIds) {
    const listed = repos.map((r) => r.githubId);
    await db
      .update(repositories)
      .set({ removedAt: now() })
      .where(and(eq(repositories.orgId, req.orgId), isNull(repositories.removedAt), listed.length > 0 ? notInArray(repositories.githubId, listed) : sql`true`));
  }
  const status = failed === 0 && org.unavailable.length === 0 ? "succeeded" : failed < repos.length ? "partial" : "failed";
  const orgNote = org.unavailable.length > 0 ? ` GitHub refused part of the organisation's settings (${org.unavailable.map((u) => u.part).join(", ")}); the previous values are kept.` : "";
  const message = (failed === 0 ? `${done} repositories synced.` : `${done - failed} of ${repos.length} repositories synced; ${failed} kept their previous snapshot.`) + orgNote;
  await progress({ status, message, finishedAt: now(), reposDone: done, reposFailed: failed });
}

async function storedFiles(db: Db, orgId: string, repoId: string | undefined): Promise<RepoFacts["files"]> {
  if (!repoId) return [];
  const rows = await db
    .select({ path: repoFiles.path, oid: repoFiles.oid, text: repoFiles.text, skipped: repoFiles.skipped })
    .from(repoFiles)
    .where(and(eq(repoFiles.orgId, orgId), inArray(repoFiles.repoId, [repoId])));
  return rows.map((r) => ({ path: r.path, oid: r.oid, text: r.text, ...(r.skipped ? { skipped: r.skipped as "binary" | "too-large" } : {}) }));
}
