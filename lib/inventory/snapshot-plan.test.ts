import { describe, expect, it } from "vitest";
import type { AnalysisResult, JobModel, WorkflowModel } from "@/lib/analysis/types";
import { testOrgFacts, testRepoFacts } from "@/lib/testing/inventory";
import { analyzeFiles } from "@/lib/analysis";
import { planRepoSnapshot } from "./snapshot-plan";

// The pure half of the snapshot: what a repository's facts and analysis become, without a database.

const job = (over: Partial<JobModel>): JobModel => ({
  id: "build",
  name: null,
  line: 3,
  permissions: null,
  permissionsSource: "default",
  idToken: false,
  environment: null,
  runsOn: [],
  selfHosted: false,
  secrets: [],
  vars: [],
  identities: [],
  systems: [],
  phase: "publish",
  runsUntrustedCode: false,
  uses: [],
  calls: null,
  ...over,
});

const workflow = (system: WorkflowModel["system"], path: string, jobs: JobModel[]): WorkflowModel => ({ system, root: "", path, name: null, triggers: ["push"], untrustedTriggers: [], jobs, warnings: [] });

const analysis = (workflows: WorkflowModel[], errors: AnalysisResult["errors"] = []): AnalysisResult => ({ schemaVersion: 1, tool: { name: "gatehouse", version: "0" }, workflows, findings: [], errors });

describe("planRepoSnapshot", () => {
  const facts = testRepoFacts("acme", { githubId: 7, name: "payments", files: { ".github/workflows/release.yml": "x", ".buildkite/pipeline.yml": "y" }, secrets: ["NPM_TOKEN"] });
  const now = new Date("2026-12-01T00:00:00Z");

  it("resolves each system's secrets with its own resolver: a GitHub secret by key, a Buildkite one as external", () => {
    const plan = planRepoSnapshot(testOrgFacts("acme"), {
      facts,
      filesFetched: true,
      analysis: analysis([
        workflow("github-actions", ".github/workflows/release.yml", [job({ secrets: [{ name: "NPM_TOKEN", via: "env", line: 9 }, { name: "SHARED_TOKEN", via: "env", line: 10 }, { name: "NOPE", via: "env", line: 11 }] })]),
        // Same name as the repository's GitHub secret, but Buildkite's: never matched to it.
        workflow("buildkite", ".buildkite/pipeline.yml", [job({ id: "publish", secrets: [{ name: "NPM_TOKEN", via: "run", line: 4 }] })]),
      ]),
    }, now);
    const [gh, bk] = plan.workflows;
    expect(gh!.values.system).toBe("github-actions");
    expect(gh!.jobs[0]!.refs.secrets.map((s) => [s.secretName, s.resolution, s.secret])).toEqual([
      ["NPM_TOKEN", "repo", { scope: "repo", environment: null, name: "NPM_TOKEN" }],
      ["SHARED_TOKEN", "org", { scope: "org", environment: null, name: "SHARED_TOKEN" }],
      ["NOPE", "missing", null],
    ]);
    expect(bk!.values.system).toBe("buildkite");
    expect(bk!.values.secretNames).toEqual(["NPM_TOKEN"]);
    expect(bk!.jobs[0]!.refs.secrets.map((s) => [s.secretName, s.resolution, s.secret])).toEqual([["NPM_TOKEN", "external", null]]);
    expect(plan.repository).toMatchObject({ githubId: 7, fullName: "acme/payments", syncedAt: now, filesPushedAt: new Date(facts.repo.pushedAt!) });
    expect(plan.files).toHaveLength(2);
  });

  it("keeps an unreadable file as a row of its system, and files not re-fetched as they are", () => {
    const plan = planRepoSnapshot(testOrgFacts("acme"), { facts, filesFetched: false, analysis: analysis([], [{ root: "", path: ".buildkite/pipeline.yml", message: "invalid YAML", system: "buildkite" }]) }, now);
    expect(plan.workflows.map((w) => [w.values.path, w.values.system, w.values.parseError])).toEqual([[".buildkite/pipeline.yml", "buildkite", "invalid YAML"]]);
    expect(plan.files).toBeNull();
    expect(plan.repository).not.toHaveProperty("filesPushedAt");
  });

  it("summarises the token from the analysers' jobs: none for Buildkite and Tekton, whose jobs get no GITHUB_TOKEN", () => {
    const files = {
      // No permissions block: a GitHub job inherits the repository's default token.
      ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n",
      ".buildkite/pipeline.yml": "steps:\n  - label: publish\n    command: npm publish\n",
      ".tekton/push.yaml": [
        "apiVersion: tekton.dev/v1",
        "kind: PipelineRun",
        "metadata:",
        "  name: push",
        "spec:",
        "  pipelineSpec:",
        "    tasks:",
        "      - name: build",
        "        taskSpec:",
        "          steps: [{ name: s, image: alpine, script: make test }]",
      ].join("\n"),
    };
    const analysed = analyzeFiles(Object.entries(files).map(([path, content]) => ({ path, content })));
    const plan = planRepoSnapshot(testOrgFacts("acme"), { facts: testRepoFacts("acme", { githubId: 8, name: "mixed", files }), filesFetched: true, analysis: analysed }, now);
    const tokens = Object.fromEntries(plan.workflows.map((w) => [w.values.system, w.values.token]));
    expect(tokens).toEqual({ "github-actions": "default", buildkite: "none", tekton: "none" });
    expect(plan.workflows.flatMap((w) => w.jobs.map((j) => j.values.permissions))).toEqual([null, null, null]);
  });

  it("is pure: the same inputs give the same plan", () => {
    const input = { facts, filesFetched: true, analysis: analysis([workflow("tekton", ".tekton/push.yaml", [job({ id: "apply", secrets: [{ name: "kubeconfig/config", via: "secret-ref", line: 20 }] })])]) };
    expect(planRepoSnapshot(testOrgFacts("acme"), input, now)).toEqual(planRepoSnapshot(testOrgFacts("acme"), input, now));
  });
});
