// Sync cost and speed on a synthetic organisation: the real fetch layer (lib/github) against the
// GitHub simulator with injected latency, runSync writing into a fresh database. Loopback only;
// stops by itself. Prints progress lines, then every figure as one JSON object on the LAST line.
//
//   npm run bench:sync -- --repos 1000 --latency 100 [--faults | --hostile [--inline]] [--pglite] [--seed 1]
//
//   repos           repositories in the synthetic org (built from ../shared/corpus/real-world)
//   requestsCharged requests charged against the rate limit by the full sync (304s are free)
//   perRepoFull     requestsCharged / repos                       target ≤ 6 (+1 per environment)
//   perRepoResync   charged by an unchanged re-sync / repos        target ≤ 0.1
//   wallSeconds     wall time of the full sync                    target ≤ 60 s (1,000 repos, 100 ms)
//   peakRssMb       peak RSS of this process: fetch, analysis, writes (+ PGlite when used)  ≤ 512;
//                   the simulator runs in a child process (bench/sync-sim.ts), as GitHub is remote
//   budgetFull      6 + environments / repos: the per-repo target of this org
//   fetchWaitSeconds time the sync loop spent waiting for the fetcher (the rest is analysis + writes)
//   cpuSeconds      CPU time of this process during the full sync (every thread: main + analysis workers)
//   mainThreadBusy  event-loop utilisation of the main thread during the full sync (1 = never idle)
//   healthP99Ms, healthMaxMs, healthOver200Ms   /api/health answer times during the full sync (see
//                   --hostile below for how they are measured)
// With --faults, after the clean syncs: an hour later (rate-limit window reset), a full re-sync
// with a cold ETag cache and every file re-fetched, while the simulator injects 5xx, timeouts and
// secondary rate limits; then, measured in the database:
//   partialSnapshots repositories whose stored rows disagree with the fixture (a workflow missing,
//                    extra, or with another number of jobs than its analysis has; files missing)
//   lostRepos        repositories that had a snapshot after the clean sync and have none now
//   retries          retried HTTP attempts of the faulty sync (sync_runs.retries)
// With --hostile, every repository also holds hostile content (sim/fixtures/hostile.ts: CODEOWNERS
// made to backtrack or over 3 MB, 256 KB `run:` lines of trigger words, deeply nested YAML, alias
// bombs, 1 MB and 200 KB-of-steps workflows, invalid UTF-8, NUL bytes, names with markup); only
// the full sync runs, and the figures are:
//   synced / staleWithReason / unaccounted   repositories synced, stale with a reason, neither
//                    (target: unaccounted 0)
//   parseErrorFindings, analysisStopped       files refused as parse errors; of them, files whose
//                    analysis killed or overran its worker twice
//   health*          /api/health answer times sampled every 50 ms throughout the sync (target:
//                    max ≤ 200 ms). The bench runs no Next server: it serves the route's handler
//                    (lib/health.ts, on the same database) from a tiny HTTP server in this process,
//                    the web server. On PostgreSQL the sync runs where the web server runs its
//                    jobs by default (JOBS_MODE=process, lib/jobs/job-process.ts): in a job process
//                    of its own (bench/sync-job.ts), so the figure is the web server's answer time
//                    while a hostile sync competes with it for the machine. With --inline (and
//                    always on --pglite, whose database belongs to one process) the sync runs in
//                    this process, as under JOBS_MODE=inline, and the figure is this event loop's
//                    responsiveness while it syncs. The sampler is a worker thread, whose clock
//                    does not wait for the loop it measures
//   loopDelay*       this process's event-loop delay (perf_hooks) over the same time
//   jobs             "process" or "inline": where the sync ran
//   peakRssMb        the syncing process's peak (target ≤ 512); webRssMb this process's peak;
//                    simulatorRssMb the simulator process's peak
import { fork } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { generateSyntheticOrg } from "../sim/fixtures/generate";
import type { OrgData } from "../sim/fixtures/model";
import type { DatabaseHandle, Db } from "../lib/db/types";
import { findings, jobs, organizations, repoFiles, repositories, workflows } from "../lib/db/schema";
import { createGithubClient, type GithubClient } from "../lib/github/client";
import { SYNC_TOKEN_PERMISSIONS } from "../lib/github/permissions";
import { MemoryEtagStore } from "../lib/github/etag";
import type { EtagStore } from "../lib/github/etag";
import { dbEtagStore } from "../lib/connections/etag-store";
import { analyzeFiles } from "../lib/analysis";
import { startHealthProbe, type HealthFigures } from "./health-probe";
import { startSimProcess, type SimProcess } from "./sim-process";
import { syncOnce, type RunFigures } from "./sync-once";
import type { SyncJobReply, SyncJobStart } from "./sync-job";
import { freshDatabase, log, peakRssMb, round, printFigures, runBench } from "./support";

interface Args {
  repos: number;
  latency: number;
  faults: boolean;
  hostile: boolean;
  pglite: boolean;
  inline: boolean;
  seed: number;
  faultRate: number;
  timeoutRate: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { repos: 1000, latency: 100, faults: false, hostile: false, pglite: false, inline: false, seed: 1, faultRate: 0.02, timeoutRate: 0.002 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a non-negative number`);
      return v;
    };
    if (a === "--repos") args.repos = Math.max(1, Math.floor(value()));
    else if (a === "--latency") args.latency = value();
    else if (a === "--seed") args.seed = value();
    else if (a === "--fault-rate") args.faultRate = value();
    else if (a === "--timeout-rate") args.timeoutRate = value();
    else if (a === "--faults") args.faults = true;
    else if (a === "--hostile") args.hostile = true;
    else if (a === "--pglite") args.pglite = true;
    else if (a === "--inline") args.inline = true;
    else if (a === "--") continue;
    else throw new Error(`unknown argument ${a} (--repos N --latency MS [--faults [--fault-rate P --timeout-rate P] | --hostile [--inline]] [--pglite] [--seed N])`);
  }
  if (args.faults && args.hostile) throw new Error("--faults and --hostile are separate runs: choose one");
  return args;
}

const APP_ID = 4242;


// ---- consistency of the stored inventory against the fixture ----------------------------------

const WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;
const expectedJobsCache = new Map<string, number>();

function expectedJobs(path: string, oid: string, text: string): number {
  const key = `${oid}\0${path}`;
  let n = expectedJobsCache.get(key);
  if (n === undefined) {
    n = analyzeFiles([{ path, content: text }]).workflows.find((w) => w.path === path)?.jobs.length ?? 0;
    expectedJobsCache.set(key, n);
  }
  return n;
}

interface StoredRepo {
  synced: boolean;
  stale: boolean;
  files: number;
  workflows: Map<string, number>;
}

async function storedInventory(db: Db, orgId: string): Promise<Map<string, StoredRepo>> {
  const rows = await db
    .select({
      name: repositories.name,
      syncedAt: repositories.syncedAt,
      staleReason: repositories.staleReason,
      path: workflows.path,
      jobs: sql<number>`count(${jobs.id})::int`,
    })
    .from(repositories)
    .leftJoin(workflows, eq(workflows.repoId, repositories.id))
    .leftJoin(jobs, eq(jobs.workflowId, workflows.id))
    .where(eq(repositories.orgId, orgId))
    .groupBy(repositories.id, workflows.id);
  const fileCounts = await db
    .select({ name: repositories.name, n: sql<number>`count(${repoFiles.id})::int` })
    .from(repositories)
    .leftJoin(repoFiles, eq(repoFiles.repoId, repositories.id))
    .where(eq(repositories.orgId, orgId))
    .groupBy(repositories.id);
  const out = new Map<string, StoredRepo>();
  for (const r of rows) {
    let repo = out.get(r.name);
    if (!repo) {
      repo = { synced: r.syncedAt !== null, stale: r.staleReason !== null, files: 0, workflows: new Map() };
      out.set(r.name, repo);
    }
    if (r.path !== null) repo.workflows.set(r.path, Number(r.jobs));
  }
  for (const f of fileCounts) {
    const repo = out.get(f.name);
    if (repo) repo.files = Number(f.n);
  }
  return out;
}

/** A repository has a snapshot when it was synced once and holds the workflows its fixture has. */
function hasSnapshot(stored: StoredRepo | undefined, fixtureWorkflows: number): boolean {
  return stored !== undefined && stored.synced && (fixtureWorkflows === 0 || stored.workflows.size > 0);
}

interface Consistency {
  withSnapshot: Set<string>;
  partial: string[];
  stale: number;
}

async function checkInventory(db: Db, orgId: string, fixture: OrgData): Promise<Consistency> {
  const stored = await storedInventory(db, orgId);
  const withSnapshot = new Set<string>();
  const partial: string[] = [];
  let stale = 0;
  for (const repo of fixture.repos) {
    const s = stored.get(repo.name);
    if (s?.stale) stale++;
    const expected = new Map<string, number>();
    for (const [path, blob] of repo.files) if (WORKFLOW.test(path)) expected.set(path, expectedJobs(path, blob.oid, blob.text));
    if (!s || !s.synced) continue; // never synced: nothing stored to be inconsistent
    if (hasSnapshot(s, expected.size)) withSnapshot.add(repo.name);
    const problems: string[] = [];
    for (const [path, n] of expected) {
      const got = s.workflows.get(path);
      if (got === undefined) problems.push(`workflow ${path} missing`);
      else if (got !== n) problems.push(`${path}: ${got} jobs stored, ${n} analysed`);
    }
    for (const path of s.workflows.keys()) if (!expected.has(path)) problems.push(`workflow ${path} not in the repository`);
    // Files fetched: workflows + CODEOWNERS (the synthetic org has no composite actions).
    const expectedFiles = [...repo.files.keys()].filter((p) => WORKFLOW.test(p) || p === ".github/CODEOWNERS").length;
    if (s.files !== expectedFiles) problems.push(`${s.files} files stored, ${expectedFiles} in the repository`);
    if (problems.length > 0) partial.push(`${repo.name}: ${problems.slice(0, 3).join("; ")}`);
  }
  return { withSnapshot, partial, stale };
}

// ---- --hostile ----------------------------------------------------------------------------------

/** The sync in a job process of its own, as the web server runs it on PostgreSQL (JOBS_MODE=process). */
async function syncInJobProcess(start: SyncJobStart): Promise<{ figures: RunFigures; peakRssMb: number }> {
  const child = fork(new URL("./sync-job.ts", import.meta.url), [], { execArgv: ["--import", "tsx", "--conditions=react-server"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    return await new Promise((resolve, reject) => {
      child.once("message", (reply: SyncJobReply) => (reply.type === "done" ? resolve(reply) : reject(new Error(`the job process failed: ${reply.message}`))));
      child.once("exit", (code) => reject(new Error(`the job process exited (${code}) before it answered`)));
      child.send(start);
    });
  } finally {
    child.disconnect();
  }
}

async function hostileRun(db: Db, orgId: string, client: GithubClient, login: string, etags: EtagStore, args: Args, handle: DatabaseHandle, sim: SimProcess, job: Omit<SyncJobStart, "orgId" | "label"> | null): Promise<void> {
  const where = job ? "in a job process beside this web process (JOBS_MODE=process)" : "in this process (JOBS_MODE=inline)";
  log(`full sync of ${args.repos} repos with hostile content (database: ${handle.kind}) ${where}, /api/health sampled every 50 ms`);
  const probe = await startHealthProbe(handle);
  let full: RunFigures;
  let health: HealthFigures;
  let syncRssMb: number;
  try {
    if (job) {
      const done = await syncInJobProcess({ ...job, orgId, label: "hostile" });
      full = done.figures;
      syncRssMb = done.peakRssMb;
    } else {
      full = await syncOnce(db, orgId, "hostile", client, login, etags);
      syncRssMb = peakRssMb();
    }
  } finally {
    health = await probe.stop();
  }
  const [counts] = await db
    .select({
      synced: sql<number>`count(*) filter (where ${repositories.syncedAt} is not null and ${repositories.staleReason} is null)::int`,
      stale: sql<number>`count(*) filter (where ${repositories.staleReason} is not null and ${repositories.staleReason} <> '')::int`,
      total: sql<number>`count(*)::int`,
    })
    .from(repositories)
    .where(eq(repositories.orgId, orgId));
  const [parse] = await db
    .select({
      errors: sql<number>`count(*)::int`,
      stopped: sql<number>`count(*) filter (where ${findings.message} like 'Analysis stopped%')::int`,
    })
    .from(findings)
    .where(and(eq(findings.orgId, orgId), eq(findings.rule, "parse-error")));
  const reasons = await db
    .select({ reason: repositories.staleReason, n: sql<number>`count(*)::int` })
    .from(repositories)
    .where(and(eq(repositories.orgId, orgId), sql`${repositories.staleReason} is not null`))
    .groupBy(repositories.staleReason)
    .limit(5);
  for (const r of reasons) log(`  stale (${r.n}): ${(r.reason ?? "").slice(0, 200)}`);
  const synced = counts?.synced ?? 0;
  const stale = counts?.stale ?? 0;
  // Listed repositories without a row at all count as unaccounted too.
  const unaccounted = args.repos - synced - stale;
  log(`after the hostile sync: ${synced} synced, ${stale} stale with a reason, ${unaccounted} neither; ${parse?.errors ?? 0} parse-error findings (${parse?.stopped ?? 0} analyses stopped)`);
  log(`/api/health: ${health.samples} samples, p50 ${health.p50Ms} ms, p99 ${health.p99Ms} ms, max ${health.maxMs} ms, ${health.over200Ms} over 200 ms, ${health.failed} failed`);
  const simulatorRssMb = (await sim.counts()).rssMb;
  const figures = {
    repos: args.repos,
    hostile: true,
    synced,
    staleWithReason: stale,
    unaccounted,
    parseErrorFindings: parse?.errors ?? 0,
    analysisStopped: parse?.stopped ?? 0,
    healthSamples: health.samples,
    healthP50Ms: health.p50Ms,
    healthP99Ms: health.p99Ms,
    healthMaxMs: health.maxMs,
    healthOver200Ms: health.over200Ms,
    healthFailed: health.failed,
    loopDelayP99Ms: health.loopDelayP99Ms,
    loopDelayMaxMs: health.loopDelayMaxMs,
    wallSeconds: full.seconds,
    jobs: job ? "process" : "inline",
    peakRssMb: syncRssMb,
    webRssMb: peakRssMb(),
    simulatorRssMb,
    cpuSeconds: full.cpuSeconds,
    mainThreadBusy: full.mainThreadBusy,
    requestsCharged: full.charged,
    latencyMs: args.latency,
    database: handle.kind,
    fullStatus: full.status,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

// ---- main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const login = "bench-org";
  const fixtureNow = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const fixture = generateSyntheticOrg({ repos: args.repos, seed: args.seed, login, now: fixtureNow, hostile: args.hostile });
  const environments = fixture.repos.reduce((n, r) => n + r.environments.length, 0);
  const workflowFiles = fixture.repos.reduce((n, r) => n + [...r.files.keys()].filter((p) => WORKFLOW.test(p)).length, 0);
  log(`synthetic org ${login}: ${fixture.repos.length} repos, ${workflowFiles} workflow files, ${environments} environments, ${fixture.secrets.length} org secrets`);

  const keys = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  // GitHub gives an App installation 5,000 requests/h + 50 per repository over 20, at most
  // 12,500: an org of 1,000 repositories gets the 12,500.
  const coreLimit = Math.min(12_500, 5000 + 50 * Math.max(0, args.repos - 20));
  // Built again, identically, by the simulator process from the same (repos, seed, login, now).
  const sim = await startSimProcess({ repos: args.repos, seed: args.seed, login, now: fixtureNow, hostile: args.hostile, appId: APP_ID, publicKeyPem: keys.publicKey, latencyMs: args.latency, coreLimit });
  log(`simulator ${sim.url} (own process), ${args.latency} ms per response, core rate limit ${coreLimit}/h`);
  const appClient = (extra: { requestTimeoutMs?: number } = {}) =>
    createGithubClient({ kind: "app", baseUrl: sim.url, appId: APP_ID, privateKey: keys.privateKey, installationId: sim.installationId, account: login, permissions: SYNC_TOKEN_PERMISSIONS, ...extra });

  const { handle, drop, url } = await freshDatabase(
    args.pglite ? { pglite: true } : { pglite: false, adminUrl: process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres" },
  );
  try {
    const db = handle.db;
    const [org] = await db.insert(organizations).values({ slug: `bench-${Date.now()}`, name: login }).returning({ id: organizations.id });
    if (!org) throw new Error("could not create the organisation");
    const orgId = org.id;
    const client = appClient();
    const etags = dbEtagStore(db, orgId);

    if (args.hostile) {
      const job = url && !args.inline ? { databaseUrl: url, login, simUrl: sim.url, appId: APP_ID, privateKey: keys.privateKey, installationId: sim.installationId } : null;
      await hostileRun(db, orgId, client, login, etags, args, handle, sim, job);
      return;
    }

    log(`full sync of ${args.repos} repos (database: ${handle.kind}), /api/health sampled every 50 ms`);
    const probe = await startHealthProbe(handle);
    let full: RunFigures;
    let health: HealthFigures;
    try {
      full = await syncOnce(db, orgId, "full", client, login, etags);
    } finally {
      health = await probe.stop();
    }
    log(`/api/health during the full sync: ${health.samples} samples, p50 ${health.p50Ms} ms, p99 ${health.p99Ms} ms, max ${health.maxMs} ms, ${health.over200Ms} over 200 ms`);
    const afterClean = await checkInventory(db, orgId, fixture);
    log(`after the full sync: ${afterClean.withSnapshot.size} repos with a snapshot, ${afterClean.partial.length} inconsistent, ${afterClean.stale} stale`);
    for (const p of afterClean.partial.slice(0, 5)) log(`  inconsistent ${p}`);

    log("unchanged re-sync");
    const resync = await syncOnce(db, orgId, "re-sync", client, login, etags);

    const result: Record<string, number | string | boolean> = {
      repos: args.repos,
      requestsCharged: full.charged,
      perRepoFull: round(full.charged / args.repos),
      perRepoResync: round(resync.charged / args.repos),
      wallSeconds: full.seconds,
      peakRssMb: peakRssMb(),
      budgetFull: round(6 + environments / args.repos),
      environments,
      resyncSeconds: resync.seconds,
      fetchWaitSeconds: full.fetchWaitSeconds,
      cpuSeconds: full.cpuSeconds,
      mainThreadBusy: full.mainThreadBusy,
      graphqlPoints: full.graphqlPoints,
      latencyMs: args.latency,
      database: handle.kind,
      fullStatus: full.status,
      resyncStatus: resync.status,
      healthP99Ms: health.p99Ms,
      healthMaxMs: health.maxMs,
      healthOver200Ms: health.over200Ms,
    };

    if (args.faults) {
      // An hour later (fresh rate-limit window), a full re-sync with nothing cached, under faults.
      await sim.resetRateLimit();
      await sim.faults({
        seed: args.seed,
        serverErrorRate: args.faultRate,
        timeoutRate: args.timeoutRate,
        secondaryRateLimitRate: args.faultRate,
        retryAfterSeconds: 1,
      });
      const timeoutMs = 5000;
      log(`faulty full re-sync: 5xx ${args.faultRate}, timeouts ${args.timeoutRate} (client gives up after ${timeoutMs} ms), secondary rate limits ${args.faultRate}; cold ETag cache, files re-fetched`);
      const faulty = await syncOnce(
        db,
        orgId,
        "faulty",
        appClient({ requestTimeoutMs: timeoutMs }),
        login,
        new MemoryEtagStore(),
        fixture.repos.map((r) => r.id),
      );
      await sim.faults({});
      const afterFaults = await checkInventory(db, orgId, fixture);
      const lost = [...afterClean.withSnapshot].filter((name) => !afterFaults.withSnapshot.has(name));
      log(`after the faulty sync: ${afterFaults.withSnapshot.size} repos with a snapshot, ${afterFaults.partial.length} inconsistent, ${afterFaults.stale} stale, ${lost.length} lost`);
      for (const p of afterFaults.partial.slice(0, 5)) log(`  inconsistent ${p}`);
      const { counts: injected } = await sim.counts();
      log(`injected: ${injected["server-error"]} 5xx, ${injected.timeout} timeouts, ${injected["secondary-rate-limit"]} secondary rate limits`);
      Object.assign(result, {
        partialSnapshots: afterFaults.partial.length,
        lostRepos: lost.length,
        retries: faulty.retries,
        faultyStatus: faulty.status,
        faultySeconds: faulty.seconds,
        faultyFailedRepos: faulty.reposFailed,
        staleRepos: afterFaults.stale,
        injected5xx: injected["server-error"] ?? 0,
        injectedTimeouts: injected.timeout ?? 0,
        injectedSecondaryRateLimits: injected["secondary-rate-limit"] ?? 0,
        peakRssMb: peakRssMb(),
      });
    }

    const stillThere = await db.select({ n: sql<number>`count(*)::int` }).from(repositories).where(and(eq(repositories.orgId, orgId)));
    log(`${stillThere[0]?.n ?? 0} repository rows stored; simulator process peak RSS ${(await sim.counts()).rssMb} MB (not in peakRssMb)`);
    printFigures(result);
  } finally {
    await handle.close();
    await drop();
    await sim.close();
  }
}

runBench(main);
