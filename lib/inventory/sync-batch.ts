import "server-only";
import { and, eq, exists, inArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { repoFiles, repositories, syncBatches, syncRuns } from "@/lib/db/schema";
import { repoContextSchema, type SourceFile } from "@/lib/analysis";
import { isSyncedFile } from "@/lib/analysis/ci-system";
import { createAnalysisPool } from "@/lib/analysis/worker-pool";
import type { FetchStats, OrgFacts, RepoFacts, RepoFetchError } from "@/lib/github/facts";
import { logger } from "@/lib/logger";
import { markRepoStale, writeRepoSnapshot } from "./snapshot-writer";
import { buildRepoContext } from "./resolve";
import { startRunHeartbeat, WORKER_ID } from "./sync-liveness";
import { ACTIVE_RUN, closeRunIfFinished, NO_STATS, runIncrements, runWhere, statsCursor, type SyncError } from "./sync-run-state";
import type { OrgFetcher } from "./sync-service";

// One batch of a run: its repositories fetched, analysed and written, each in its own
// transaction. Invariants:
// - what the batch finished (written, or marked stale) is recorded in `done_repo_ids` in the same
//   transaction that adds it to the run's counters, so a retried attempt resumes after it and
//   counts nothing twice;
// - each attempt is fenced by its number: an attempt superseded by a retry (its worker stalled,
//   pg-boss gave the batch to another) can no longer report or finish, and stops;
// - the attempt that finishes the last batch of a run closes the run.

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


function isFetchError(x: RepoFacts | RepoFetchError): x is RepoFetchError {
  return "kind" in x && "message" in x && !("files" in x);
}

export interface BatchRef {
  orgId: string;
  runId: string;
  batchId: string;
}

/** Starts an attempt at the batch; null when the batch or its run has already ended. */
async function claimBatch(db: Db, ref: BatchRef) {
  const [row] = await db
    .update(syncBatches)
    .set({ status: "running", attempts: sql`${syncBatches.attempts} + 1`, worker: WORKER_ID, startedAt: sql`now()` })
    .where(
      and(
        eq(syncBatches.orgId, ref.orgId),
        eq(syncBatches.runId, ref.runId),
        eq(syncBatches.id, ref.batchId),
        inArray(syncBatches.status, ["queued", "running"]),
        exists(db.select({ one: sql`1` }).from(syncRuns).where(and(runWhere(ref.orgId, ref.runId), inArray(syncRuns.status, [...ACTIVE_RUN])))),
      ),
    )
    .returning();
  return row ?? null;
}

/** What an attempt reports: the repositories it finished since its last report, and what they cost. */
interface Report {
  doneIds: number[];
  done: number;
  failed: number;
  errors: SyncError[];
  stats: FetchStats;
}

function merge(a: Report, b: Report): Report {
  const stats = { ...a.stats };
  for (const k of Object.keys(stats) as (keyof FetchStats)[]) stats[k] += b.stats[k];
  return { doneIds: [...a.doneIds, ...b.doneIds], done: a.done + b.done, failed: a.failed + b.failed, errors: [...a.errors, ...b.errors], stats };
}

/**
 * Adds a report to the batch and the run, in one transaction (batch row first, then the run's:
 * the order every writer of both takes). False when the attempt was superseded.
 */
async function report(
  db: Db,
  ref: BatchRef,
  attempt: number,
  r: Report,
  end?: { failure: string | null; now: Date },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const end$ = end ? { status: end.failure ? ("failed" as const) : ("done" as const), failure: end.failure, finishedAt: end.now } : {};
    const mine = await tx
      .update(syncBatches)
      .set({ doneRepoIds: sql`${syncBatches.doneRepoIds} || ${JSON.stringify(r.doneIds)}::jsonb`, ...end$ })
      .where(and(eq(syncBatches.orgId, ref.orgId), eq(syncBatches.id, ref.batchId), eq(syncBatches.attempts, attempt), eq(syncBatches.status, "running")))
      .returning({ id: syncBatches.id });
    if (mine.length === 0) return false;
    await tx
      .update(syncRuns)
      .set(runIncrements(r))
      .where(runWhere(ref.orgId, ref.runId));
    if (end) await closeRunIfFinished(tx, ref.orgId, ref.runId, end.now);
    return true;
  });
}

/** Ends a batch that could not start (no connection, no credentials) with that reason. */
export async function failBatch(db: Db, ref: BatchRef, failure: string, now = new Date()): Promise<void> {
  const row = await claimBatch(db, ref);
  if (!row) return;
  await report(db, ref, row.attempts, { doneIds: [], done: 0, failed: 0, errors: [{ repo: null, kind: "setup", message: failure }], stats: NO_STATS }, { failure, now });
}

/**
 * Runs one attempt at a batch: the repositories it has not finished yet are fetched, analysed and
 * written, each in its own transaction. A repository that fails keeps its previous snapshot and is
 * marked stale with the reason; credentials rejected mid-way, or the database failing, stop the
 * batch and fail the run.
 */
export async function runBatch(db: Db, fetcher: OrgFetcher, ref: BatchRef, opts: { now?: () => Date } = {}): Promise<void> {
  const now = opts.now ?? (() => new Date());
  const batch = await claimBatch(db, ref);
  if (!batch) return;
  analysisPool.start();
  const stopHeartbeat = await startRunHeartbeat(db, ref.orgId, ref.runId);
  try {
    await runAttempt(db, fetcher, ref, batch, now);
  } finally {
    stopHeartbeat();
  }
}

async function runAttempt(db: Db, fetcher: OrgFetcher, ref: BatchRef, batch: typeof syncBatches.$inferSelect, now: () => Date): Promise<void> {
  const { orgId } = ref;
  const org: OrgFacts = batch.org;
  const finished = new Set(batch.doneRepoIds);
  const repos = batch.repos.filter((r) => !finished.has(r.githubId));
  const filesFor = new Set(batch.filesFor);
  const stats = statsCursor(fetcher);
  const stored =
    repos.length === 0
      ? []
      : await db
          .select({ id: repositories.id, githubId: repositories.githubId })
          .from(repositories)
          .where(and(eq(repositories.orgId, orgId), inArray(repositories.githubId, repos.map((r) => r.githubId))));
  const storedById = new Map(stored.map((r) => [r.githubId, r.id]));

  const empty = (): Report => ({ doneIds: [], done: 0, failed: 0, errors: [], stats: NO_STATS });
  let pending = empty();
  let superseded = false;
  const take = (): Report => {
    const r = { ...pending, stats: stats.take() };
    pending = empty();
    return r;
  };
  // Reports are written at most every PROGRESS_MS, one at a time, so the counters a reader sees
  // only move forward; the final report carries whatever is left.
  let progressWrite: Promise<void> = Promise.resolve();
  let progressPending = false;
  let lastProgress = 0;
  let progressTimer: ReturnType<typeof setTimeout> | null = null;
  const reportProgress = () => {
    if (progressPending || progressTimer || superseded) return;
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
      const r = take();
      try {
        if (!(await report(db, ref, batch.attempts, r))) superseded = true;
      } catch (err) {
        // Not recorded: folded into the next report, so nothing is counted twice or lost.
        pending = merge(r, pending);
        logger.warn("sync progress not recorded", { error: String(err) });
      }
    });
  };

  /** Analyses and stores one fetched repository (or records its failure); never throws for a repository's own problem. */
  const handle = async (item: RepoFacts | RepoFetchError): Promise<void> => {
    if (isFetchError(item)) {
      await markRepoStale(db, orgId, item.repo, item.message);
      pending.failed++;
      pending.errors.push({ repo: item.repo.fullName, kind: item.kind, message: item.message });
    } else {
      try {
        const filesFetched = filesFor.has(item.repo.githubId);
        const facts = filesFetched ? item : { ...item, files: await storedFiles(db, orgId, storedById.get(item.repo.githubId)) };
        // Sorted by path: the same files give the same analysis whether they came from GitHub or the database.
        const sources: SourceFile[] = facts.files
          .filter((f) => isSyncedFile(f.path) && f.text !== null)
          .map((f) => ({ path: f.path, content: f.text! }))
          .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        const context = repoContextSchema.parse(buildRepoContext(org, facts, startOfDay(now())));
        const analysis = await analysisPool.analyze(sources, context);
        for (const f of facts.files.filter((x) => isSyncedFile(x.path) && x.text === null)) {
          analysis.errors.push({ root: "", path: f.path, message: `Not analysed: the file is ${f.skipped === "binary" ? "binary" : "larger than the size limit"}.` });
        }
        await writeRepoSnapshot(db, orgId, org, { facts, filesFetched, analysis }, now(), ref.runId);
      } catch (err) {
        const message = `Could not save this repository's snapshot; the previous one is kept: ${err instanceof Error ? err.message : String(err)}`;
        logger.error("repository snapshot failed", { repo: item.repo.fullName, error: String(err) });
        await markRepoStale(db, orgId, item.repo, message);
        pending.failed++;
        pending.errors.push({ repo: item.repo.fullName, kind: "write", message });
      }
    }
    pending.done++;
    pending.doneIds.push(item.repo.githubId);
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
      if (repos.length === 0) return;
      for await (const item of fetcher.fetchRepos(repos, { filesFor })) {
        buffer.push(item);
        signal("writers");
        while (buffer.length >= READ_AHEAD && !stop && !superseded) await new Promise<void>((r) => (wakeReader = r));
        if (stop || superseded) break;
      }
    } finally {
      readerDone = true;
      signal("writers");
    }
  })();
  let writeFailure: { error: unknown } | null = null;
  const writer = async () => {
    for (;;) {
      const item = superseded ? undefined : buffer.shift();
      if (item === undefined) {
        if (readerDone || stop || superseded) return;
        await new Promise<void>((r) => (wakeWriters = chain(wakeWriters, r)));
        continue;
      }
      signal("reader");
      try {
        await handle(item);
      } catch (error) {
        // The database itself failed (not one repository's snapshot): stop the batch.
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
  if (superseded) {
    logger.warn("a newer attempt took over this sync batch; this one stops", { batchId: ref.batchId, attempt: batch.attempts });
    return;
  }
  const failure: unknown = readResult.status === "rejected" ? readResult.reason : writeFailure ? (writeFailure as { error: unknown }).error : undefined;
  const last = take();
  let failureMessage: string | null = null;
  if (failure !== undefined) {
    // Credentials revoked or rejected mid-way: stop; what was written stays, the rest keeps its previous snapshot.
    failureMessage = failure instanceof Error ? failure.message : String(failure);
    last.errors.push({ repo: null, kind: "auth", message: failureMessage });
  }
  await report(db, ref, batch.attempts, last, { failure: failureMessage, now: now() });
}

async function storedFiles(db: Db, orgId: string, repoId: string | undefined): Promise<RepoFacts["files"]> {
  if (!repoId) return [];
  const rows = await db
    .select({ path: repoFiles.path, oid: repoFiles.oid, text: repoFiles.text, skipped: repoFiles.skipped })
    .from(repoFiles)
    .where(and(eq(repoFiles.orgId, orgId), inArray(repoFiles.repoId, [repoId])));
  return rows.map((r) => ({ path: r.path, oid: r.oid, text: r.text, ...(r.skipped ? { skipped: r.skipped as "binary" | "too-large" } : {}) }));
}
