import { describe, expect, it } from "vitest";
import type { JobModel } from "@/lib/analysis/types";
import type { BuildkitePipeline } from "@/lib/buildkite/types";
import { buildsForks, policyAdmitsForks, stepRunsForForks } from "./fork-reach";

const pipeline = (over: Partial<BuildkitePipeline> = {}, prefix = true): BuildkitePipeline => ({
  id: "p-1",
  slug: "payments",
  name: "payments",
  webUrl: "",
  repository: "git@github.com:acme/payments-service.git",
  provider: "github",
  providerRepository: "acme/payments-service",
  defaultBranch: "main",
  branchFilter: null,
  visibility: "private",
  archivedAt: null,
  clusterId: null,
  triggers: { mode: "code", branches: true, tags: false, pullRequests: true, pullRequestsFromForks: true, skipPullRequestBuildsForExistingCommits: true, publishCommitStatus: true, filterCondition: null, settings: { prefix_pull_request_fork_branch_names: prefix } },
  storedSteps: { text: "", format: "yaml", runsPipelineUpload: false, queueKeys: [] },
  envNames: [],
  activeBuilds: { running: 0, scheduled: 0 },
  teams: [],
  ...over,
});
const step = (over: Partial<JobModel> = {}): JobModel =>
  ({ id: "s", name: null, line: 1, permissions: null, permissionsSource: "default", idToken: false, environment: null, runsOn: [], selfHosted: true, secrets: [], vars: [], identities: [], systems: [], phase: "verify", runsUntrustedCode: false, uses: [], calls: null, stepType: "command", ...over }) as JobModel;

describe("fork reach", () => {
  it("a pipeline builds forks only with both settings, unarchived, and no filter that turns them away", () => {
    expect(buildsForks(pipeline())).toBe(true);
    expect(buildsForks(pipeline({ archivedAt: "2026-01-01T00:00:00Z" }))).toBe(false);
    expect(buildsForks(pipeline({ branchFilter: "main release/*" }))).toBe(false);
    expect(buildsForks(pipeline({ branchFilter: "main release/*" }, false))).toBe(true);
    expect(buildsForks(pipeline({ branchFilter: "*" }))).toBe(true);
    const filtered = pipeline();
    filtered.triggers.filterCondition = "build.pull_request.repository.fork == false";
    expect(buildsForks(filtered)).toBe(false);
  });

  it("a step is kept out of fork builds by an exclusive `if:` or, with the prefix, by `branches:`", () => {
    const p = pipeline();
    expect(stepRunsForForks(step(), p)).toBe(true);
    expect(stepRunsForForks(step({ condition: "build.pull_request.id == null" }), p)).toBe(false);
    expect(stepRunsForForks(step({ condition: "!build.pull_request.repository.fork" }), p)).toBe(false);
    expect(stepRunsForForks(step({ condition: 'build.branch == "main" || build.pull_request.id != null' }), p)).toBe(true);
    expect(stepRunsForForks(step({ condition: 'build.branch == "main"' }), p)).toBe(false);
    expect(stepRunsForForks(step({ condition: 'build.branch == "main"' }), pipeline({}, false))).toBe(true);
    expect(stepRunsForForks(step({ branches: ["main"] }), p)).toBe(false);
    expect(stepRunsForForks(step({ branches: ["!main"] }), p)).toBe(true);
    expect(stepRunsForForks(step({ branches: ["main"] }), pipeline({}, false))).toBe(true);
    expect(stepRunsForForks(step({ stepType: "block" }), p)).toBe(false);
  });

  it("a secret policy admits fork builds when a rule's every claim does", () => {
    const p = pipeline();
    expect(policyAdmitsForks(null, p)).toBe(true);
    expect(policyAdmitsForks("- pipeline_slug:\n    - payments\n    - other\n", p)).toBe(true);
    expect(policyAdmitsForks("- pipeline_slug: payments\n  build_branch: main\n", p)).toBe(false);
    expect(policyAdmitsForks("- pipeline_slug: payments\n  build_branch: main\n", pipeline({}, false))).toBe(true);
    expect(policyAdmitsForks("- pipeline_slug: other\n- pipeline_id: p-1\n", p)).toBe(true);
    expect(policyAdmitsForks("- pipeline_slug: payments\n  build_creator: someone\n", p)).toBe(false);
    expect(policyAdmitsForks("- [unclosed", p)).toBe(false);
  });
});
