// One sync of a benchmark's organisation through the real fetch layer into the database, with
// its figures (requests charged, retries, time waiting for the fetcher, CPU, event-loop busy).
import { performance as perf } from "node:perf_hooks";
import { eq } from "drizzle-orm";
import type { Db } from "../lib/db/types";
import { syncRuns } from "../lib/db/schema";
import type { GithubClient } from "../lib/github/client";
import { createOrgFetcher } from "../lib/github/fetch";
import type { EtagStore } from "../lib/github/etag";
import { createSyncRun } from "../lib/connections/connection-repo";
import { runSync, type OrgFetcher } from "../lib/inventory/sync-service";
import { log, mb, round } from "./support";

/** The fetcher, with the time the sync loop spends waiting for its next repository. */
function timedFetcher(inner: OrgFetcher): OrgFetcher & { waitMs: () => number } {
  let waitMs = 0;
  return {
    fetchOrg: () => inner.fetchOrg(),
    listRepos: () => inner.listRepos(),
    stats: () => inner.stats(),
    waitMs: () => waitMs,
    async *fetchRepos(repos, opts) {
      const it = inner.fetchRepos(repos, opts)[Symbol.asyncIterator]();
      for (;;) {
        const start = performance.now();
        const next = await it.next();
        waitMs += performance.now() - start;
        if (next.done) return;
        yield next.value;
      }
    },
  };
}

export interface RunFigures {
  status: string;
  seconds: number;
  charged: number;
  requests: number;
  notModified: number;
  graphqlPoints: number;
  retries: number;
  reposDone: number;
  reposFailed: number;
  fetchWaitSeconds: number;
  cpuSeconds: number;
  mainThreadBusy: number;
  rateLimitWaitMs: number;
}

export async function syncOnce(
  db: Db,
  orgId: string,
  label: string,
  client: GithubClient,
  login: string,
  etags: EtagStore,
  forceFilesFor?: number[],
): Promise<RunFigures> {
  const runId = await createSyncRun(db, orgId, { scope: "org", trigger: "manual", requestedBy: "bench@example.test" });
  const fetcher = timedFetcher(createOrgFetcher({ client, org: login, etags }));
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  const eluBefore = perf.eventLoopUtilization();
  const ticker = setInterval(() => {
    void db
      .select({ done: syncRuns.reposDone, total: syncRuns.reposTotal, charged: syncRuns.charged, failed: syncRuns.reposFailed })
      .from(syncRuns)
      .where(eq(syncRuns.id, runId))
      .then(([r]) => {
        const m = process.memoryUsage();
        if (r) log(`${label}: ${r.done}/${r.total} repos, ${r.charged} charged, ${r.failed} failed, rss ${mb(m.rss)} MB (heap ${mb(m.heapUsed)}/${mb(m.heapTotal)}, external ${mb(m.external)})`);
      })
      .catch(() => undefined);
  }, 5000);
  try {
    await runSync(db, fetcher, { orgId, runId, forceFilesFor });
  } finally {
    clearInterval(ticker);
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const elu = perf.eventLoopUtilization(eluBefore);
  const [run] = await db.select().from(syncRuns).where(eq(syncRuns.id, runId));
  if (!run) throw new Error("sync run row vanished");
  const figures: RunFigures = {
    status: run.status,
    seconds: round(seconds, 2),
    charged: run.charged,
    requests: run.requests,
    notModified: run.notModified,
    graphqlPoints: run.graphqlPoints,
    retries: run.retries,
    reposDone: run.reposDone,
    reposFailed: run.reposFailed,
    fetchWaitSeconds: round(fetcher.waitMs() / 1000, 2),
    cpuSeconds: round((cpu.user + cpu.system) / 1e6, 1),
    mainThreadBusy: round(elu.utilization, 2),
    rateLimitWaitMs: run.rateLimitWaitMs,
  };
  log(`${label}: ${run.status} — ${run.message ?? ""}; ${JSON.stringify(figures)}`);
  const errors = run.errors.slice(0, 5);
  for (const e of errors) log(`  error ${e.kind} ${e.repo ?? "(org)"}: ${e.message.slice(0, 200)}`);
  if (run.errors.length > errors.length) log(`  … ${run.errors.length - errors.length} more errors`);
  return figures;
}

