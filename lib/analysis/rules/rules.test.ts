import { describe, expect, it } from "vitest";
import type { RepoContextInput } from "../context";
import { analyze, findings } from "../test-support";
import type { SourceFile } from "../types";
import { RULES } from "./catalog";

interface Case {
  yaml: string;
  context?: RepoContextInput;
  files?: SourceFile[];
  /** Where the file lies (a Buildkite pipeline under `.buildkite/`); a GitHub workflow by default. */
  path?: string;
}

const CO = "actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab";
const AWS = "aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502";
const NOW = "2026-06-01T00:00:00Z";
const REPO_SECRET = (name: string, updatedAt = "2026-05-01T00:00:00Z") => ({ name, scope: "repo" as const, updatedAt });
const PROTECTED = { requiredReviewers: 1, waitTimer: 0, branchPolicy: "protected" as const };

const BK = ".buildkite/pipeline.yml";
const bk = (yaml: string): Case => ({ yaml, path: BK });

const job = (body: string, head = "on: push\npermissions: {}") => `${head}\njobs:\n  j:\n    runs-on: ubuntu-latest\n${body}`;

const CASES: Record<string, { pos: Case; neg: Case; severity?: string }> = {
  "parse-error": { pos: { yaml: "on: [push\njobs: {" }, neg: { yaml: job("    steps: [{ run: make }]") } },
  "token-inherits-default": {
    pos: { yaml: "on: push\njobs:\n  j: { runs-on: x, steps: [{ run: make }] }" },
    neg: { yaml: job("    steps: [{ run: make }]") },
  },
  "reusable-workflow-default-permissions": {
    pos: { yaml: "on: workflow_call\njobs:\n  j: { runs-on: x, steps: [{ run: make }] }" },
    neg: { yaml: "on: workflow_call\njobs:\n  j: { runs-on: x, permissions: { contents: read }, steps: [{ run: make }] }" },
  },
  "token-write-at-workflow-level": {
    pos: { yaml: "on: push\npermissions: { contents: write }\njobs:\n  a: { runs-on: x, steps: [{ run: a }] }\n  b: { runs-on: x, steps: [{ run: b }] }" },
    neg: { yaml: "on: push\npermissions: { contents: read }\njobs:\n  a: { runs-on: x, permissions: { contents: write }, steps: [{ run: a }] }" },
  },
  "token-blanket": {
    pos: { yaml: "on: push\npermissions: write-all\njobs:\n  a: { runs-on: x, steps: [{ run: a }] }" },
    neg: { yaml: "on: push\npermissions: write-all\njobs:\n  a: { runs-on: x, permissions: { contents: read }, steps: [{ run: a }] }" },
  },
  "token-write-unused": {
    pos: { yaml: job(`    permissions: { contents: write }\n    steps: [{ uses: "${CO}" }, { run: go test ./... }]`) },
    neg: { yaml: job(`    permissions: { contents: write }\n    steps: [{ uses: "${CO}" }, { run: git push origin HEAD:main }]`) },
  },
  "id-token-at-workflow-level": {
    pos: { yaml: `on: push\npermissions: { id-token: write }\njobs:\n  lint: { runs-on: x, steps: [{ run: make lint }] }\n  deploy: { runs-on: x, steps: [{ uses: "${AWS}", with: { role-to-assume: r } }] }` },
    neg: { yaml: `on: push\npermissions: {}\njobs:\n  lint: { runs-on: x, steps: [{ run: make lint }] }\n  deploy: { runs-on: x, permissions: { id-token: write }, steps: [{ uses: "${AWS}", with: { role-to-assume: r } }] }` },
  },
  "id-token-unused": {
    pos: { yaml: job(`    permissions: { id-token: write }\n    steps: [{ uses: ${CO} }, { run: npm test }]`) },
    neg: { yaml: job(`    permissions: { id-token: write }\n    steps: [{ uses: ${CO} }, { uses: third/uploader@v1 }]`) },
  },
  "secrets-inherit": {
    pos: { yaml: "on: push\npermissions: {}\njobs:\n  c: { uses: org/x/.github/workflows/r.yml@v1, secrets: inherit }" },
    neg: { yaml: "on: push\npermissions: {}\njobs:\n  c: { uses: org/x/.github/workflows/r.yml@v1, secrets: { t: '${{ secrets.T }}' } }" },
  },
  "all-secrets-exposed": {
    pos: { yaml: job("    steps:\n      - run: echo \"$S\"\n        env: { S: '${{ toJSON(secrets) }}' }") },
    neg: { yaml: job("    steps:\n      - run: echo \"$S\"\n        env: { S: '${{ toJSON(github) }}' }") },
  },
  "privileged-trigger": {
    pos: { yaml: job("    permissions: { pull-requests: write }\n    steps: [{ run: ./label }]", "on: pull_request_target\npermissions: {}") },
    neg: { yaml: job("    permissions: {}\n    steps: [{ run: ./label }]", "on: pull_request_target\npermissions: {}") },
  },
  "untrusted-trigger-with-credentials": {
    pos: { yaml: job("    steps:\n      - run: ./triage\n        env: { TOKEN: '${{ secrets.BOT_TOKEN }}' }", "on: issues\npermissions: {}") },
    neg: { yaml: job("    steps:\n      - run: ./triage\n        env: { TOKEN: '${{ secrets.GITHUB_TOKEN }}' }", "on: issues\npermissions: { issues: read }") },
  },
  "untrusted-checkout-privileged": {
    pos: { yaml: job(`    steps:\n      - uses: ${CO}\n        with: { ref: '\${{ github.event.pull_request.head.sha }}' }\n      - run: make\n        env: { T: '\${{ secrets.T }}' }`, "on: pull_request_target\npermissions: {}") },
    neg: { yaml: job(`    steps:\n      - uses: ${CO}\n      - run: make\n        env: { T: '\${{ secrets.T }}' }`, "on: pull_request_target\npermissions: {}") },
    severity: "critical",
  },
  "template-injection-in-privileged-job": {
    pos: { yaml: job("    permissions: { issues: write }\n    steps:\n      - run: echo \"${{ github.event.issue.title }}\"", "on: issues") },
    neg: { yaml: job("    permissions: { issues: write }\n    steps:\n      - run: echo \"$TITLE\"\n        env: { TITLE: '${{ github.event.issue.title }}' }", "on: issues") },
  },
  "cache-in-privileged-job": {
    pos: { yaml: job("    steps:\n      - uses: actions/setup-node@v4\n        with: { cache: npm, registry-url: 'https://registry.npmjs.org' }\n      - run: npm publish\n        env: { NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' }") },
    neg: { yaml: job("    steps:\n      - uses: actions/setup-node@v4\n        with: { registry-url: 'https://registry.npmjs.org' }\n      - run: npm publish\n        env: { NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' }") },
  },
  "cache-in-release-pipeline": {
    pos: { yaml: "on: release\npermissions: {}\njobs:\n  build: { runs-on: x, steps: [{ uses: actions/setup-go@v5 }] }" },
    neg: { yaml: "on: release\npermissions: {}\njobs:\n  build: { runs-on: x, steps: [{ uses: actions/setup-go@v5, with: { cache: false } }] }" },
  },
  "self-hosted-runner-untrusted": {
    pos: { yaml: "on: pull_request\npermissions: {}\njobs:\n  t: { runs-on: [self-hosted, gpu], steps: [{ run: make }] }" },
    neg: { yaml: "on: push\npermissions: {}\njobs:\n  t: { runs-on: [self-hosted, gpu], steps: [{ run: make }] }" },
  },
  "checkout-persisted-credentials": {
    pos: { yaml: job(`    permissions: { contents: write }\n    steps:\n      - uses: ${CO}\n      - run: make`) },
    neg: { yaml: job(`    permissions: { contents: write }\n    steps:\n      - uses: ${CO}\n        with: { persist-credentials: false }\n      - run: make`) },
  },
  "artifact-leaks-token": {
    pos: { yaml: job(`    steps:\n      - uses: ${CO}\n      - uses: actions/upload-artifact@v3\n        with: { path: . }`) },
    neg: { yaml: job(`    steps:\n      - uses: ${CO}\n        with: { persist-credentials: false }\n      - uses: actions/upload-artifact@v3\n        with: { path: . }`) },
  },
  "github-pat": {
    pos: { yaml: job(`    steps:\n      - uses: ${CO}\n        with: { token: '\${{ secrets.RELEASE_PAT }}' }`) },
    neg: { yaml: job(`    steps:\n      - uses: ${CO}\n        with: { token: '\${{ secrets.GITHUB_TOKEN }}' }`) },
  },
  "hardcoded-credential": {
    pos: { yaml: job("    container:\n      image: ghcr.io/a/b\n      credentials: { username: me, password: hunter22 }\n    steps: [{ run: make }]") },
    neg: { yaml: job("    container:\n      image: ghcr.io/a/b\n      credentials: { username: me, password: '${{ secrets.REG }}' }\n    steps: [{ run: make }]") },
  },
  "secret-to-unpinned-action": {
    pos: { yaml: job("    steps:\n      - uses: some/uploader@v1\n        with: { key: '${{ secrets.UPLOAD_KEY }}' }") },
    neg: { yaml: job("    steps:\n      - uses: some/uploader@8e5e7e5ab8b370d6c329ec480221332ada57f0ab\n        with: { key: '${{ secrets.UPLOAD_KEY }}' }") },
  },
  "unpinned-action": {
    pos: { yaml: job("    steps: [{ uses: some/linter@main }]") },
    neg: { yaml: job("    steps: [{ uses: 'some/linter@8e5e7e5ab8b370d6c329ec480221332ada57f0ab' }, { uses: ./local }]") },
  },
  "deploy-without-environment": {
    pos: { yaml: job(`    permissions: { id-token: write }\n    steps: [{ uses: "${AWS}", with: { role-to-assume: "arn:aws:iam::123456789012:role/d" } }]`) },
    neg: { yaml: job(`    permissions: { id-token: write }\n    environment: production\n    steps: [{ uses: "${AWS}", with: { role-to-assume: "arn:aws:iam::123456789012:role/d" } }]`) },
  },
  "secret-outside-environment": {
    pos: { yaml: job("    steps: [{ run: npm publish, env: { NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' } }]") },
    neg: { yaml: job("    environment: npm\n    steps: [{ run: npm publish, env: { NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' } }]") },
  },
  "long-lived-credential": {
    pos: { yaml: job(`    environment: prod\n    steps:\n      - uses: ${AWS}\n        with: { aws-access-key-id: '\${{ secrets.AWS_KEY }}', aws-secret-access-key: '\${{ secrets.AWS_SECRET }}' }`) },
    neg: { yaml: job(`    environment: prod\n    permissions: { id-token: write }\n    steps:\n      - uses: ${AWS}\n        with: { role-to-assume: 'arn:aws:iam::123456789012:role/d' }`) },
  },
  "publish-without-trusted-publishing": {
    pos: { yaml: job("    steps:\n      - run: twine upload dist/*\n        env: { TWINE_PASSWORD: '${{ secrets.PYPI_TOKEN }}' }") },
    neg: { yaml: job("    permissions: { id-token: write }\n    steps:\n      - run: twine upload dist/*") },
  },
  "phase-mixing": {
    pos: { yaml: job(`    steps:\n      - uses: ${CO}\n      - uses: ${AWS}\n        with: { aws-access-key-id: '\${{ secrets.K }}', aws-secret-access-key: '\${{ secrets.S }}' }`, "on: pull_request") },
    neg: { yaml: job(`    permissions: { id-token: write }\n    steps:\n      - uses: ${CO}\n      - uses: ${AWS}\n        with: { role-to-assume: r }`, "on: push") },
  },
  "repo-default-token-write": {
    pos: { yaml: "on: push\njobs:\n  j: { runs-on: x, steps: [{ run: a }] }", context: { defaultWorkflowPermissions: "write" } },
    neg: { yaml: "on: push\njobs:\n  j: { runs-on: x, steps: [{ run: a }] }", context: { defaultWorkflowPermissions: "read" } },
  },
  "secret-missing": {
    pos: { yaml: job("    steps: [{ run: a, env: { T: '${{ secrets.TYPO_TOKN }}' } }]"), context: { secrets: [REPO_SECRET("TOKEN")] } },
    neg: { yaml: job("    steps: [{ run: a, env: { T: '${{ secrets.TOKEN }}' } }]"), context: { secrets: [REPO_SECRET("TOKEN")] } },
  },
  "secret-unused": {
    pos: { yaml: job("    steps: [{ run: a }]"), context: { secrets: [REPO_SECRET("OLD_KEY")] } },
    neg: { yaml: job("    steps: [{ run: a, env: { K: '${{ secrets.OLD_KEY }}' } }]"), context: { secrets: [REPO_SECRET("OLD_KEY")] } },
  },
  "secret-stale": {
    pos: { yaml: job("    steps: [{ run: a, env: { K: '${{ secrets.K }}' } }]"), context: { now: NOW, secrets: [REPO_SECRET("K", "2023-01-01T00:00:00Z")] } },
    neg: { yaml: job("    steps: [{ run: a, env: { K: '${{ secrets.K }}' } }]"), context: { now: NOW, secrets: [REPO_SECRET("K", "2026-04-01T00:00:00Z")] } },
  },
  "org-secret-overshared": {
    pos: { yaml: job("    steps: [{ run: a, env: { K: '${{ secrets.K }}' } }]"), context: { secrets: [{ name: "K", scope: "org", updatedAt: NOW, visibility: "all" }] } },
    neg: { yaml: job("    steps: [{ run: a, env: { K: '${{ secrets.K }}' } }]"), context: { secrets: [{ name: "K", scope: "org", updatedAt: NOW, visibility: "selected", selectedRepoCount: 2 }] } },
  },
  "environment-unprotected": {
    pos: { yaml: job("    environment: production\n    steps: [{ run: ./deploy }]"), context: { environments: [{ name: "production", protectionRules: { requiredReviewers: 0, waitTimer: 0, branchPolicy: null } }] } },
    neg: { yaml: job("    environment: production\n    steps: [{ run: ./deploy }]"), context: { environments: [{ name: "production", protectionRules: PROTECTED }] } },
  },
  "buildkite-oidc-no-audience": {
    pos: bk("steps:\n  - command: buildkite-agent oidc request-token > token\n"),
    neg: bk("steps:\n  - command: buildkite-agent oidc request-token --audience sts.amazonaws.com > token\n"),
  },
  "buildkite-oidc-long-lifetime": {
    pos: bk("steps:\n  - command: buildkite-agent oidc request-token --audience x --lifetime 7200\n"),
    neg: bk("steps:\n  - command: buildkite-agent oidc request-token --audience x --lifetime 3600\n"),
  },
  "buildkite-plugin-unpinned": {
    pos: bk("steps:\n  - command: make\n    secrets: [NPM_TOKEN]\n    plugins:\n      - acme/publish:\n          registry: npm\n"),
    neg: bk("steps:\n  - command: make\n    secrets: [NPM_TOKEN]\n    plugins:\n      - acme/publish#0123456789abcdef0123456789abcdef01234567: ~\n      - ./local/plugin\n"),
    severity: "high",
  },
  "buildkite-static-cloud-key": {
    pos: bk("steps:\n  - command: aws s3 sync dist s3://site\n    secrets: [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY]\n"),
    neg: bk("steps:\n  - command: aws s3 sync dist s3://site\n    plugins:\n      - aws-assume-role-with-web-identity#v1.4.0:\n          role-arn: arn:aws:iam::123456789012:role/site\n"),
  },
  "buildkite-pipeline-upload-untrusted": {
    pos: bk(`steps:\n  - command: 'echo "steps: [{label: $$BUILDKITE_BRANCH, command: make}]" | buildkite-agent pipeline upload'\n`),
    neg: bk("steps:\n  - command: .buildkite/gen.sh | buildkite-agent pipeline upload\n    secrets: [NPM_TOKEN]\n"),
  },
  "buildkite-command-interpolation": {
    pos: bk('steps:\n  - command: ./notify.sh "$BUILDKITE_MESSAGE"\n'),
    neg: bk('steps:\n  - command: ./notify.sh "$$BUILDKITE_MESSAGE" "\\$BUILDKITE_BRANCH"\n'),
    severity: "medium",
  },
  "buildkite-secrets-untrusted-step": {
    pos: bk("steps:\n  - command: make\n    if: build.pull_request.id != null\n    secrets: [NPM_TOKEN]\n"),
    neg: bk("steps:\n  - command: make\n    if: build.pull_request.id == null\n    secrets: [NPM_TOKEN]\n"),
  },
};

describe("rule catalog", () => {
  it("has a positive and a negative case for every GitHub Actions rule (Tekton's: tekton/rules.test.ts)", () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.filter((r) => !r.id.startsWith("tekton-")).map((r) => r.id).sort());
  });

  it("documents every rule", () => {
    for (const r of RULES) {
      expect(r.title.length, r.id).toBeGreaterThan(10);
      expect(r.why.length, r.id).toBeGreaterThan(20);
      expect(r.example.length, r.id).toBeGreaterThan(5);
      expect(r.fix.length, r.id).toBeGreaterThan(10);
    }
  });
});

describe.each(Object.entries(CASES))("%s", (id, c) => {
  it("fires on the positive case", () => {
    const hits = findings(analyze(c.pos.yaml, { ...(c.pos.context ? { context: c.pos.context } : {}), ...(c.pos.path ? { path: c.pos.path } : {}) }), id);
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) {
      expect(h.message.length).toBeGreaterThan(10);
      expect(h.fix.length).toBeGreaterThan(5);
      expect(h.root).toBe("repo");
    }
    if (c.severity !== undefined) expect(hits[0]?.severity).toBe(c.severity);
  });

  it("stays quiet on the negative case", () => {
    const result = analyze(c.neg.yaml, { ...(c.neg.context ? { context: c.neg.context } : {}), ...(c.neg.path ? { path: c.neg.path } : {}) });
    expect(result.errors).toEqual([]);
    expect(findings(result, id)).toEqual([]);
  });
});

describe("severity calibration", () => {
  it("does not count OIDC identities in fork pull-request jobs as phase mixing (forks get no OIDC token)", () => {
    const r = analyze(job(`    permissions: { id-token: write }\n    steps:\n      - uses: ${CO}\n      - uses: ${AWS}\n        with: { role-to-assume: r }`, "on: pull_request"));
    expect(findings(r, "phase-mixing")).toEqual([]);
  });

  it("treats maintainer-only activity types as trusted", () => {
    const r = analyze(job("    permissions: { issues: write }\n    steps: [{ run: gh issue close 1 }]", "on:\n  issues:\n    types: [labeled]"));
    expect(r.workflows[0]?.untrustedTriggers).toEqual([]);
    expect(findings(r, "untrusted-trigger-with-credentials")).toEqual([]);
  });

  it("does not treat usernames as injectable", () => {
    const r = analyze(job("    permissions: { issues: write }\n    steps: [{ run: 'echo hi @${{ github.event.issue.user.login }}' }]", "on: issues"));
    expect(findings(r, "template-injection-in-privileged-job")).toEqual([]);
  });

  it("treats unpinned first-party actions as info", () => {
    const r = analyze(job("    steps: [{ uses: actions/checkout@v4 }]"));
    expect(findings(r, "unpinned-action").map((f) => f.severity)).toEqual(["info"]);
  });

  it("never calls GITHUB_TOKEN a long-lived credential or a PAT", () => {
    const r = analyze(job("    steps:\n      - uses: docker/login-action@v3\n        with: { registry: ghcr.io, username: x, password: '${{ secrets.GITHUB_TOKEN }}' }\n      - run: gh pr list\n        env: { GH_TOKEN: '${{ secrets.GITHUB_TOKEN }}' }"));
    expect(findings(r, "long-lived-credential")).toEqual([]);
    expect(findings(r, "github-pat")).toEqual([]);
  });

  it("names the credential in the message", () => {
    const r = analyze(CASES["long-lived-credential"]?.pos.yaml ?? "");
    expect(findings(r, "long-lived-credential")[0]?.message).toContain("AWS_KEY");
  });
});

describe("all-secrets-exposed", () => {
  it("reports every occurrence in a job, each on its line, not only the first", () => {
    const r = analyze(
      job(
        "    steps:\n      - name: dump\n        run: echo \"$S\"\n        env: { S: '${{ toJSON(secrets) }}' }\n      - name: pick\n        run: echo \"$T\"\n        env: { T: '${{ secrets[matrix.name] }}' }",
      ),
    );
    const hits = findings(r, "all-secrets-exposed");
    expect(hits.map((f) => f.line)).toEqual([9, 12]);
    expect(hits.map((f) => f.message)).toEqual([
      "job j exposes the whole secrets context (toJSON(secrets) or a computed secrets[…] index) in step 1 (dump)",
      "job j exposes the whole secrets context (toJSON(secrets) or a computed secrets[…] index) in step 2 (pick)",
    ]);
  });
});
