import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startBuildkiteSim, type BuildkiteSim } from "@/sim/buildkite";
import { BK_MOBILE_CLUSTER, BK_SHARED_CLUSTER, buildkiteAcme, buildkiteAcmeTokens } from "@/sim/fixtures/buildkite-acme";
import type { BuildkiteConnection } from "./connection";
import { readBuildkiteOrg } from "./read";

let sim: BuildkiteSim;
beforeEach(async () => {
  sim = await startBuildkiteSim({
    fixture: buildkiteAcme,
    tokens: { ...buildkiteAcmeTokens, bkua_minimal: { id: "minimal", scopes: ["read_organizations", "read_pipelines", "read_clusters", "read_agents"] } },
  });
});
afterEach(async () => sim.close());

const conn = (token = "bkua_acme_reader", orgSlug = "acme"): BuildkiteConnection => ({ apiUrl: sim.url, orgSlug, token });

describe("readBuildkiteOrg", () => {
  it("reads acme's pipelines: repository, default branch, fork pull requests, stored steps, cluster and owners", async () => {
    const read = await readBuildkiteOrg(conn());
    expect(read.warnings).toEqual([]);
    expect(read.organization).toEqual({ id: buildkiteAcme.organization.id, slug: "acme", name: "Acme", webUrl: "https://buildkite.com/acme" });
    expect(read.tokenScopes).toContain("read_teams");
    const bySlug = Object.fromEntries(read.pipelines.map((p) => [p.slug, p]));
    expect(Object.keys(bySlug)).toEqual(["payments", "payments-deploy", "mobile", "mobile-release"]);

    const payments = bySlug.payments!;
    expect(payments).toMatchObject({
      repository: "git@github.com:acme/payments-service.git",
      provider: "github",
      providerRepository: "acme/payments-service",
      defaultBranch: "main",
      branchFilter: null,
      visibility: "private",
      archivedAt: null,
      clusterId: BK_SHARED_CLUSTER,
      envNames: [],
      activeBuilds: { running: 1, scheduled: 1 },
      storedSteps: { format: "yaml", runsPipelineUpload: true, queueKeys: ["deploy"] },
    });
    expect(payments.triggers).toMatchObject({ mode: "code", branches: true, tags: false, pullRequests: true, pullRequestsFromForks: true, skipPullRequestBuildsForExistingCommits: true, publishCommitStatus: true, filterCondition: null });
    expect(payments.teams).toEqual([
      { teamId: buildkiteAcme.teams[0]!.id, slug: "everyone", name: "Everyone", accessLevel: "build_and_read" },
      { teamId: buildkiteAcme.teams[1]!.id, slug: "payments", name: "Payments", accessLevel: "manage_build_and_read" },
    ]);

    // Steps kept only in Buildkite: the deploy, its queue and its secret, and env by name only.
    const deploy = bySlug["payments-deploy"]!;
    expect(deploy.storedSteps).toMatchObject({ format: "yaml", runsPipelineUpload: false, queueKeys: ["deploy"] });
    expect(deploy.storedSteps.text).toContain("role-arn: arn:aws:iam::210987654321:role/bk-payments-deploy");
    expect([deploy.branchFilter, deploy.envNames, deploy.triggers.pullRequests, deploy.triggers.pullRequestsFromForks]).toEqual(["main", ["AWS_REGION", "DEPLOY_ENV"], false, false]);
    expect(JSON.stringify(read)).not.toContain("eu-west-1"); // AWS_REGION's value is not kept
    expect(deploy.teams.map((t) => `${t.slug}:${t.accessLevel}`)).toEqual(["payments:manage_build_and_read", "platform:read_only"]);

    // A visual-editor pipeline: steps as JSON text, its queue from agent_query_rules.
    const release = bySlug["mobile-release"]!;
    expect(release.storedSteps).toMatchObject({ format: "visual", runsPipelineUpload: false, queueKeys: ["deploy"] });
    expect(JSON.parse(release.storedSteps.text)).toEqual([expect.objectContaining({ command: "bundle exec fastlane release", agent_query_rules: ["queue=deploy"] })]);
    expect(bySlug.mobile!.triggers).toMatchObject({ pullRequests: true, pullRequestsFromForks: false });
    expect(bySlug.mobile!.storedSteps).toMatchObject({ runsPipelineUpload: true, queueKeys: [] });
  });

  it("reads clusters with queues and their agents, agent tokens' metadata and secrets' policies, never a value", async () => {
    const read = await readBuildkiteOrg(conn());
    const shared = read.clusters.find((c) => c.id === BK_SHARED_CLUSTER)!;
    expect(shared.queues.map((q) => [q.key, q.isDefault, q.dispatchPaused, q.agents.map((a) => a.name)])).toEqual([
      ["default", true, false, ["elastic-default-1", "elastic-default-2"]],
      ["deploy", false, false, ["deploy-1"]],
    ]);
    expect(shared.queues[1]!.agents[0]).toMatchObject({ hostname: "ip-10-20-3-40", version: "3.98.2", metaData: ["queue=deploy", "aws-account=210987654321"] });
    expect(shared.agentTokens.map((t) => [t.description, t.allowedIpAddresses, t.expiresAt, t.createdBy])).toEqual([
      ["Elastic CI Stack (default queue)", [], null, "Priya Natarajan"],
      ["deploy agents", ["10.20.0.0/16", "10.21.0.0/16"], "2027-01-01T00:00:00.000Z", "Priya Natarajan"],
    ]);
    expect(shared.secrets?.map((s) => [s.key, s.policy])).toEqual([
      ["PAYMENTS_DEPLOY_TOKEN", "- pipeline_slug: payments-deploy\n  build_branch: main\n"],
      ["SLACK_WEBHOOK_URL", "- pipeline_slug:\n    - payments\n    - payments-deploy\n"],
    ]);
    const mobile = read.clusters.find((c) => c.id === BK_MOBILE_CLUSTER)!;
    expect(mobile.queues.map((q) => [q.key, q.agents.length])).toEqual([["default", 1], ["deploy", 0]]);
    expect(read.teams?.map((t) => [t.slug, t.isDefault, t.pipelines.map((p) => p.pipelineSlug)])).toEqual([
      ["everyone", true, ["payments"]],
      ["payments", false, ["payments", "payments-deploy"]],
      ["mobile", false, ["mobile", "mobile-release"]],
      ["platform", false, ["payments-deploy"]],
    ]);
  });

  it("follows every page of a long list", async () => {
    await sim.close();
    const many = Array.from({ length: 230 }, (_, i) => ({ ...structuredClone(buildkiteAcme.pipelines[2]!), id: `p-${i}`, slug: `svc-${String(i).padStart(3, "0")}`, builds: [] }));
    sim = await startBuildkiteSim({ fixture: { ...buildkiteAcme, pipelines: many }, tokens: buildkiteAcmeTokens });
    const read = await readBuildkiteOrg(conn());
    expect(read.pipelines).toHaveLength(230);
    expect(read.pipelines.at(-1)?.slug).toBe("svc-229");
  });

  it("reads without teams and secrets when the token lacks those scopes, and says so", async () => {
    const read = await readBuildkiteOrg(conn("bkua_minimal"));
    expect(read.teams).toBeNull();
    expect(read.clusters.every((c) => c.secrets === null)).toBe(true);
    expect(read.pipelines.every((p) => p.teams.length === 0)).toBe(true);
    expect(read.warnings).toEqual([
      "Teams were not read (the token lacks read_teams): pipelines have no owners from Buildkite.",
      "Buildkite secrets' access policies were not read (the token lacks read_secrets_details): which pipelines may read each secret is unknown.",
    ]);
  });

  it("fails with a sentence of a kind: missing scopes named at once, a refused token, an unknown organization, no network", async () => {
    await expect(readBuildkiteOrg(conn("bkua_acme_narrow"))).rejects.toMatchObject({
      kind: "denied",
      message: "The Buildkite API access token lacks read_clusters, read_agents (needed to read the organization, its pipelines, clusters, queues and agents): add them to the token (Personal Settings → API Access Tokens → Edit).",
    });
    await expect(readBuildkiteOrg(conn("bkua_revoked"))).rejects.toMatchObject({
      kind: "credentials",
      message: "Buildkite refused the API access token while checking the API access token (GET /v2/access-token): it is wrong, expired or revoked. Create one for organization acme (Personal Settings → API Access Tokens) with read_organizations, read_pipelines, read_builds, read_clusters, read_agents.",
    });
    await expect(readBuildkiteOrg(conn("bkua_acme_reader", "acme-old"))).rejects.toMatchObject({
      kind: "credentials",
      message: 'Buildkite has no organization "acme-old" that this token can see: check the slug (the part after buildkite.com/ in the organization\'s URL) and that the token was given access to it.',
    });
    await expect(readBuildkiteOrg({ apiUrl: "http://127.0.0.1:9", orgSlug: "acme", token: "t" })).rejects.toMatchObject({
      kind: "network",
      message: expect.stringMatching(/^Could not reach the Buildkite API at http:\/\/127\.0\.0\.1:9 while checking the API access token \(GET \/v2\/access-token\) \(.+\): check the API URL and the network\.$/),
    });
    expect(sim.writeLog).toEqual([]);
  });
});
