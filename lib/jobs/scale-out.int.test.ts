// Scale-out, proven: two `npm run worker` processes share one PostgreSQL queue and one sync of
// 200 repositories through the GitHub simulator; one is killed with SIGKILL mid-sync. The run
// still completes, every repository synced (or stale with a reason), no snapshot partial, no
// repository written by two transactions at once (seen by triggers on the database itself).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { createOwnDatabase, type OwnDatabase } from "@/lib/testing/own-database";
import { startTsx, type TestProcess } from "@/lib/testing/processes";
import { uniqueSlug } from "@/lib/testing/fixtures";
import type { Db } from "@/lib/db/types";
import { githubConnections, jobs, organizations, repoFiles, repositories, syncRuns, workflows } from "@/lib/db/schema";
import { analyzeFiles } from "@/lib/analysis";
import { appKeys, APP_ID } from "@/lib/github/test-sim";
import { startGithubSim, type GithubSim } from "@/sim/github";
import { generateSyntheticOrg } from "@/sim/fixtures/generate";
import type { OrgData } from "@/sim/fixtures/model";
import { createSyncRun } from "@/lib/connections/connection-repo";
import { enqueue, stopQueue } from "./queue";

// The owner's URL: these tests create a database of their own.
const databaseUrl = inject("ownerDatabaseUrl");
const REPOS = 200;
const LOGIN = "scale-org";

// Every write of a repository row (a snapshot's first statement, a stale mark) is logged with
// its transaction, the writing worker (application_name) and the clock at the write; a deferred
// trigger stamps the same entry at commit. Two entries of one repository whose [write, commit]
// intervals overlap are two transactions writing it at once.
const WRITE_LOG = sql.raw(`
  create table test_repo_write (
    txid bigint not null, org_id uuid not null, github_id bigint not null, app text not null,
    wrote timestamptz not null, committed timestamptz, primary key (txid, org_id, github_id));
  create function test_repo_write_start() returns trigger language plpgsql as $$
  begin
    insert into test_repo_write (txid, org_id, github_id, app, wrote)
    values (txid_current(), new.org_id, new.github_id, current_setting('application_name'), clock_timestamp())
    on conflict do nothing;
    return null;
  end $$;
  create function test_repo_write_commit() returns trigger language plpgsql as $$
  begin
    update test_repo_write set committed = clock_timestamp()
    where txid = txid_current() and org_id = new.org_id and github_id = new.github_id and committed is null;
    return null;
  end $$;
  create trigger test_repo_write_start after insert or update on repository for each row execute function test_repo_write_start();
  create constraint trigger test_repo_write_commit after insert or update on repository
    deferrable initially deferred for each row execute function test_repo_write_commit();
`);

let own: OwnDatabase | null = null;
let sim: GithubSim | null = null;
let fixture: OrgData;
const workers: TestProcess[] = [];

beforeAll(async () => {
  if (!databaseUrl) return;
  // Its own database: the workers take every job in the queue and reap every run they see.
  own = await createOwnDatabase(databaseUrl, "scaleout");
  await own.handle.db.execute(WRITE_LOG);
  fixture = generateSyntheticOrg({ repos: REPOS, seed: 7, login: LOGIN });
  // 100 ms per response: a 25-repository batch takes seconds, so a worker is killed in the middle of one.
  sim = await startGithubSim({ orgs: [fixture], app: { id: APP_ID, slug: "gatehouse", publicKeyPem: appKeys().publicKey, installations: {} }, latencyMs: 100 });
}, 120_000);
afterAll(async () => {
  for (const w of workers) await w.kill("SIGKILL");
  await stopQueue();
  await sim?.close();
  await own?.drop();
});

/** Rows of a raw statement (node-postgres: this test runs on PostgreSQL only). */
async function rowsOf<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

const WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;

/** Repositories whose stored snapshot is not exactly the fixture's (a workflow, a job count, a file missing or extra). */
async function partialSnapshots(db: Db, orgId: string): Promise<string[]> {
  const wf = await db
    .select({ repo: repositories.name, path: workflows.path, jobs: sql<number>`count(${jobs.id})::int` })
    .from(workflows)
    .innerJoin(repositories, eq(repositories.id, workflows.repoId))
    .leftJoin(jobs, eq(jobs.workflowId, workflows.id))
    .where(eq(workflows.orgId, orgId))
    .groupBy(repositories.name, workflows.id);
  const files = await db
    .select({ repo: repositories.name, n: sql<number>`count(*)::int` })
    .from(repoFiles)
    .innerJoin(repositories, eq(repositories.id, repoFiles.repoId))
    .where(eq(repoFiles.orgId, orgId))
    .groupBy(repositories.name);
  const storedJobs = new Map(wf.map((w) => [`${w.repo}\0${w.path}`, Number(w.jobs)]));
  const storedFiles = new Map(files.map((f) => [f.repo, Number(f.n)]));
  const problems: string[] = [];
  for (const repo of fixture.repos) {
    const expected = [...repo.files].filter(([path]) => WORKFLOW.test(path));
    for (const [path, blob] of expected) {
      const want = analyzeFiles([{ path, content: blob.text }]).workflows.find((w) => w.path === path)?.jobs.length ?? 0;
      const got = storedJobs.get(`${repo.name}\0${path}`);
      if (got !== want) problems.push(`${repo.name} ${path}: ${got ?? "no workflow"} jobs stored, ${want} in the file`);
    }
    const extra = wf.filter((w) => w.repo === repo.name && !repo.files.has(w.path));
    if (extra.length > 0) problems.push(`${repo.name}: ${extra.length} workflows not in the repository`);
    const wantFiles = [...repo.files.keys()].filter((p) => WORKFLOW.test(p) || p === ".github/CODEOWNERS").length;
    if ((storedFiles.get(repo.name) ?? 0) !== wantFiles) problems.push(`${repo.name}: ${storedFiles.get(repo.name) ?? 0} files stored, ${wantFiles} in the repository`);
  }
  return problems;
}

describe("two workers share one sync", () => {
  it.skipIf(!databaseUrl)(
    "a 200-repository sync shared by two worker processes completes when one is killed mid-sync: every repository synced, no snapshot partial, none written twice at once (PostgreSQL only: PGlite serves one process)",
    async () => {
      const db = own!.handle.db;
      const installation = sim!.core.installationForOrg(LOGIN)!;
      const [org] = await db.insert(organizations).values({ slug: uniqueSlug("scale"), name: LOGIN }).returning({ id: organizations.id });
      const orgId = org!.id;
      await db.insert(githubConnections).values({ orgId, kind: "app", baseUrl: sim!.url, installationId: installation.id, accountLogin: LOGIN });

      const worker = (name: string) => {
        const url = new URL(own!.url);
        url.searchParams.set("application_name", name);
        const w = startTsx("scripts/worker.ts", [], { DATABASE_URL: url.toString(), SYNC_INTERVAL_MINUTES: "0", GITHUB_API_URL: sim!.url, GITHUB_APP_ID: String(APP_ID), GITHUB_APP_PRIVATE_KEY: appKeys().privateKey });
        workers.push(w);
        return w;
      };
      const [a, b] = [worker("worker-a"), worker("worker-b")];
      await Promise.all([a.waitFor(/Gatehouse worker: processing/, 60_000), b.waitFor(/Gatehouse worker: processing/, 60_000)]);

      const runId = await createSyncRun(db, orgId, { scope: "org", trigger: "manual", requestedBy: "scale@example.test" });
      const started = Date.now();
      await enqueue(own!.handle, "sync-org", { orgId, runId });

      const writesBy = async (app: string) =>
        Number((await rowsOf<{ n: number }>(db, sql`select count(*)::int as n from test_repo_write where org_id = ${orgId} and app = ${app} and committed is not null`))[0]!.n);
      const runNow = async () => (await db.select().from(syncRuns).where(eq(syncRuns.id, runId)))[0]!;
      // Killed in the middle of its work: past its first batch (25 repositories), in another one.
      for (;;) {
        const run = await runNow();
        if (run.status !== "queued" && run.status !== "running") throw new Error(`the sync ended before worker-a could be killed: ${run.status} ${run.message}\n${a.output()}\n${b.output()}`);
        if ((await writesBy("worker-a")) >= 30) break;
        if (Date.now() - started > 120_000) throw new Error(`worker-a wrote nothing within 2 minutes (is the sync shared?)\n${a.output()}\n${b.output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await a.kill("SIGKILL");
      const byAAtKill = await writesBy("worker-a");

      let run = await runNow();
      while (run.status === "queued" || run.status === "running") {
        if (Date.now() - started > 200_000) throw new Error(`the sync did not complete after worker-a was killed: ${run.reposDone}/${run.reposTotal}\n${b.output()}`);
        await new Promise((r) => setTimeout(r, 250));
        run = await runNow();
      }
      const seconds = (Date.now() - started) / 1000;

      // The run completed, counting each repository once.
      expect({ status: run.status, message: run.message }).toEqual({ status: "succeeded", message: `${REPOS} repositories synced.` });
      expect(run).toMatchObject({ reposTotal: REPOS, reposDone: REPOS, reposFailed: 0 });
      // Every repository synced by this run (or stale, with its reason).
      const repos = await db.select().from(repositories).where(eq(repositories.orgId, orgId));
      expect(repos).toHaveLength(REPOS);
      const unsynced = repos.filter((r) => !(r.staleReason === null ? r.syncedAt !== null && r.syncedAt >= run.startedAt : r.staleReason.length > 0));
      expect(unsynced.map((r) => r.name)).toEqual([]);
      // No partial snapshot.
      expect(await partialSnapshots(db, orgId)).toEqual([]);
      // No repository written by two transactions at once.
      const log = await rowsOf<{ github_id: string; app: string; wrote: Date; committed: Date }>(
        db,
        sql`select github_id, app, wrote, committed from test_repo_write where org_id = ${orgId} and committed is not null order by github_id, wrote`,
      );
      const overlaps: string[] = [];
      for (let i = 1; i < log.length; i++) {
        const [p, c] = [log[i - 1]!, log[i]!];
        if (p.github_id === c.github_id && new Date(c.wrote) < new Date(p.committed)) overlaps.push(`repository ${c.github_id}: ${p.app} and ${c.app}`);
      }
      expect(overlaps).toEqual([]);
      // Shared: both workers wrote repositories; the killed one did not write them all.
      const byB = await writesBy("worker-b");
      expect(byAAtKill).toBeGreaterThanOrEqual(30);
      expect(await writesBy("worker-a")).toBe(byAAtKill);
      expect(byB).toBeGreaterThanOrEqual(REPOS - byAAtKill);
      expect(byAAtKill).toBeLessThan(REPOS);
      const [twice] = await rowsOf<{ n: number }>(
        db,
        sql`select count(*)::int as n from (select github_id from test_repo_write where org_id = ${orgId} and committed is not null group by github_id having count(distinct app) > 1) t`,
      );
      // The figures README.md's worker sizing is derived from.
      process.stdout.write(
        `[scale-out] ${REPOS} repositories, 2 workers (one killed after ${byAAtKill} writes), ${seconds.toFixed(1)} s, ` +
          `${run.charged} requests charged (${(run.charged / REPOS).toFixed(2)}/repository), ${run.graphqlPoints} GraphQL points, ` +
          `worker-b wrote ${byB}, ${twice!.n} repositories written by both (one after the other)\n`,
      );
      expect(await db.select().from(repositories).where(and(eq(repositories.orgId, orgId), sql`${repositories.removedAt} is not null`))).toEqual([]);
    },
    300_000,
  );
});
