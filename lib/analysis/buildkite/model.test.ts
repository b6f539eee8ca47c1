import { describe, expect, it } from "vitest";
import { analyze, job } from "../test-support";
import type { AnalysisResult } from "../types";

// The step → job mapping of a Buildkite pipeline file (README "Step → job").

const bk = (yaml: string, path = ".buildkite/pipeline.yml"): AnalysisResult => analyze(yaml, { path });

describe("steps as jobs", () => {
  const r = bk(`env:
  QUEUE: deploy-queue
agents:
  queue: default
  os: linux
steps:
  - label: ":hammer: Build"
    key: build
    command: make
  - wait
  - wait: ~
    continue_on_failure: true
  - block: ":rocket: Release?"
    key: release-gate
    branches: main
  - input: "Details"
  - trigger: deploy-pipeline
    label: Deploy it
    async: true
  - group: ":test_tube: Tests"
    key: tests
    if: build.branch != "main"
    steps:
      - label: Unit
        command: make test
        depends_on: [build]
      - label: Unit
        command: make test2
        agents: { queue: $QUEUE }
  - command: echo no name
  - "echo bare"
  - label: Deploy
    id: legacy-id
    concurrency_group: app/deploy
    agents: ["queue=ops", "arch=arm64"]
    command: ./deploy.sh
`);

  it("maps every step but waits, in file order, with the system named", () => {
    expect(r.errors).toEqual([]);
    const w = r.workflows[0];
    expect(w?.system).toBe("buildkite");
    expect(w?.name).toBeNull();
    expect(w?.triggers).toEqual([]);
    expect(w?.untrustedTriggers).toEqual([]);
    expect(w?.jobs.map((j) => [j.id, j.stepType])).toEqual([
      ["build", "command"],
      ["release-gate", "block"],
      ["Details", "input"],
      ["Deploy it", "trigger"],
      ["Unit", "command"],
      ["Unit (2)", "command"],
      ["step-7", "command"],
      ["step-8", "command"],
      ["legacy-id", "command"],
    ]);
  });

  it("gives Buildkite jobs the fields that mean nothing there a fixed value", () => {
    const j = job(r, "build");
    expect(j).toMatchObject({ name: ":hammer: Build", line: 7, permissions: null, permissionsSource: "default", environment: null, calls: null, selfHosted: true, vars: [] });
    // No GITHUB_TOKEN: the null permissions do not mean "inherits the repository default".
    for (const step of r.workflows.flatMap((w) => w.jobs)) expect(step.githubToken).toBe(false);
    expect(job(r, "release-gate")).toMatchObject({ selfHosted: false, runsOn: [], branches: ["main"], phase: "verify" });
  });

  it("merges the pipeline's agents under the step's, queue first, with top-level env interpolated", () => {
    expect(job(r, "build")).toMatchObject({ runsOn: ["queue=default", "os=linux"], queue: "default" });
    expect(job(r, "Unit (2)")).toMatchObject({ runsOn: ["queue=deploy-queue", "os=linux"], queue: "deploy-queue" });
    expect(job(r, "legacy-id")).toMatchObject({ runsOn: ["queue=ops", "arch=arm64", "os=linux"], queue: "ops" });
  });

  it("records groups, conditions, dependencies, concurrency groups and triggered pipelines", () => {
    expect(job(r, "Unit")).toMatchObject({ group: ":test_tube: Tests", condition: 'build.branch != "main"', dependsOn: ["build"] });
    expect(job(r, "Deploy it")).toMatchObject({ triggersPipeline: "deploy-pipeline", stepType: "trigger" });
    expect(job(r, "legacy-id")).toMatchObject({ concurrencyGroup: "app/deploy", phase: "deploy" });
    expect(job(r, "build").group).toBeUndefined();
  });

  it("reads a top-level list of steps and nested step forms", () => {
    const list = bk(`- command:
    command: make
    key: nested
    agents: { queue: q }
- block:
    block: Approve
    key: gate
- trigger:
    trigger: other
    key: t
- label: with script
  script: ./x.sh
- type: wait
`);
    expect(list.errors).toEqual([]);
    expect(list.workflows[0]?.jobs.map((j) => [j.id, j.stepType, j.name])).toEqual([
      ["nested", "command", null],
      ["gate", "block", "Approve"],
      ["t", "trigger", "other"],
      ["with script", "command", "with script"],
    ]);
    expect(job(list, "nested").queue).toBe("q");
    expect(job(list, "t").triggersPipeline).toBe("other");
  });

  it("expands YAML merge keys as Buildkite's Go YAML does, the step's own keys winning", () => {
    const m = bk(`x-anchors:
  base: &base
    label: from anchor
    agents: { queue: anchored }
    secrets: [FROM_ANCHOR]
steps:
  - <<: *base
    key: merged
    label: own label
    command: make
`);
    expect(job(m, "merged")).toMatchObject({ name: "own label", queue: "anchored", secrets: [{ name: "FROM_ANCHOR", via: "secret-ref" }] });
  });

  it("reads every document of a stream, each with its own top-level keys", () => {
    const two = bk("agents: { queue: a }\nsteps:\n  - { key: one, command: x }\n---\nsteps:\n  - { key: two, command: y }\n");
    expect(two.workflows[0]?.jobs.map((j) => [j.id, j.queue])).toEqual([
      ["one", "a"],
      ["two", undefined],
    ]);
  });

  it("warns about a `steps:` that is not a list and steps it cannot read, and refuses a scalar file", () => {
    const odd = bk("steps:\n  build: { command: make }\n");
    expect(odd.errors).toEqual([]);
    expect(odd.workflows[0]?.warnings[0]).toMatch(/`steps:` at line 2 is not a list/);
    const bad = bk("steps:\n  - [1, 2]\n");
    expect(bad.workflows[0]?.warnings[0]).toMatch(/step at line 2 is neither a mapping nor a string/);
    const scalar = analyze("just text", { path: "buildkite.yml" });
    expect(scalar.workflows).toEqual([]);
    const invalid = bk("steps:\n  - label: [unclosed\n");
    expect(invalid.errors[0]?.message).toMatch(/invalid YAML \(Line: \d+/);
    expect(invalid.findings.map((f) => f.rule)).toEqual(["parse-error"]);
  });

  it("refuses an alias bomb with bounded work", () => {
    // Groups of groups by alias: 10^9 steps if expanded.
    const levels = ["g0: &g0 { group: a, steps: [{ command: x }, { command: y }] }"];
    for (let i = 1; i < 10; i++) levels.push(`g${i}: &g${i} { group: b, steps: [${Array(10).fill(`*g${i - 1}`).join(", ")}] }`);
    const started = Date.now();
    const r2 = bk(`x:\n  ${levels.join("\n  ")}\nsteps: [*g9]\n`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r2.errors[0]?.message).toMatch(/more than 2000 steps|too many YAML nodes/);
    // Aliases of a long command are text read again: bounded by a multiple of the file's size.
    const long = "x".repeat(100_000);
    const many = bk(`c: &c "${long}"\nsteps:\n  - command: [${Array(100).fill("*c").join(", ")}]\n`);
    expect(many.errors[0]?.message).toMatch(/too many YAML nodes/);
  });
});

describe("plugins as uses", () => {
  const r = bk(`steps:
  - key: p
    command: make
    plugins:
      - docker#v5.1.0:
          image: node
      - org/thing#0123456789abcdef0123456789abcdef01234567: ~
      - docker-login
      - ./ci/plugins/local
      - kubernetes:
          podSpec: {}
      - $CI_TOOLKIT
      - https://github.com/acme/deploy-buildkite-plugin.git#main
  - key: map-form
    command: make
    plugins:
      ecr#v2.0.0:
        login: true
`);

  it("lists each plugin with pinned true only for a commit SHA, local code or the agent stack's own", () => {
    expect(job(r, "p").uses.map((u) => [u.uses, u.pinned])).toEqual([
      ["docker#v5.1.0", false],
      ["org/thing#0123456789abcdef0123456789abcdef01234567", true],
      ["docker-login", false],
      ["./ci/plugins/local", true],
      ["kubernetes", true],
      ["$CI_TOOLKIT", false],
      ["https://github.com/acme/deploy-buildkite-plugin.git#main", false],
    ]);
    expect(job(r, "p").uses[0]?.line).toBe(5);
    expect(job(r, "map-form").uses.map((u) => u.uses)).toEqual(["ecr#v2.0.0"]);
  });
});

describe("which steps run pull-request code", () => {
  const r = bk(`steps:
  - { key: pr, command: a, if: build.pull_request.id != null }
  - { key: either, command: a, if: "build.pull_request.id != null || build.branch == 'main'" }
  - { key: base, command: a, if: 'build.pull_request.base_branch == "main"' }
  - { key: labelled, command: a, if: 'build.pull_request.labels includes "ci"' }
  - { key: not-pr, command: a, if: build.pull_request.id == null }
  - { key: negated, command: a, if: '!(build.pull_request.labels includes "skip") && build.branch == "main"' }
  - { key: draft, command: a, if: "!build.pull_request.draft" }
  - { key: plain, command: a }
  - { key: gate, block: ok, if: build.pull_request.id != null }
  - { key: nightly, command: a, if: build.source == "schedule" }
  - group: g
    if: build.pull_request.id != null
    steps:
      - { key: in-group, command: a }
`);

  it("marks a command step whose condition admits pull requests, and its phase", () => {
    const untrusted = r.workflows[0]?.jobs.filter((j) => j.runsUntrustedCode).map((j) => j.id);
    expect(untrusted).toEqual(["pr", "either", "base", "labelled", "in-group"]);
    expect(job(r, "pr").phase).toBe("build-untrusted");
    expect(job(r, "gate")).toMatchObject({ runsUntrustedCode: false, phase: "verify" });
    expect(job(r, "in-group").condition).toBe("build.pull_request.id != null");
  });

  it("names the build sources the conditions mention as the pipeline's triggers", () => {
    expect(r.workflows[0]?.triggers).toEqual(["pull_request", "schedule"]);
  });
});
