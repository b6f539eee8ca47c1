// The blast radius over a synthetic org larger than its shown lists: what a target reaches
// is aggregated over every job (not the first ones shown), bounded lists carry exact
// totals, and another organisation's rows never count.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { uniqueSlug } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { organizations, repositories, syncRuns, workflows } from "@/lib/db/schema";
import { analyzeFiles, createAnalysisCache } from "@/lib/analysis";
import type { OrgFacts, RepoFacts } from "@/lib/github/facts";
import { writeOrgFacts } from "./org-writer";
import { writeRepoSnapshot } from "./snapshot-writer";
import { BLAST_LIMITS, computeBlastRadius } from "./blast-radius";
import { deleteOverride, repoOverrideKey, upsertOverride } from "./owners-repo";

const AT = "2025-01-02T03:04:05.000Z";
const BUILDERS = 60;

// Each builder job writes code to its repository (contents: write) and reads its own REPO_KEY.
const BUILD = `name: CI
on: push
permissions:
  contents: write
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make
        env:
          KEY: \${{ secrets.REPO_KEY }}
          SHARED: \${{ secrets.SHARED_TOKEN }}
`;

// The one job that publishes to npm: in the repository sorted last, so never among the jobs shown.
const PUBLISH = `name: Release
on:
  push:
    tags: ["v*"]
permissions:
  contents: read
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
          registry-url: https://registry.npmjs.org
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
          SHARED: \${{ secrets.SHARED_TOKEN }}
`;

// The release workflow without setup-node (the cache test's changed snapshot).
const RELEASE_WITHOUT_NODE = PUBLISH.replace(/      - uses: actions\/setup-node@v4\n        with:\n          node-version: 22\n          registry-url: https:\/\/registry.npmjs.org\n/, "");

function orgFacts(login: string): OrgFacts {
  return {
    login,
    name: login,
    defaultWorkflowPermissions: "read",
    canApprovePullRequestReviews: false,
    oidcSubTemplate: null,
    secrets: [{ name: "SHARED_TOKEN", createdAt: AT, updatedAt: AT, visibility: "all", selectedRepositoryIds: null }],
    variables: [],
    runnerGroups: [],
    runners: [],
    teams: [],
    customProperties: {},
    unavailable: [],
  };
}

function repoFacts(login: string, githubId: number, name: string, files: Record<string, string>, secretNames: string[]): RepoFacts {
  const list = Object.entries(files).map(([path, text], i) => ({ path, oid: `${githubId}-${i}-${text.length}`, text }));
  return {
    repo: { githubId, name, fullName: `${login}/${name}`, visibility: "private", archived: false, fork: false, defaultBranch: "main", pushedAt: AT },
    files: list,
    filesFetched: true,
    workflows: list.filter((f) => f.path.startsWith(".github/workflows/")).map((f, i) => ({ id: githubId * 16 + i, name: f.path, path: f.path, state: "active" })),
    environments: [],
    secrets: secretNames.map((n) => ({ name: n, createdAt: AT, updatedAt: AT })),
    variables: [],
    defaultWorkflowPermissions: "read",
    oidcSubTemplate: null,
    deployKeys: [],
    runners: [],
  };
}

async function writeOrg(db: DatabaseHandle["db"], login: string, repos: RepoFacts[]): Promise<string> {
  const [org] = await db.insert(organizations).values({ slug: uniqueSlug(login), name: login }).returning({ id: organizations.id });
  const facts = orgFacts(login);
  await writeOrgFacts(db, org!.id, facts);
  const cache = createAnalysisCache(16);
  for (const rf of repos) {
    const sources = rf.files.filter((f) => f.path.startsWith(".github/workflows/")).map((f) => ({ path: f.path, content: f.text! }));
    await writeRepoSnapshot(db, org!.id, facts, { facts: rf, filesFetched: true, analysis: analyzeFiles(sources, undefined, { cache }) }, new Date(AT));
  }
  return org!.id;
}

let handle: DatabaseHandle;
let orgId: string;
let otherOrgId: string;

beforeAll(async () => {
  handle = await openTestDatabase();
  const repos = Array.from({ length: BUILDERS }, (_, i) => repoFacts("synth", 1000 + i, `builder-${String(i).padStart(2, "0")}`, { ".github/workflows/ci.yml": BUILD }, ["REPO_KEY"]));
  repos.push(repoFacts("synth", 2000, "zz-release", { ".github/workflows/release.yml": PUBLISH, ".github/CODEOWNERS": "* @synth/release-team\n" }, ["NPM_TOKEN"]));
  orgId = await writeOrg(handle.db, "synth", repos);
  // Another organisation with the same action and secret names: none of it may count for synth.
  otherOrgId = await writeOrg(handle.db, "other", [repoFacts("other", 3000, "release", { ".github/workflows/release.yml": PUBLISH }, ["NPM_TOKEN"])]);
}, 120_000);
afterAll(async () => {
  await handle.close();
});

describe("blast radius beyond the shown jobs", () => {
  it("reaches a system only a job past the shown ones reaches, with an exact job total", async () => {
    const r = await computeBlastRadius(handle.db, orgId, { type: "action", id: "actions/checkout" });
    expect(r.jobsTotal).toBe(BUILDERS + 1);
    expect(r.jobs).toHaveLength(BLAST_LIMITS.jobs);
    // The shown jobs come in repository, workflow, job order: the publisher is not among them…
    expect(r.jobs.map((j) => j.repository)).toEqual(Array.from({ length: BLAST_LIMITS.jobs }, (_, i) => `synth/builder-${String(i).padStart(2, "0")}`));
    expect(r.jobs.some((j) => j.repository === "synth/zz-release")).toBe(false);
    // …yet what it reaches is there.
    expect(r.systems.find((s) => s.kind === "npm")).toMatchObject({ capability: "publish", jobs: 1 });
    const shared = r.credentials.find((c) => c.label === "SHARED_TOKEN");
    expect(shared).toMatchObject({ kind: "secret", jobs: BUILDERS + 1, updatedAt: AT, ownersTotal: 2 });
    expect(shared!.owners).toEqual(["@synth/release-team", "organisation admins"]);
    // NPM_TOKEN (one job) is past the listed credentials, but its owner still has it to rotate.
    expect(r.rotation.find((o) => o.owner === "@synth/release-team")?.credentials).toEqual(["NPM_TOKEN", "SHARED_TOKEN"]);
  });

  it("bounds the lists and says how many there are in all", async () => {
    const r = await computeBlastRadius(handle.db, orgId, { type: "secret", id: "shared_token" });
    expect(r.jobsTotal).toBe(BUILDERS + 1);
    // SHARED_TOKEN, one REPO_KEY and one GITHUB_TOKEN (contents: write) per builder repository, NPM_TOKEN.
    expect(r.credentialsTotal).toBe(1 + BUILDERS + BUILDERS + 1);
    expect(r.credentials).toHaveLength(BLAST_LIMITS.credentials);
    expect(r.credentials[0]!.label).toBe("SHARED_TOKEN");
    expect(r.credentials.filter((c) => c.kind === "github-token").every((c) => c.detail === "write: contents" && c.owners.length === 0)).toBe(true);
    // Write code on each builder repository, and npm: the strongest capability is listed first.
    expect(r.systemsTotal).toBe(BUILDERS + 1);
    expect(r.systems).toHaveLength(BLAST_LIMITS.systems);
    expect(r.systems[0]).toMatchObject({ kind: "npm", capability: "publish", via: ["NPM_TOKEN", "SHARED_TOKEN"], viaTotal: 2 });
    expect(r.systems.slice(1).every((s) => s.kind === "github" && s.capability === "write code" && s.via[0] === `GITHUB_TOKEN of ${s.id}`)).toBe(true);
    // Owners: the release team, the organisation admins (SHARED_TOKEN) and nobody for the REPO_KEYs.
    expect(r.rotationTotal).toBe(3);
    expect(r.rotation.find((o) => o.owner === "unowned")).toEqual({ owner: "unowned", credentials: ["REPO_KEY"], credentialsTotal: 1 });
    // The graph's edges join only what it draws: listed workflows, the first credentials and systems.
    const drawn = new Set([...r.jobs.map((j) => `workflow:${j.workflowId}`), ...r.credentials.slice(0, BLAST_LIMITS.graph).map((c) => c.key), ...r.systems.slice(0, BLAST_LIMITS.graph).map((s) => s.key)]);
    expect(r.edges.length).toBeGreaterThan(0);
    expect(r.edges.every((e) => drawn.has(e.from) && drawn.has(e.to))).toBe(true);
  });

  it("of an exact reference and of one job", async () => {
    const exact = await computeBlastRadius(handle.db, orgId, { type: "action", id: "actions/setup-node@v4" });
    expect(exact.jobsTotal).toBe(1);
    expect(exact.jobs[0]).toMatchObject({ repository: "synth/zz-release", job: "publish", tokenWrites: [] });
    expect((await computeBlastRadius(handle.db, orgId, { type: "action", id: "actions/setup-node@v3" })).jobsTotal).toBe(0);
    const one = await computeBlastRadius(handle.db, orgId, { type: "job", id: exact.jobs[0]!.id });
    expect(one.jobsTotal).toBe(1);
    expect(one.systems.map((s) => s.kind)).toEqual(["npm"]);
  });

  it("never counts another organisation's rows, and is empty for its targets", async () => {
    const other = await computeBlastRadius(handle.db, otherOrgId, { type: "secret", id: "SHARED_TOKEN" });
    expect(other.jobsTotal).toBe(1);
    expect(other.credentials.map((c) => c.label).sort()).toEqual(["NPM_TOKEN", "SHARED_TOKEN"]);
    const [wf] = await handle.db.select({ id: workflows.id }).from(workflows).where(and(eq(workflows.orgId, otherOrgId)));
    expect(await computeBlastRadius(handle.db, orgId, { type: "workflow", id: wf!.id })).toMatchObject({ jobs: [], jobsTotal: 0, credentials: [], systems: [], edges: [] });
    expect((await computeBlastRadius(handle.db, orgId, { type: "workflow", id: "not-a-uuid" })).jobsTotal).toBe(0);
    expect((await computeBlastRadius(handle.db, orgId, { type: "secret", id: "NO_SUCH_SECRET" })).jobsTotal).toBe(0);
  });
});

describe("blast radius cache", () => {
  it("follows owner overrides and sync runs", async () => {
    const target = { type: "action", id: "actions/setup-node" } as const;
    const before = await computeBlastRadius(handle.db, orgId, target);
    expect(before.credentials.find((c) => c.label === "NPM_TOKEN")?.owners).toEqual(["@synth/release-team"]);
    // The same answer again (served from the cache)…
    expect(await computeBlastRadius(handle.db, orgId, target)).toEqual(before);
    // …until a responder sets the repository's owner by hand.
    const [repo] = await handle.db.select({ githubId: repositories.githubId }).from(repositories).where(and(eq(repositories.orgId, orgId), eq(repositories.name, "zz-release")));
    const key = repoOverrideKey(repo!.githubId);
    await upsertOverride(handle.db, orgId, "repository", key, "@synth/payments", "admin@example.test", new Date());
    expect((await computeBlastRadius(handle.db, orgId, target)).credentials.find((c) => c.label === "NPM_TOKEN")?.owners).toEqual(["@synth/payments"]);
    await deleteOverride(handle.db, orgId, "repository", key);
    expect((await computeBlastRadius(handle.db, orgId, target)).credentials.find((c) => c.label === "NPM_TOKEN")?.owners).toEqual(["@synth/release-team"]);

    // A sync run that writes moves the version: the new snapshot is what the next read sees.
    const [run] = await handle.db.insert(syncRuns).values({ orgId, scope: "repo", trigger: "webhook", status: "running" }).returning({ id: syncRuns.id });
    const release = `${RELEASE_WITHOUT_NODE}`;
    const rf = repoFacts("synth", 2000, "zz-release", { ".github/workflows/release.yml": release, ".github/CODEOWNERS": "* @synth/release-team\n" }, ["NPM_TOKEN"]);
    await writeRepoSnapshot(handle.db, orgId, orgFacts("synth"), { facts: rf, filesFetched: true, analysis: analyzeFiles([{ path: ".github/workflows/release.yml", content: release }]) }, new Date(AT));
    await handle.db.update(syncRuns).set({ reposDone: 1, status: "succeeded" }).where(eq(syncRuns.id, run!.id));
    expect((await computeBlastRadius(handle.db, orgId, target)).jobsTotal).toBe(0);
  });
});
