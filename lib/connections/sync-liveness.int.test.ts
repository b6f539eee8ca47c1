// A sync whose worker dies must not leave its run `running` forever: the run is failed with the
// reason (at start-up, by the scheduler's reaper, before Sync now) and a new sync can start; runs
// that are merely waiting (in the queue, for a rate limit) are left alone.
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { and, eq, inArray, sql } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import { createOwnDatabase } from "@/lib/testing/own-database";
import { startTsx, type TestProcess } from "@/lib/testing/processes";
import type { DatabaseHandle, Db } from "@/lib/db/types";
import { githubConnections, repositories, syncBatches, syncRuns } from "@/lib/db/schema";
import { emptyOrgFacts, type OrgFacts, type RepoSummary } from "@/lib/github/facts";
import { executeUseCase } from "@/lib/door/use-case";
import { appKeys, APP_ID, startSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import type { GithubSim } from "@/sim/github";
import { getQueue, stopQueue } from "@/lib/jobs/queue";
import { jobHandlers } from "@/lib/jobs/handlers";
import { createSyncRun } from "./connection-repo";
import { startSync } from "./connection-service";
import { reapDeadRuns } from "./sync-reaper";

let handle: DatabaseHandle;
let sim: GithubSim;
// The owner's URL: these tests create a database of their own.
const databaseUrl = inject("ownerDatabaseUrl");

beforeAll(async () => {
  handle = await openTestDatabase();
  sim = await startSim();
  useSimulatorApp(sim);
});
afterAll(async () => {
  await stopQueue();
  await sim.close();
  await handle.close();
});

/** An organisation connected to GitHub; a token connection unless an App installation is given. */
async function connectedOrg(db: Db, installation?: { id: number; login: string }): Promise<TestOrg> {
  const org = await createTestOrg(db);
  await db.insert(githubConnections).values(
    installation
      ? { orgId: org.id, kind: "app", baseUrl: sim.url, installationId: installation.id, accountLogin: installation.login }
      : { orgId: org.id, kind: "token", baseUrl: sim.url, installationId: null, accountLogin: org.slug },
  );
  return org;
}

const runOf = async (db: Db, runId: string) => (await db.select().from(syncRuns).where(eq(syncRuns.id, runId)))[0]!;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const repo = (id: number, org: string): RepoSummary => ({ githubId: id, name: `r${id}`, fullName: `${org}/r${id}`, visibility: "private", archived: false, fork: false, defaultBranch: "main", pushedAt: null });
const noOrgFacts = (login: string): OrgFacts => emptyOrgFacts(login, { canApprovePullRequestReviews: false });

/** A run some worker was syncing: `running`, with one batch of three repositories, the first written. */
async function abandonedRun(db: Db, org: TestOrg, worker: string, heartbeatAge: string | null) {
  const runId = await createSyncRun(db, org.id, { scope: "org", trigger: "manual", requestedBy: org.users.responder.email });
  await db
    .update(syncRuns)
    .set({ status: "running", reposTotal: 3, reposDone: 1, worker, heartbeatAt: heartbeatAge === null ? null : sql`now() - ${heartbeatAge}::interval` })
    .where(eq(syncRuns.id, runId));
  const repos = [repo(1, org.slug), repo(2, org.slug), repo(3, org.slug)];
  await db.insert(syncBatches).values({ orgId: org.id, runId, seq: 0, repos, filesFor: [], org: noOrgFacts(org.slug), status: "running", attempts: 1, worker, doneRepoIds: [1] });
  return { runId, repos };
}

const STOPPED = /^The worker running this sync stopped \(last heartbeat \d+ (s|min) ago\)\. Repositories it had not written keep their previous snapshot\..* Start a new sync\.$/;

describe("a sync whose worker died", () => {
  it.skipIf(!databaseUrl)(
    "killed with SIGKILL mid-sync, its run is failed by the next worker at start-up; Sync now then starts a sync that worker completes (PostgreSQL only: PGlite serves one process)",
    async () => {
      // Its own database: the worker process below takes every job and reaps every run it sees.
      const own = await createOwnDatabase(databaseUrl, "liveness");
      const shared = (globalThis as { __gatehouseDb?: Promise<DatabaseHandle> }).__gatehouseDb;
      (globalThis as { __gatehouseDb?: Promise<DatabaseHandle> }).__gatehouseDb = Promise.resolve(own.handle);
      const env = { DATABASE_URL: own.url, SYNC_INTERVAL_MINUTES: "0", GITHUB_API_URL: sim.url, GITHUB_APP_ID: String(APP_ID), GITHUB_APP_PRIVATE_KEY: appKeys().privateKey };
      let child: TestProcess | null = null;
      let worker: TestProcess | null = null;
      try {
        const db = own.handle.db;
        const acme = sim.core.installationForOrg("acme")!;
        const org = await connectedOrg(db, { id: acme.id, login: "acme" });
        const runId = await createSyncRun(db, org.id, { scope: "org", trigger: "startup", requestedBy: null });
        sim.setLatency(150);
        child = startTsx("lib/testing/sync-child.ts", [org.id, runId], env);
        await until("the sync to write a repository", async () => {
          const r = await runOf(db, runId);
          if (r.status !== "running" && r.status !== "queued") throw new Error(`the sync ended before it could be killed: ${r.status}`);
          return r.reposDone > 0;
        }, 60_000);
        await child.kill("SIGKILL");
        sim.setLatency(0);
        const left = await runOf(db, runId);
        expect(left.status).toBe("running");
        expect(left.reposDone).toBeLessThan(25);

        worker = startTsx("scripts/worker.ts", [], env);
        await worker.waitFor(new RegExp(`Marked sync run ${runId} failed`), 60_000);
        const failed = await runOf(db, runId);
        expect(failed).toMatchObject({ status: "failed" });
        expect(failed.message).toMatch(STOPPED);
        expect(failed.worker).toBe(`${hostname()}:${child.pid}`);
        // Every repository of acme is synced by the killed process, or stale with the reason.
        const repos = await db.select().from(repositories).where(eq(repositories.orgId, org.id));
        expect(repos).toHaveLength(25);
        const stale = repos.filter((r) => r.staleReason !== null);
        expect(stale.every((r) => r.staleReason === "The sync stopped before this repository was written (its worker stopped); the previous snapshot is kept.")).toBe(true);
        expect(repos.every((r) => r.staleReason !== null || (r.syncedAt !== null && r.syncedAt >= left.startedAt))).toBe(true);
        expect(stale.length).toBeGreaterThan(0);
        expect(stale.length).toBeLessThan(25);

        const res = await executeUseCase(own.handle, org.users.responder, startSync, { orgSlug: org.slug }, testMeta());
        if (!res.ok) throw new Error(res.error.message);
        const next = await until("the new sync to finish", async () => {
          const r = await runOf(db, res.data.runId);
          return r.status !== "queued" && r.status !== "running" ? r : null;
        }, 120_000);
        expect(next).toMatchObject({ status: "succeeded", reposTotal: 25, reposDone: 25, reposFailed: 0 });
        const after = await db.select().from(repositories).where(eq(repositories.orgId, org.id));
        expect(after.filter((r) => r.staleReason !== null)).toEqual([]);
      } finally {
        await child?.kill("SIGKILL");
        await worker?.kill("SIGTERM");
        sim.setLatency(0);
        await stopQueue();
        (globalThis as { __gatehouseDb?: Promise<DatabaseHandle> }).__gatehouseDb = shared;
        await own.drop();
      }
    },
    240_000,
  );

  it("Sync now fails a run whose process is gone from this host, marks its unwritten repositories stale, and starts a new sync", async () => {
    const org = await connectedOrg(handle.db);
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    const { runId, repos } = await abandonedRun(handle.db, org, `${hostname()}:${gone}`, "1 second");

    const res = await executeUseCase(handle, org.users.responder, startSync, { orgSlug: org.slug }, testMeta());
    if (!res.ok) throw new Error(res.error.message);
    expect(res.data.runId).not.toBe(runId);

    const old = await runOf(handle.db, runId);
    expect(old).toMatchObject({ status: "failed", reposDone: 1, reposFailed: 2 });
    expect(old.finishedAt).not.toBeNull();
    expect(old.message).toMatch(STOPPED);
    expect(old.worker).toBe(`${hostname()}:${gone}`);
    expect(old.message).not.toContain(hostname());
    expect(old.errors.at(-1)).toEqual({ repo: null, kind: "worker-lost", message: old.message });
    const stored = await handle.db.select().from(repositories).where(eq(repositories.orgId, org.id));
    expect(stored.map((r) => [r.githubId, r.staleReason]).sort()).toEqual(
      repos.slice(1).map((r) => [r.githubId, "The sync stopped before this repository was written (its worker stopped); the previous snapshot is kept."]),
    );
    expect(await handle.db.select().from(syncBatches).where(eq(syncBatches.runId, runId))).toEqual([]);
  });

  it("the scheduler's reaper fails a run whose heartbeat stopped and whose job pg-boss gave up on, saying so", async () => {
    const org = await connectedOrg(handle.db);
    const { runId } = await abandonedRun(handle.db, org, "worker-7.internal:4242", "10 minutes");
    const boss = await getQueue(handle);
    await boss.send("sync-org", { orgId: org.id, runId }, { id: runId, retryLimit: 0 });
    await boss.fail("sync-org", runId, { message: "connection terminated unexpectedly" });

    await jobHandlers(handle)["sync-reap"]({});

    const run = await runOf(handle.db, runId);
    expect(run.status).toBe("failed");
    expect(run.message).toMatch(STOPPED);
    expect(run.message).toContain("(last heartbeat 10 min ago)");
    expect(run.message).toContain("Its last attempt ended with: connection terminated unexpectedly.");
  });

  it("leaves live runs alone: one waiting in the queue, one its worker keeps stamping, one whose job a worker holds while it waits out a rate limit", async () => {
    const boss = await getQueue(handle);
    // Waiting in the queue for 10 minutes (every worker busy): its job is there.
    const queuedOrg = await connectedOrg(handle.db);
    const queued = await createSyncRun(handle.db, queuedOrg.id, { scope: "org", trigger: "schedule", requestedBy: null });
    await handle.db.update(syncRuns).set({ startedAt: sql`now() - interval '10 minutes'` }).where(eq(syncRuns.id, queued));
    await boss.send("sync-org", { orgId: queuedOrg.id, runId: queued }, { id: queued });
    // Stamped a second ago by a worker on another host.
    const stampedOrg = await connectedOrg(handle.db);
    const stamped = (await abandonedRun(handle.db, stampedOrg, "worker-2.internal:17", "1 second")).runId;
    // Unstamped for 10 minutes, but its job is held (active) by a worker waiting for GitHub's rate limit to reset.
    const waitingOrg = await connectedOrg(handle.db);
    const waiting = (await abandonedRun(handle.db, waitingOrg, "worker-3.internal:23", "10 minutes")).runId;
    await handle.db.update(syncRuns).set({ waitingUntil: sql`now() + interval '30 minutes'` }).where(eq(syncRuns.id, waiting));
    await boss.send("sync-batch", { orgId: waitingOrg.id, runId: waiting, batchId: crypto.randomUUID() }, { id: crypto.randomUUID() });
    await until("the batch job to be held", async () => (await boss.fetch("sync-batch", { batchSize: 100 })).some((j) => (j.data as { runId: string }).runId === waiting), 10_000);

    expect(await reapDeadRuns(handle)).toEqual([]);
    await jobHandlers(handle)["sync-reap"]({});
    const runs = await handle.db.select({ id: syncRuns.id, status: syncRuns.status }).from(syncRuns).where(inArray(syncRuns.id, [queued, stamped, waiting]));
    expect(Object.fromEntries(runs.map((r) => [r.id, r.status]))).toEqual({ [queued]: "queued", [stamped]: "running", [waiting]: "running" });

    const res = await executeUseCase(handle, queuedOrg.users.responder, startSync, { orgSlug: queuedOrg.slug }, testMeta());
    expect(res).toMatchObject({ ok: false, error: { code: "conflict", message: "A sync is already in progress; its progress is shown on this page." } });
    const still = await handle.db.select().from(syncRuns).where(and(eq(syncRuns.orgId, queuedOrg.id)));
    expect(still).toHaveLength(1);
  });
});
