// The evaluation against a real database: acme's demo repositories seeded as the sync writes
// them, a Buildkite organization and a cluster read by the real readers from the simulators,
// findings written to pipeline_source; then the workflow page's live facts from the same rows.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, type TestOrg } from "@/lib/testing/fixtures";
import { seedOrgFacts, seedRepo } from "@/lib/testing/inventory";
import type { DatabaseHandle } from "@/lib/db/types";
import { findingEvents, findings, pipelineSources, repositories, trusts, trustSources, workflows } from "@/lib/db/schema";
import { PIPELINE_SOURCE_RULE_IDS } from "./rules";
import type { PipelineSourceFinding, PipelineSourceSnapshot } from "@/lib/db/schema/pipeline-sources";
import type { Actor } from "@/lib/authz/actor";
import { readBuildkiteOrg } from "@/lib/buildkite/read";
import { readCluster } from "@/lib/kubernetes/read";
import { startBuildkiteSim } from "@/sim/buildkite";
import { buildkiteAcme, buildkiteAcmeTokens } from "@/sim/fixtures/buildkite-acme";
import { K8S_ACME_TOKENS, k8sAcme, k8sAcmeTokens } from "@/sim/fixtures/k8s-acme";
import { startKubernetesSim } from "@/sim/kubernetes";
import { evaluatePipelineSources } from "./evaluate";
import { getWorkflowLiveFacts } from "./live-facts-service";
import { setSourceFindings, sourcesWithSnapshots } from "./pipeline-join-repo";

const REPOS = join(process.cwd(), "sim/fixtures/acme/repos");
const walk = (dir: string, base = ""): string[] =>
  readdirSync(join(dir, base)).flatMap((n) => (statSync(join(dir, base, n)).isDirectory() ? walk(dir, join(base, n)) : [join(base, n)]));
const filesOf = (name: string) => Object.fromEntries(walk(join(REPOS, name)).map((p) => [p, readFileSync(join(REPOS, name, p), "utf8")]));

let handle: DatabaseHandle;
let org: TestOrg;
let other: TestOrg;
const snapshots: Record<"buildkite" | "kubernetes", PipelineSourceSnapshot | null> = { buildkite: null, kubernetes: null };

const brief = (f: PipelineSourceFinding) => [f.rule, f.severity, f.resource, f.workflowPath, f.jobKey];
const actorOf = (o: TestOrg, role: "viewer" | "admin" = "viewer"): Actor => ({ user: o.users[role], orgId: o.id, orgSlug: o.slug, orgName: o.slug, role });
const findingsOf = async (orgId: string, name: string) => (await handle.db.select().from(pipelineSources).where(and(eq(pipelineSources.orgId, orgId), eq(pipelineSources.name, name))))[0]!.findings;
const workflowId = async (orgId: string, repo: string, path: string) =>
  (await handle.db.select({ id: workflows.id }).from(workflows).innerJoin(repositories, eq(repositories.id, workflows.repoId)).where(and(eq(workflows.orgId, orgId), eq(repositories.fullName, repo), eq(workflows.path, path))))[0]!.id;

async function addSource(orgId: string, kind: "buildkite" | "kubernetes", name: string) {
  const at = new Date("2026-08-21T10:06:00.000Z");
  await handle.db.insert(pipelineSources).values({ orgId, kind, name, createdBy: "admin@example.test", status: "ok", snapshot: snapshots[kind], lastReadAt: at, lastGoodReadAt: at });
}

beforeAll(async () => {
  handle = await openTestDatabase();
  const bk = await startBuildkiteSim({ fixture: buildkiteAcme, tokens: buildkiteAcmeTokens });
  const kube = await startKubernetesSim({ fixture: k8sAcme(), tokens: k8sAcmeTokens() });
  try {
    snapshots.buildkite = { kind: "buildkite", read: await readBuildkiteOrg({ apiUrl: bk.url, orgSlug: "acme", token: "bkua_acme_reader" }) };
    snapshots.kubernetes = { kind: "kubernetes", read: await readCluster({ server: kube.url, token: K8S_ACME_TOKENS.reader.token, skipTLSVerify: true }) };
  } finally {
    await bk.close();
    await kube.close();
  }
  // Repositories are named acme/<name> (the slug passed as the GitHub login), as the demo's are.
  for (const o of [(org = await createTestOrg(handle.db)), (other = await createTestOrg(handle.db))]) {
    const as = { id: o.id, slug: "acme" };
    await seedOrgFacts(handle.db, as);
    for (const [i, name] of ["payments-service", "mobile-app", "k8s-platform"].entries()) await seedRepo(handle.db, as, { githubId: 893_100 + i, name, files: filesOf(name) });
  }
  await addSource(org.id, "buildkite", "acme buildkite");
  await addSource(org.id, "kubernetes", "acme-prod");
}, 60_000);
afterAll(async () => handle.close());

describe("evaluatePipelineSources", () => {
  it("writes each source's findings, joined to acme's repositories", async () => {
    expect(await evaluatePipelineSources(handle.db, org.id)).toEqual({ findings: 11, opened: 10, fixed: 0 });
    const bk = await findingsOf(org.id, "acme buildkite");
    expect(bk.filter((f) => f.repo === "acme/payments-service").map(brief)).toEqual([
      ["buildkite-fork-builds-deploy-queue", "critical", "pipeline payments", ".buildkite/pipeline.yml", "image"],
      ["buildkite-fork-builds-deploy-queue", "critical", "pipeline payments", ".buildkite/pipeline.yml", "deploy"],
      ["buildkite-fork-builds-deploy-queue", "critical", "pipeline payments-deploy", null, "deploy"],
      ["buildkite-fork-builds-secrets", "high", "pipeline payments", null, null],
      ["buildkite-stored-steps-upload-from-fork", "critical", "pipeline payments", ".buildkite/pipeline.yml", ":pipeline: Upload"],
    ]);
    expect(bk.filter((f) => f.repo !== "acme/payments-service").map((f) => [f.rule, f.repo])).toEqual([["buildkite-agent-token-unrestricted", null]]);
    const sa = "ServiceAccount acme-ci/pipeline-deployer";
    expect((await findingsOf(org.id, "acme-prod")).map((f) => [f.repo, ...brief(f)])).toEqual([
      ["acme/k8s-platform", "tekton-sa-cluster-admin", "critical", sa, ".tekton/pull-request.yaml", null],
      ["acme/k8s-platform", "tekton-pr-run-deploy-identity", "high", sa, ".tekton/pull-request.yaml", null],
      ["acme/k8s-platform", "tekton-sa-long-lived-token", "medium", sa, ".tekton/pull-request.yaml", null],
      ["acme/k8s-platform", "tekton-sa-cluster-admin", "critical", sa, ".tekton/push.yaml", null],
      ["acme/k8s-platform", "tekton-sa-long-lived-token", "medium", sa, ".tekton/push.yaml", null],
    ]);
  });

  it("touches no other organisation, and an org without sources has nothing to evaluate", async () => {
    expect(await evaluatePipelineSources(handle.db, other.id)).toEqual({ findings: 0, opened: 0, fixed: 0 });
    expect(await handle.db.select().from(pipelineSources).where(eq(pipelineSources.orgId, other.id))).toEqual([]);
  });

  it("does not overwrite the findings of a newer read", async () => {
    const [source] = await sourcesWithSnapshots(handle.db, org.id);
    expect(await setSourceFindings(handle.db, org.id, source!.id, "2020-01-01 00:00:00+00", [])).toBe(false);
    expect(await setSourceFindings(handle.db, other.id, source!.id, source!.readStamp, [])).toBe(false);
    expect((await findingsOf(org.id, source!.name)).length).toBeGreaterThan(0);
  });
});

describe("the findings that name a repository are its finding rows", () => {
  const open = async (orgId: string) =>
    (await handle.db.select().from(findings).where(and(eq(findings.orgId, orgId), isNull(findings.fixedAt), inArray(findings.rule, [...PIPELINE_SOURCE_RULE_IDS])))).map((f) => `${f.path} ${f.rule} ${f.jobKey ?? "-"}`).sort();

  it("opens one row per finding of a repository, the pipeline's own under buildkite:SLUG, with an opened event each", async () => {
    expect(await open(org.id)).toEqual([
      ".buildkite/pipeline.yml buildkite-fork-builds-deploy-queue deploy",
      ".buildkite/pipeline.yml buildkite-fork-builds-deploy-queue image",
      ".buildkite/pipeline.yml buildkite-stored-steps-upload-from-fork :pipeline: Upload",
      ".tekton/pull-request.yaml tekton-pr-run-deploy-identity -",
      ".tekton/pull-request.yaml tekton-sa-cluster-admin -",
      ".tekton/pull-request.yaml tekton-sa-long-lived-token -",
      ".tekton/push.yaml tekton-sa-cluster-admin -",
      ".tekton/push.yaml tekton-sa-long-lived-token -",
      "buildkite:payments buildkite-fork-builds-secrets -",
      "buildkite:payments-deploy buildkite-fork-builds-deploy-queue deploy",
    ]);
    const events = await handle.db.select({ type: findingEvents.type, data: findingEvents.data }).from(findingEvents).where(eq(findingEvents.orgId, org.id));
    expect(events.filter((e) => e.type === "opened" && PIPELINE_SOURCE_RULE_IDS.includes(e.data.rule)).length).toBe(10);
    // The workflow link and owner the review shows come with the row.
    const [row] = await handle.db.select().from(findings).where(and(eq(findings.orgId, org.id), eq(findings.rule, "tekton-sa-cluster-admin"), eq(findings.path, ".tekton/push.yaml")));
    expect(row?.workflowId).toBe(await workflowId(org.id, "acme/k8s-platform", ".tekton/push.yaml"));
    expect(await open(other.id)).toEqual([]);
  });

  it("a repository's own snapshot leaves them open; an unchanged evaluation records nothing", async () => {
    const before = await open(org.id);
    await seedRepo(handle.db, { id: org.id, slug: "acme" }, { githubId: 893_102, name: "k8s-platform", files: filesOf("k8s-platform") });
    expect(await open(org.id)).toEqual(before);
    expect(await evaluatePipelineSources(handle.db, org.id)).toMatchObject({ opened: 0, fixed: 0 });
  });

  it("without the source, what only it showed is fixed, with a fixed event", async () => {
    const cluster = (await handle.db.select().from(pipelineSources).where(and(eq(pipelineSources.orgId, org.id), eq(pipelineSources.name, "acme-prod"))))[0]!;
    await handle.db.delete(pipelineSources).where(eq(pipelineSources.id, cluster.id));
    expect(await evaluatePipelineSources(handle.db, org.id)).toMatchObject({ opened: 0, fixed: 5 });
    expect((await open(org.id)).filter((f) => f.startsWith(".tekton/"))).toEqual([]);
    const fixed = await handle.db.select().from(findingEvents).where(and(eq(findingEvents.orgId, org.id), eq(findingEvents.type, "fixed")));
    expect(fixed.map((e) => e.data.rule).sort()).toEqual(["tekton-pr-run-deploy-identity", "tekton-sa-cluster-admin", "tekton-sa-cluster-admin", "tekton-sa-long-lived-token", "tekton-sa-long-lived-token"]);
    // Put back for the page's tests below (read again: a new read time).
    await handle.db.insert(pipelineSources).values({ ...cluster, id: undefined as never });
    expect(await evaluatePipelineSources(handle.db, org.id)).toMatchObject({ opened: 5, fixed: 0 });
  });
});

describe("getWorkflowLiveFacts", () => {
  it("shows a Buildkite file the pipelines that build it, their queues and owners, and their findings", async () => {
    const facts = await getWorkflowLiveFacts(handle.db, actorOf(org), await workflowId(org.id, "acme/payments-service", ".buildkite/pipeline.yml"));
    expect(facts?.tekton).toEqual([]);
    expect(facts?.buildkite).toEqual([
      expect.objectContaining({
        source: "acme buildkite",
        slug: "payments",
        buildsPullRequests: true,
        buildsForks: true,
        branchFilter: null,
        cluster: "Shared CI",
        queues: [
          { key: "deploy", paused: false, agents: 1 },
          { key: "default", paused: false, agents: 2 },
        ],
        owners: [
          { slug: "everyone", name: "Everyone", accessLevel: "build_and_read" },
          { slug: "payments", name: "Payments", accessLevel: "manage_build_and_read" },
        ],
      }),
    ]);
    // The pipeline's settings findings; the file's own are its finding rows (the page's Open findings), payments-deploy's are its own.
    expect(facts?.findings.map((f) => [f.rule, f.jobKey])).toEqual([["buildkite-fork-builds-secrets", null]]);
    expect(facts?.readAt).toBe("2026-08-21T10:06:00.000Z");
  });

  it("shows a Tekton file its namespace, Repository and service accounts, joined to the cloud trust of the EKS role", async () => {
    const [src] = await handle.db.insert(trustSources).values({ orgId: org.id, provider: "aws", name: "aws prod", kind: "upload", createdBy: "admin@example.test" }).returning({ id: trustSources.id });
    const [trust] = await handle.db
      .insert(trusts)
      .values({ orgId: org.id, sourceId: src!.id, provider: "aws", externalId: "arn:aws:iam::210987654321:role/gh-api-deploy", name: "gh-api-deploy", document: {} as never, readAt: new Date() })
      .returning({ id: trusts.id });
    const facts = await getWorkflowLiveFacts(handle.db, actorOf(org), await workflowId(org.id, "acme/k8s-platform", ".tekton/pull-request.yaml"));
    expect(facts?.tekton).toEqual([
      {
        source: "acme-prod",
        namespace: "acme-ci",
        repository: "acme-platform",
        url: "https://github.com/acme/k8s-platform",
        serviceAccounts: [
          {
            namespace: "acme-ci",
            name: "pipeline-deployer",
            found: true,
            jobKeys: ["fetch-repository", "validate", "diff-against-cluster"],
            grants: ["ClusterRole/cluster-admin through ClusterRoleBinding/pipeline-deployer-admin (cluster-wide)", "ClusterRole/view through RoleBinding/acme-ci/ci-viewers (in acme-ci)"],
            flags: expect.arrayContaining(["cluster-admin"]),
            workloadIdentities: [{ provider: "aws", id: "arn:aws:iam::210987654321:role/gh-api-deploy", trust: { id: trust!.id, name: "gh-api-deploy" } }],
            longLivedTokens: ["pipeline-deployer-ci-token", "pipeline-deployer-token"],
          },
        ],
      },
    ]);
    expect(facts?.findings).toEqual([]);
  });

  it("is null for a GitHub workflow, for another organisation's workflow, and without a source of the system", async () => {
    expect(await getWorkflowLiveFacts(handle.db, actorOf(org), await workflowId(org.id, "acme/payments-service", ".github/workflows/deploy.yml"))).toBeNull();
    const file = await workflowId(org.id, "acme/payments-service", ".buildkite/pipeline.yml");
    expect(await getWorkflowLiveFacts(handle.db, actorOf(other, "admin"), file)).toBeNull();
    expect(await getWorkflowLiveFacts(handle.db, actorOf(other), await workflowId(other.id, "acme/payments-service", ".buildkite/pipeline.yml"))).toBeNull();
  });
});
