// Inventory ids survive syncs: a workflow page, an export row, a blast-radius link or an
// incident's frozen scope keeps pointing at the same thing after the next push or hourly sync.
// Workflows are keyed by repository + path, jobs by workflow + job key, secrets by scope,
// environment and name, environments by repository + name; identities and systems are named
// by kind + identifier (their job_identity / job_system rows keep their ids too).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { uniqueSlug } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { rowsOf } from "@/lib/db/migrate";
import { organizations, repositories, syncRuns, workflows } from "@/lib/db/schema";
import { createOrgFetcher } from "@/lib/github/fetch";
import { appClient, startSim } from "@/lib/github/test-sim";
import type { GithubSim } from "@/sim/github";
import { dbEtagStore } from "@/lib/connections/etag-store";
import { createSyncRun } from "@/lib/connections/connection-repo";
import { runSync } from "./sync-service";
import { getGoneJob, getGoneTarget, getGoneWorkflow } from "./gone-repo";

let handle: DatabaseHandle;
let sim: GithubSim;
let orgId: string;
/** Each sync runs at its own fixed instant, an hour after the previous one. */
let clock = Date.parse("2031-03-01T09:00:00Z");

async function sync(opts: { repoIds?: number[]; forceFilesFor?: number[] } = {}) {
  const at = new Date((clock += 3_600_000));
  const runId = await createSyncRun(handle.db, orgId, { scope: opts.repoIds ? "repo" : "org", trigger: "manual", requestedBy: "test@example.test" });
  const fetcher = createOrgFetcher({ client: appClient(sim, "acme"), org: "acme", etags: dbEtagStore(handle.db, orgId) });
  await runSync(handle.db, fetcher, { orgId, runId, ...opts, now: () => at });
  const [run] = await handle.db.select().from(syncRuns).where(eq(syncRuns.id, runId));
  expect(run).toMatchObject({ status: "succeeded", reposFailed: 0 });
  return at;
}

/** Every id the inventory hands out, by natural key, with the row version (xmin) that shows whether the row was rewritten. */
async function snapshot() {
  const q = async (text: ReturnType<typeof sql>) => new Map(rowsOf<{ k: string; id: string; v: string }>(await handle.db.execute(text)).map((r) => [r.k, { id: r.id, v: r.v }]));
  return {
    workflows: await q(sql`select repo_id || '|' || path as k, id, xmin::text as v from workflow where org_id = ${orgId}`),
    jobs: await q(sql`select workflow_id || '|' || job_key as k, id, xmin::text as v from job where org_id = ${orgId}`),
    secrets: await q(sql`select scope || '|' || coalesce(repo_id::text, '') || '|' || coalesce(environment, '') || '|' || name as k, id, xmin::text as v from secret where org_id = ${orgId}`),
    environments: await q(sql`select repo_id || '|' || name as k, id, xmin::text as v from environment where org_id = ${orgId}`),
    identities: await q(sql`select j.id || '|' || ji.kind || '|' || coalesce(ji.identifier, '') || '|' || ji.line as k, ji.id, ji.xmin::text as v from job_identity ji join job j on j.id = ji.job_id where ji.org_id = ${orgId}`),
    systems: await q(sql`select j.id || '|' || s.kind || '|' || coalesce(s.identifier, '') as k, s.id, s.xmin::text as v from job_system s join job j on j.id = s.job_id where s.org_id = ${orgId}`),
    secretRefs: await q(sql`select js.job_id || '|' || js.secret_name || '|' || js.via || '|' || js.line as k, js.id, js.xmin::text as v from job_secret js where js.org_id = ${orgId}`),
    variables: await q(sql`select scope || '|' || coalesce(repo_id::text, '') || '|' || coalesce(environment, '') || '|' || name as k, id, xmin::text as v from variable where org_id = ${orgId}`),
    files: await q(sql`select repo_id || '|' || path as k, id, xmin::text as v from repo_file where org_id = ${orgId}`),
    findings: await q(sql`select fingerprint as k, id, '' as v from finding where org_id = ${orgId}`),
  };
}
type Snapshot = Awaited<ReturnType<typeof snapshot>>;
const ids = (m: Map<string, { id: string }>) => Object.fromEntries([...m].map(([k, v]) => [k, v.id]));
const versions = (m: Map<string, { v: string }>) => Object.fromEntries([...m].map(([k, v]) => [k, v.v]));

beforeAll(async () => {
  handle = await openTestDatabase();
  sim = await startSim();
  const [org] = await handle.db.insert(organizations).values({ slug: uniqueSlug("acme"), name: "acme" }).returning({ id: organizations.id });
  orgId = org!.id;
  await sync();
}, 120_000);
afterAll(async () => {
  await sim.close();
  await handle.close();
});

const repoNamed = async (name: string) => (await handle.db.select().from(repositories).where(and(eq(repositories.orgId, orgId), eq(repositories.name, name))))[0]!;
const workflowAt = async (repoId: string, path: string) => (await handle.db.select().from(workflows).where(and(eq(workflows.orgId, orgId), eq(workflows.repoId, repoId), eq(workflows.path, path))))[0];

describe("an unchanged re-sync", () => {
  let before: Snapshot;
  beforeAll(async () => {
    before = await snapshot();
  });

  it("keeps every id: workflows, jobs, secrets, environments, identities, systems, findings", async () => {
    expect(before.workflows.size).toBeGreaterThan(30);
    expect(before.jobs.size).toBeGreaterThan(before.workflows.size);
    for (const kind of ["secrets", "environments", "identities", "systems", "secretRefs", "variables", "files", "findings"] as const) expect(before[kind].size).toBeGreaterThan(0);
    await sync();
    const after = await snapshot();
    for (const kind of Object.keys(before) as (keyof Snapshot)[]) expect({ kind, ids: ids(after[kind]) }).toEqual({ kind, ids: ids(before[kind]) });
  });

  it("keeps every id when every file is fetched again (a push webhook) — and rewrites none of those rows", async () => {
    const start = await snapshot();
    const repos = await handle.db.select({ githubId: repositories.githubId }).from(repositories).where(eq(repositories.orgId, orgId));
    await sync({ forceFilesFor: repos.map((r) => r.githubId) });
    const after = await snapshot();
    for (const kind of Object.keys(start) as (keyof Snapshot)[]) {
      expect({ kind, ids: ids(after[kind]) }).toEqual({ kind, ids: ids(start[kind]) });
      // xmin moves when a row is rewritten: unchanged rows are left alone.
      if (kind !== "findings") expect({ kind, versions: versions(after[kind]) }).toEqual({ kind, versions: versions(start[kind]) });
    }
  });
});

const fileText = async (repoId: string, path: string) =>
  rowsOf<{ text: string }>(await handle.db.execute(sql`select text from repo_file where org_id = ${orgId} and repo_id = ${repoId} and path = ${path}`))[0]!.text;
const jobsOf = async (workflowId: string) =>
  new Map(rowsOf<{ job_key: string; id: string }>(await handle.db.execute(sql`select job_key, id from job where org_id = ${orgId} and workflow_id = ${workflowId}`)).map((r) => [r.job_key, r.id]));

describe("a changed repository", () => {
  it("an edited file keeps its workflow's id and the ids of its unchanged job keys; a removed job key answers that it is gone", async () => {
    const docs = await repoNamed("docs");
    const path = ".github/workflows/pages.yml";
    const wf = (await workflowAt(docs.id, path))!;
    const jobsBefore = await jobsOf(wf.id);
    expect([...jobsBefore.keys()].sort()).toEqual(["build", "deploy"]);
    const text = await fileText(docs.id, path);
    // build changes, deploy is removed, lint is added.
    const edited = text.replace("npm ci && npm run build", "npm ci && npm run build:docs").replace(/\n  deploy:\n[\s\S]*$/, "\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm run lint\n");
    expect(edited).not.toBe(text);
    await sim.setFile("acme", "docs", path, edited);
    const at = await sync({ repoIds: [docs.githubId], forceFilesFor: [docs.githubId] });

    const after = (await workflowAt(docs.id, path))!;
    expect(after.id).toBe(wf.id);
    const jobsAfter = await jobsOf(wf.id);
    expect([...jobsAfter.keys()].sort()).toEqual(["build", "lint"]);
    expect(jobsAfter.get("build")).toBe(jobsBefore.get("build"));
    expect(await getGoneJob(handle.db, orgId, jobsBefore.get("deploy")!)).toEqual({
      id: jobsBefore.get("deploy"),
      workflowId: wf.id,
      jobKey: "deploy",
      removedAt: at.toISOString(),
      lastSeenAt: docs.syncedAt!.toISOString(),
    });
    // A live job is not gone; another org sees nothing.
    expect(await getGoneJob(handle.db, orgId, jobsAfter.get("build")!)).toBeNull();
    const [other] = await handle.db.insert(organizations).values({ slug: uniqueSlug("other"), name: "other" }).returning({ id: organizations.id });
    expect(await getGoneJob(handle.db, other!.id, jobsBefore.get("deploy")!)).toBeNull();
  });

  it("a deleted file's old id answers: deleted from its repository at that sync, last seen at the one before", async () => {
    const web = await repoNamed("web");
    const path = ".github/workflows/preview.yml";
    const wf = (await workflowAt(web.id, path))!;
    const jobIds = [...(await jobsOf(wf.id)).values()];
    await sim.setFile("acme", "web", path, null);
    const at = await sync({ repoIds: [web.githubId], forceFilesFor: [web.githubId] });

    expect(await workflowAt(web.id, path)).toBeUndefined();
    expect(await getGoneWorkflow(handle.db, orgId, wf.id)).toEqual({
      id: wf.id,
      repository: "acme/web",
      path,
      name: wf.name,
      removedAt: at.toISOString(),
      lastSeenAt: web.syncedAt!.toISOString(),
      movedTo: null,
    });
    // Its jobs went with it, and say so; as blast-radius targets, both answer what they were.
    for (const id of jobIds) expect(await getGoneJob(handle.db, orgId, id)).toMatchObject({ id, workflowId: wf.id });
    expect(await getGoneTarget(handle.db, orgId, { type: "job", id: jobIds[0]! })).toMatchObject({ job: { id: jobIds[0] }, workflow: { id: wf.id, movedTo: null } });
    expect(await getGoneTarget(handle.db, orgId, { type: "workflow", id: wf.id })).toMatchObject({ job: null, workflow: { id: wf.id } });
    expect(await getGoneTarget(handle.db, orgId, { type: "workflow", id: "not-a-uuid" })).toBeNull();
    const [other] = await handle.db.insert(organizations).values({ slug: uniqueSlug("other"), name: "other" }).returning({ id: organizations.id });
    expect(await getGoneWorkflow(handle.db, other!.id, wf.id)).toBeNull();
  });

  it("a renamed file (same content, new path) answers: moved to the new path, with the new workflow's id", async () => {
    const api = await repoNamed("api");
    const from = ".github/workflows/deploy.yml";
    const to = ".github/workflows/release-api.yml";
    const wf = (await workflowAt(api.id, from))!;
    const text = await fileText(api.id, from);
    await sim.control.commitFiles("acme", "api", { [from]: null, [to]: text }, "Rename deploy workflow");
    const at = await sync({ repoIds: [api.githubId], forceFilesFor: [api.githubId] });

    const moved = (await workflowAt(api.id, to))!;
    expect(moved.id).not.toBe(wf.id);
    expect(await getGoneWorkflow(handle.db, orgId, wf.id)).toEqual({
      id: wf.id,
      repository: "acme/api",
      path: from,
      name: wf.name,
      removedAt: at.toISOString(),
      lastSeenAt: api.syncedAt!.toISOString(),
      movedTo: { id: moved.id, path: to, gone: false },
    });
  });

  it("a file back at its old path gets its old id back (and its job keys theirs)", async () => {
    const web = await repoNamed("web");
    const path = ".github/workflows/preview.yml";
    const gone = await rowsOf<{ id: string }>(await handle.db.execute(sql`select id from workflow_gone where org_id = ${orgId} and repo_id = ${web.id} and path = ${path}`));
    expect(gone).toHaveLength(1);
    const goneJobs = rowsOf<{ id: string; job_key: string }>(await handle.db.execute(sql`select id, job_key from job_gone where org_id = ${orgId} and workflow_id = ${gone[0]!.id}`));
    await sim.setFile("acme", "web", path, "name: Preview\non: pull_request\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo back\n");
    await sync({ repoIds: [web.githubId], forceFilesFor: [web.githubId] });
    const back = (await workflowAt(web.id, path))!;
    expect(back.id).toBe(gone[0]!.id);
    expect(await getGoneWorkflow(handle.db, orgId, back.id)).toBeNull();
    expect((await jobsOf(back.id)).get("build")).toBe(goneJobs.find((j) => j.job_key === "build")!.id);
  });

  it("a rotated repository secret keeps its id", async () => {
    const before = await snapshot();
    sim.setSecret({ org: "acme", repo: "api", name: "DATABASE_URL_PROD" });
    const api = await repoNamed("api");
    await sync({ repoIds: [api.githubId] });
    const after = await snapshot();
    expect(ids(after.secrets)).toEqual(ids(before.secrets));
    const key = [...after.secrets.keys()].find((k) => k.startsWith(`repo|${api.id}|`) && k.endsWith("|DATABASE_URL_PROD"))!;
    expect(after.secrets.get(key)!.v).not.toBe(before.secrets.get(key)!.v);
  });
});
