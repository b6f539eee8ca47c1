import { describe, expect, it } from "vitest";
import { analyze, job } from "./test-support";

describe("permissions", () => {
  it("job block replaces the workflow block; absent scopes are none", () => {
    const r = analyze(`on: push
permissions:
  contents: write
  id-token: write
jobs:
  a:
    runs-on: ubuntu-latest
    permissions:
      issues: write
    steps: [{ run: echo }]
  b:
    runs-on: ubuntu-latest
    steps: [{ run: echo }]
`);
    expect(job(r, "a")).toMatchObject({ permissions: { issues: "write" }, permissionsSource: "job", idToken: false });
    expect(job(r, "b")).toMatchObject({ permissions: { contents: "write", "id-token": "write" }, permissionsSource: "workflow", idToken: true });
  });

  it("handles {}, read-all, write-all and the default", () => {
    const r = analyze(`on: push
jobs:
  empty: { runs-on: x, permissions: {}, steps: [{ run: a }] }
  ra: { runs-on: x, permissions: read-all, steps: [{ run: a }] }
  wa: { runs-on: x, permissions: write-all, steps: [{ run: a }] }
  none: { runs-on: x, steps: [{ run: a }] }
`);
    expect(job(r, "empty")).toMatchObject({ permissions: {}, permissionsSource: "job", idToken: false });
    expect(job(r, "ra")).toMatchObject({ permissions: "read-all", idToken: false });
    expect(job(r, "wa")).toMatchObject({ permissions: "write-all", idToken: true });
    expect(job(r, "none")).toMatchObject({ permissions: null, permissionsSource: "default" });
  });

  it("resolves the default from context", () => {
    const yaml = "on: push\njobs:\n  a: { runs-on: x, steps: [{ run: a }] }\n";
    expect(job(analyze(yaml, { context: { defaultWorkflowPermissions: "read" } }), "a")).toMatchObject({
      permissions: { contents: "read", packages: "read" },
      permissionsSource: "default",
    });
    const write = job(analyze(yaml, { context: { defaultWorkflowPermissions: "write" } }), "a");
    expect(write.permissionsSource).toBe("default");
    expect(write.permissions).toMatchObject({ contents: "write", packages: "write" });
    expect(write.idToken).toBe(false);
  });
});

describe("secret references", () => {
  it("finds secrets in env, with, run, if, container credentials and all-secrets forms", () => {
    const r = analyze(`on: push
env:
  TOP: \${{ secrets.TOP_LEVEL }}
jobs:
  a:
    runs-on: ubuntu-latest
    if: secrets.GUARD != ''
    container:
      image: ghcr.io/x/y
      credentials:
        username: u
        password: \${{ secrets.REG_PASS }}
    steps:
      - uses: some/action@v1
        with:
          token: \${{ secrets['WITH_TOKEN'] }}
      - run: echo \${{ secrets.RUN_A }} and \${{ vars.SOME_VAR }}
        env:
          E: \${{ secrets.ENV_B }}
        if: \${{ secrets.STEP_IF }}
      - run: echo '\${{ toJSON(secrets) }}'
      - run: echo \${{ secrets[format('{0}_KEY', matrix.env)] }}
`);
    const a = job(r, "a");
    const pairs = a.secrets.map((s) => `${s.name}:${s.via}${s.step ? `@${s.step}` : ""}`);
    expect(pairs).toEqual(
      expect.arrayContaining(["TOP_LEVEL:env", "GUARD:if", "REG_PASS:other", "WITH_TOKEN:with@1", "RUN_A:run@2", "ENV_B:env@2", "STEP_IF:if@2", "*:all@3", "*:all@4"]),
    );
    expect(a.vars.map((v) => v.name)).toEqual(["SOME_VAR"]);
    const runA = a.secrets.find((s) => s.name === "RUN_A");
    expect(runA?.line).toBe(17);
  });

  it("models reusable-workflow calls with inherit, mappings and the permission cap", () => {
    const r = analyze(`on: push
jobs:
  inherit:
    uses: org/shared/.github/workflows/release.yml@v1
    secrets: inherit
    permissions:
      contents: write
  mapped:
    uses: ./.github/workflows/deploy.yml
    with:
      region: \${{ vars.REGION }}
    secrets:
      token: \${{ secrets.DEPLOY_TOKEN }}
`);
    const inherit = job(r, "inherit");
    expect(inherit.calls).toMatchObject({ workflow: "org/shared/.github/workflows/release.yml@v1", pinned: false, local: false, secrets: "inherit", permissions: { contents: "write" } });
    expect(inherit.secrets).toEqual([expect.objectContaining({ name: "*", via: "inherit" })]);
    const mapped = job(r, "mapped");
    expect(mapped.calls).toMatchObject({ local: true, secrets: ["DEPLOY_TOKEN"], secretMap: { token: ["DEPLOY_TOKEN"] }, permissions: null });
    expect(mapped.secrets).toEqual([expect.objectContaining({ name: "DEPLOY_TOKEN", via: "call" })]);
    expect(mapped.vars.map((v) => v.name)).toEqual(["REGION"]);
  });

  it("follows local composite actions and tracks secrets passed as inputs", () => {
    const action = `name: publish
inputs:
  token: { required: true }
runs:
  using: composite
  steps:
    - uses: third/party@v2
      with:
        api-key: \${{ inputs.token }}
    - run: echo done
      shell: bash
`;
    const r = analyze(
      `on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/publish
        with:
          token: \${{ secrets.NPM_TOKEN }}
`,
      { files: [{ path: ".github/actions/publish/action.yml", content: action }] },
    );
    const a = job(r, "a");
    expect(a.secrets).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "NPM_TOKEN", via: "with", step: 1, line: 9 }),
        expect.objectContaining({ name: "NPM_TOKEN", via: "with", step: 1, action: ".github/actions/publish/action.yml" }),
      ]),
    );
    expect(a.uses.map((u) => u.uses)).toEqual(["./.github/actions/publish", "third/party@v2"]);
    expect(r.findings.map((f) => f.rule)).toContain("secret-to-unpinned-action");
  });
});

describe("jobs", () => {
  it("reads triggers, environment, runners and pins", () => {
    const r = analyze(`on:
  pull_request_target:
  push:
    branches: [main]
jobs:
  a:
    runs-on: [self-hosted, linux]
    environment:
      name: production
      url: https://x
    steps:
      - uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab
      - uses: docker://alpine:3
  b:
    runs-on: ubuntu-22.04
    environment: staging
    steps: [{ run: a }]
`);
    expect(r.workflows[0]?.triggers).toEqual(["pull_request_target", "push"]);
    expect(r.workflows[0]?.untrustedTriggers).toEqual(["pull_request_target"]);
    expect(job(r, "a")).toMatchObject({ environment: "production", runsOn: ["self-hosted", "linux"], selfHosted: true });
    expect(job(r, "a").uses.map((u) => u.pinned)).toEqual([true, false]);
    expect(job(r, "b")).toMatchObject({ environment: "staging", selfHosted: false, runsOn: ["ubuntu-22.04"] });
  });

  it("marks jobs that run pull-request code", () => {
    const r = analyze(`on: [pull_request_target]
jobs:
  pwn:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: \${{ github.event.pull_request.head.sha }}
  safe:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
`);
    expect(job(r, "pwn")).toMatchObject({ runsUntrustedCode: true, phase: "build-untrusted" });
    expect(job(r, "safe").runsUntrustedCode).toBe(false);
    const fork = analyze("on: pull_request\njobs:\n  t: { runs-on: x, steps: [{ uses: actions/checkout@v4 }, { run: make test }] }\n");
    expect(job(fork, "t")).toMatchObject({ runsUntrustedCode: true, phase: "build-untrusted" });
  });

  it("classifies phases", () => {
    const r = analyze(`on: push
permissions: { id-token: write, contents: read }
jobs:
  test: { runs-on: x, steps: [{ run: npm test }] }
  publish: { runs-on: x, steps: [{ uses: pypa/gh-action-pypi-publish@release/v1 }] }
  deploy:
    runs-on: x
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: "arn:aws:iam::123456789012:role/deploy" }
`);
    expect(job(r, "test").phase).toBe("verify");
    expect(job(r, "publish").phase).toBe("publish");
    expect(job(r, "deploy").phase).toBe("deploy");
  });
});

describe("trigger filters", () => {
  it("keeps branch and tag filters as written, per trigger, and only when there are some", () => {
    const r = analyze(`on:
  push:
    branches: [main, 'release/**']
    tags: ['v*']
  pull_request:
    branches-ignore: [wip]
  workflow_dispatch:
jobs:
  a: { runs-on: x, steps: [{ run: a }] }
`);
    expect(r.workflows[0]?.triggerFilters).toEqual({ push: { branches: ["main", "release/**"], tags: ["v*"] }, pull_request: { branchesIgnore: ["wip"] } });
    const plain = analyze("on: [push]\njobs:\n  a: { runs-on: x, steps: [{ run: a }] }\n");
    expect(plain.workflows[0]).not.toHaveProperty("triggerFilters");
  });
});
