// Cloud trusts in the blast radius, on the demo org: acme synced from the GitHub simulator and
// an AWS export uploaded by an admin. A deploy workflow reaches the roles its jobs can assume,
// their account and permissions; a trust as a target lists exactly the jobs that can present
// a token it accepts; a trust source change invalidates cached blast radii; another org sees
// nothing.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import type { SessionUser } from "@/lib/authz/actor";
import { repositories, workflows } from "@/lib/db/schema";
import { executeUseCase } from "@/lib/door/use-case";
import { startSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import type { GithubSim } from "@/sim/github";
import { stopQueue } from "@/lib/jobs/queue";
import { connectedSimOrg, syncSimOrg } from "@/lib/testing/simulator-org";
import { createTrustSource, readTrustSource, removeTrustSource } from "@/lib/trust-sources/trust-sources-service";
import { listTrusts, trustDetail } from "@/lib/trust-sources/trust-sources-repo";
import { computeBlastRadius, type BlastRadius } from "./blast-radius";

process.env.AUTH_SECRET ??= "blast-radius-trust-test-auth-secret-0123456789";

const EXPORT = readFileSync(new URL("../trust-sources/testdata/acme-aws-authorization-details.json", import.meta.url), "utf8");
const ACCOUNT = "210987654321";
const ARN = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

let handle: DatabaseHandle;
let sim: GithubSim;
let org: { id: string; slug: string };
let admin: SessionUser;
let other: TestOrg;
let sourceId: string;
let deployWorkflowId: string;

async function upload(content = EXPORT) {
  const r = await executeUseCase(handle, admin, createTrustSource, { orgSlug: org.slug, name: `AWS ${crypto.randomUUID()}`, provider: "aws", kind: "upload", file: { name: "acme-aws.json", content } }, testMeta());
  if (!r.ok) throw new Error(r.error.message);
  return r.data.id;
}

beforeAll(async () => {
  handle = await openTestDatabase();
  sim = await startSim({ acme: { id: 870_001 } });
  useSimulatorApp(sim);
  const connected = await connectedSimOrg(handle, sim, "acme", "admin");
  org = { id: connected.id, slug: connected.slug };
  admin = connected.member;
  other = await createTestOrg(handle.db);
  await syncSimOrg(handle, org.id);
  const [wf] = await handle.db
    .select({ id: workflows.id })
    .from(workflows)
    .innerJoin(repositories, eq(repositories.id, workflows.repoId))
    .where(and(eq(workflows.orgId, org.id), eq(repositories.fullName, "acme/api"), eq(workflows.path, ".github/workflows/deploy.yml")));
  deployWorkflowId = wf!.id;
  sourceId = await upload();
}, 240_000);
afterAll(async () => {
  await stopQueue();
  await sim.close();
  await handle.close();
});

const trustNamed = (r: BlastRadius, name: string) => r.trusts.find((t) => t.name === name);

describe("a deploy workflow's blast radius reaches the cloud roles its jobs can assume", () => {
  it("the role trusted by environment: used by the job, its account and its permissions", async () => {
    const r = await computeBlastRadius(handle.db, org.id, { type: "workflow", id: deployWorkflowId });
    const role = trustNamed(r, "gh-api-deploy");
    expect(role).toMatchObject({ provider: "aws", resource: ARN("gh-api-deploy"), account: ACCOUNT, usingJobs: 1, overBroadJobs: 0, permissions: ["AmazonECS_FullAccess (AWS managed)"], permissionsNote: null });
    // The over-broad repo:acme/* role: the same job can assume it without naming it.
    expect(trustNamed(r, "gh-search-ecs-deploy")).toMatchObject({ usingJobs: 0, permissions: ["AmazonECS_FullAccess (AWS managed)", "AmazonEC2ContainerRegistryPowerUser (AWS managed)"] });
    expect(r.trustsTotal).toBe(r.trusts.length);
    // The graph's edges: the workflow → each role, labelled with how its jobs can assume it.
    const edge = (name: string) => r.trustEdges.find((e) => e.from === `workflow:${deployWorkflowId}` && e.to === `trust:${trustNamed(r, name)!.id}`)?.label;
    expect(edge("gh-api-deploy")).toMatch(role!.decision === "yes" ? /^can assume \(uses it\)$/ : /^may assume \(possibly\)$/);
    expect(edge("gh-search-ecs-deploy")).toMatch(trustNamed(r, "gh-search-ecs-deploy")!.decision === "yes" ? /over-broad/ : /possibly/);
  });

  it("an action used by deploy jobs reaches every role those jobs can assume, counted over all of them", async () => {
    const r = await computeBlastRadius(handle.db, org.id, { type: "action", id: "aws-actions/configure-aws-credentials" });
    const names = r.trusts.map((t) => t.name).sort();
    expect(names).toEqual(expect.arrayContaining(["gh-api-deploy", "gh-search-ecs-deploy"]));
    const search = trustNamed(r, "gh-search-ecs-deploy")!;
    const detail = (await trustDetail(handle.db, org.id, search.id))!;
    const jobIds = new Set(r.jobs.map((j) => j.id));
    expect(search.jobs).toBe(new Set(detail.matches.filter((m) => m.jobId && jobIds.has(m.jobId)).map((m) => m.jobId)).size);
  });
});

describe("a trust as the target", () => {
  it("lists exactly the jobs whose token it accepts, by id or by ARN", async () => {
    const trust = (await listTrusts(handle.db, org.id)).find((t) => t.name === "gh-search-ecs-deploy")!;
    const detail = (await trustDetail(handle.db, org.id, trust.id))!;
    const expected = [...new Set(detail.matches.map((m) => m.jobId!))].sort();
    expect(expected.length).toBeGreaterThan(1);
    const byId = await computeBlastRadius(handle.db, org.id, { type: "trust", id: trust.id });
    expect(byId.jobs.map((j) => j.id).sort()).toEqual(expected);
    expect(byId.jobsTotal).toBe(expected.length);
    const byArn = await computeBlastRadius(handle.db, org.id, { type: "trust", id: ARN("gh-search-ecs-deploy") });
    expect(byArn.jobs.map((j) => j.id).sort()).toEqual(expected);
    // It reaches itself: its account and permissions, with every one of its jobs.
    expect(trustNamed(byId, "gh-search-ecs-deploy")).toMatchObject({ id: trust.id, account: ACCOUNT, jobs: expected.length, usingJobs: 1 });
  });

  it("the environment-bound role is reached by api's production deploy job only", async () => {
    const r = await computeBlastRadius(handle.db, org.id, { type: "trust", id: ARN("gh-api-deploy") });
    expect(r.jobs.map((j) => `${j.repository}:${j.workflowPath}:${j.job}`)).toEqual(["acme/api:.github/workflows/deploy.yml:image"]);
    expect(r.jobs[0]).toMatchObject({ environment: "production", idToken: true });
  });

  it("an unknown trust reaches nothing", async () => {
    expect((await computeBlastRadius(handle.db, org.id, { type: "trust", id: ARN("no-such-role") })).jobsTotal).toBe(0);
    expect((await computeBlastRadius(handle.db, org.id, { type: "trust", id: crypto.randomUUID() })).jobsTotal).toBe(0);
  });
});

describe("cached blast radii follow the trust sources", () => {
  it("a removed source, a new upload and a re-read with other permissions each show at once", async () => {
    const target = { type: "workflow" as const, id: deployWorkflowId };
    expect((await computeBlastRadius(handle.db, org.id, target)).trusts.length).toBeGreaterThan(0);
    const removed = await executeUseCase(handle, admin, removeTrustSource, { orgSlug: org.slug, sourceId }, testMeta());
    expect(removed.ok).toBe(true);
    expect(await computeBlastRadius(handle.db, org.id, target)).toMatchObject({ trusts: [], trustsTotal: 0, trustEdges: [] });

    sourceId = await upload();
    expect(trustNamed(await computeBlastRadius(handle.db, org.id, target), "gh-api-deploy")?.permissions).toEqual(["AmazonECS_FullAccess (AWS managed)"]);

    const changed = EXPORT.replace('"PolicyName": "AmazonECS_FullAccess",\n          "PolicyArn": "arn:aws:iam::aws:policy/AmazonECS_FullAccess"', '"PolicyName": "ReadOnlyAccess",\n          "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"');
    expect(changed).not.toBe(EXPORT);
    const read = await executeUseCase(handle, admin, readTrustSource, { orgSlug: org.slug, sourceId, file: { name: "acme-aws.json", content: changed } }, testMeta());
    expect(read.ok).toBe(true);
    expect(trustNamed(await computeBlastRadius(handle.db, org.id, target), "gh-api-deploy")?.permissions).toEqual(["ReadOnlyAccess (AWS managed)"]);
  }, 120_000);
});

describe("tenancy", () => {
  it("another org reaches none of acme's trusts, by id or by ARN", async () => {
    const trust = (await listTrusts(handle.db, org.id)).find((t) => t.name === "gh-api-deploy")!;
    expect((await computeBlastRadius(handle.db, other.id, { type: "trust", id: trust.id })).jobsTotal).toBe(0);
    expect((await computeBlastRadius(handle.db, other.id, { type: "trust", id: ARN("gh-api-deploy") })).jobsTotal).toBe(0);
    expect((await computeBlastRadius(handle.db, other.id, { type: "workflow", id: deployWorkflowId })).trusts).toEqual([]);
  });
});
