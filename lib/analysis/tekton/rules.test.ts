import { describe, expect, it } from "vitest";
import { analyzeFiles, type AnalysisResult, type Finding } from "../index";
import { TEKTON_RULES } from "../rules/catalog-tekton";

// Each Tekton rule fires on a small positive case and stays quiet on its negative twin.

function scan(files: Record<string, string>): AnalysisResult {
  return analyzeFiles(Object.entries(files).map(([path, content]) => ({ path, content })), undefined, { root: "repo" });
}

/** A PipelineRun with Pipelines-as-Code annotations, an optional account and inline tasks. */
function run(o: { annotations: string; sa?: string; tasks: string; workspaces?: string }): string {
  return [
    "apiVersion: tekton.dev/v1",
    "kind: PipelineRun",
    "metadata:",
    "  name: ci",
    "  annotations:",
    o.annotations,
    "spec:",
    ...(o.sa !== undefined ? ["  taskRunTemplate:", `    serviceAccountName: ${o.sa}`] : []),
    ...(o.workspaces !== undefined ? [o.workspaces] : []),
    "  pipelineSpec:",
    "    tasks:",
    o.tasks,
  ].join("\n");
}

const PR = '    pipelinesascode.tekton.dev/on-event: "[pull_request]"';
const PUSH = '    pipelinesascode.tekton.dev/on-event: "[push]"';
const BUILD = "      - name: build\n        taskSpec:\n          steps: [{ name: s, image: alpine, script: make test }]";
const PUBLISH = "      - name: image\n        taskSpec:\n          steps: [{ name: s, image: quay.io/buildah/stable, script: buildah push quay.io/acme/app }]";
const DEPLOY = "      - name: rollout\n        taskSpec:\n          steps: [{ name: s, image: bitnami/kubectl, script: kubectl apply -f k8s/ }]";
const SECRET_TASK = "      - name: test\n        taskSpec:\n          steps:\n            - name: s\n              image: alpine\n              env: [{ name: API_KEY, valueFrom: { secretKeyRef: { name: api, key: key } } }]\n              script: make test";
const GIT_AUTH_TASK = "      - name: clone\n        taskSpec:\n          steps:\n            - name: s\n              image: alpine\n              env: [{ name: GITHUB_TOKEN, valueFrom: { secretKeyRef: { name: '{{ git_auth_secret }}', key: git-provider-token } } }]\n              script: git fetch";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const remoteTask = (revision: string) =>
  `apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: p\nspec:\n  tasks:\n    - name: lint\n      taskRef:\n        resolver: git\n        params:\n          - { name: url, value: https://github.com/o/catalog }\n          - { name: revision, value: ${revision} }\n          - { name: pathInRepo, value: lint.yaml }\n`;
const repository = (settings: string, provider = "") =>
  `apiVersion: "pipelinesascode.tekton.dev/v1alpha1"\nkind: Repository\nmetadata:\n  name: app\nspec:\n  url: https://github.com/acme/app\n${settings}${provider}`;

interface Case {
  pos: Record<string, string>;
  neg: Record<string, string>;
  severity?: string;
}

const CASES: Record<string, Case> = {
  "tekton-pr-service-account": {
    pos: { ".tekton/pr.yaml": run({ annotations: PR, sa: "builder", tasks: `${BUILD}\n${DEPLOY}` }) },
    neg: { ".tekton/pr.yaml": run({ annotations: PR, sa: "builder", tasks: BUILD }), ".tekton/push.yaml": run({ annotations: PUSH, sa: "builder", tasks: DEPLOY }) },
    severity: "critical",
  },
  "tekton-secret-in-untrusted-task": {
    pos: { ".tekton/pr.yaml": run({ annotations: PR, sa: "builder", tasks: SECRET_TASK }) },
    neg: { ".tekton/pr.yaml": run({ annotations: PR, sa: "builder", tasks: GIT_AUTH_TASK }), ".tekton/push.yaml": run({ annotations: PUSH, sa: "builder", tasks: SECRET_TASK }) },
  },
  "tekton-unpinned-reference": {
    pos: { "tekton/p.yaml": remoteTask("main") },
    neg: { "tekton/p.yaml": remoteTask(SHA), "tekton/q.yaml": remoteTask("$(params.revision)").replace("name: p", "name: q") },
    severity: "medium",
  },
  "tekton-cel-any-event": {
    pos: { ".tekton/a.yaml": run({ annotations: '    pipelinesascode.tekton.dev/on-cel-expression: target_branch == "main"', sa: "deployer", tasks: DEPLOY }) },
    neg: { ".tekton/a.yaml": run({ annotations: '    pipelinesascode.tekton.dev/on-cel-expression: event == "push" && target_branch == "main"', sa: "deployer", tasks: DEPLOY }) },
    severity: "high",
  },
  "tekton-cel-admits-forks": {
    pos: { ".tekton/a.yaml": run({ annotations: '    pipelinesascode.tekton.dev/on-cel-expression: event == "pull_request" && source_branch.startsWith("release-")', sa: "releaser", tasks: PUBLISH }) },
    neg: {
      ".tekton/a.yaml": run({ annotations: '    pipelinesascode.tekton.dev/on-cel-expression: event == "pull_request" && source_branch.startsWith("release-") && source_url == target_url', sa: "releaser", tasks: PUBLISH }),
      ".tekton/b.yaml": run({ annotations: '    pipelinesascode.tekton.dev/on-cel-expression: event == "pull_request" && source_branch.startsWith("docs-")', tasks: BUILD }),
    },
  },
  "tekton-repository-source-provenance": {
    pos: { "pac/repo.yaml": repository("  settings:\n    pipelinerun_provenance: source\n") },
    neg: { "pac/repo.yaml": repository("  settings:\n    pipelinerun_provenance: default_branch\n") },
  },
  "tekton-repository-git-token": {
    pos: { "pac/repo.yaml": repository("  settings:\n    pipelinerun_provenance: default_branch\n", "  git_provider:\n    secret: { name: webhook-config, key: provider.token }\n    webhook_secret: { name: webhook-config, key: webhook.secret }\n") },
    neg: { "pac/repo.yaml": repository("  settings:\n    pipelinerun_provenance: default_branch\n", "  git_provider:\n    url: https://github.com\n") },
  },
};

function hits(r: AnalysisResult, rule: string): Finding[] {
  return r.findings.filter((f) => f.rule === rule);
}

describe("Tekton rule catalog", () => {
  it("has a positive and a negative case for every Tekton rule, each id prefixed tekton-", () => {
    expect(Object.keys(CASES).sort()).toEqual(TEKTON_RULES.map((r) => r.id).sort());
    for (const r of TEKTON_RULES) expect(r.id.startsWith("tekton-"), r.id).toBe(true);
  });
});

describe.each(Object.entries(CASES))("%s", (id, c) => {
  it("fires on the positive case with a line of the file and a message naming what it found", () => {
    const r = scan(c.pos);
    expect(r.errors).toEqual([]);
    const found = hits(r, id);
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect(f.root).toBe("repo");
      expect(f.line).toBeGreaterThan(0);
      expect(f.message.length).toBeGreaterThan(20);
      expect(f.fix.length).toBeGreaterThan(10);
    }
    if (c.severity !== undefined) expect(found[0]?.severity).toBe(c.severity);
  });

  it("stays quiet on the negative case", () => {
    const r = scan(c.neg);
    expect(r.errors).toEqual([]);
    expect(hits(r, id)).toEqual([]);
  });
});

describe("rule details", () => {
  it("reports a pull-request run under the default account at medium, naming where its rights are set", () => {
    const f = hits(scan({ ".tekton/pr.yaml": run({ annotations: PR, tasks: BUILD }) }), "tekton-pr-service-account");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: "medium", line: 1, job: "build" });
    expect(f[0]?.message).toMatch(/names no service account.*default.*set in the cluster/);
  });

  it("reports a publishing pull-request run at high, with the account and the registry", () => {
    const r = scan({ ".tekton/pr.yaml": run({ annotations: PR, sa: "builder", tasks: PUBLISH }) });
    const f = hits(r, "tekton-pr-service-account");
    expect(f).toMatchObject([{ severity: "high", line: 9, job: "image" }]);
    expect(f[0]?.message).toContain("service account builder");
  });

  it("names the secrets a pull-request task gets, on the line of the first", () => {
    const f = hits(scan({ ".tekton/pr.yaml": run({ annotations: PR, sa: "builder", tasks: SECRET_TASK }) }), "tekton-secret-in-untrusted-task");
    expect(f).toMatchObject([{ line: 17, job: "test", severity: "high" }]);
    expect(f[0]?.message).toContain("api/key");
  });

  it("raises an unpinned reference to high in a task that publishes, and reports it once per file", () => {
    const pipeline = `apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: release\nspec:\n  tasks:\n    - name: push\n      taskRef:\n        resolver: bundles\n        params:\n          - { name: bundle, value: "ghcr.io/tektoncd/catalog/upstream/tasks/buildah:0.7" }\n          - { name: name, value: buildah }\n`;
    const runFile = `apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: r\nspec:\n  pipelineRef: { name: release }\n`;
    const r = scan({ "tekton/pipeline.yaml": pipeline, "tekton/run.yaml": runFile });
    const f = hits(r, "tekton-unpinned-reference");
    expect(f).toMatchObject([{ path: "tekton/pipeline.yaml", severity: "high", line: 9 }]);
    expect(f[0]?.message).toContain("is a bundle by tag, not by digest");
  });

  it("does not read a Task of the cluster as an unpinned reference", () => {
    const pipeline = `apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: p\nspec:\n  tasks:\n    - name: t\n      taskRef: { name: installed-in-cluster }\n`;
    expect(hits(scan({ "p.yaml": pipeline }), "tekton-unpinned-reference")).toEqual([]);
  });

  it("says so when an on-cel-expression cannot be read", () => {
    const f = hits(scan({ ".tekton/a.yaml": run({ annotations: '    pipelinesascode.tekton.dev/on-cel-expression: event == "push" &&', tasks: BUILD }) }), "tekton-cel-any-event");
    expect(f[0]?.message).toMatch(/could not be read/);
    expect(f[0]?.severity).toBe("medium");
  });

  it("names the Repository's token secret and its webhook secret", () => {
    const f = hits(scan(CASES["tekton-repository-git-token"]?.pos ?? {}), "tekton-repository-git-token");
    expect(f[0]?.message).toContain("webhook-config/provider.token");
    expect(f[0]?.message).toContain("webhook secret webhook-config");
  });
});
