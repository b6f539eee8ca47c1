import { describe, expect, it } from "vitest";
import { analyzeFiles, createAnalysisCache, type AnalysisResult, type JobModel, type WorkflowModel } from "../index";

// The Tekton model, field by field, on small files (one repository per call).

function scan(files: Record<string, string>): AnalysisResult {
  return analyzeFiles(Object.entries(files).map(([path, content]) => ({ path, content })), undefined, { root: "repo" });
}

function model(r: AnalysisResult, path: string): WorkflowModel {
  const w = r.workflows.find((x) => x.path === path);
  if (w === undefined) throw new Error(`no model for ${path}: ${JSON.stringify(r.errors)}`);
  return w;
}

function job(w: WorkflowModel, id: string): JobModel {
  const j = w.jobs.find((x) => x.id === id);
  if (j === undefined) throw new Error(`no job ${id} in ${w.jobs.map((x) => x.id).join(", ")}`);
  return j;
}

const PR_RUN = `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: app-on-pull-request
  namespace: app-tenant
  annotations:
    pipelinesascode.tekton.dev/on-event: "[pull_request, push]"
    pipelinesascode.tekton.dev/on-target-branch: "[main, refs/tags/v*]"
spec:
  params:
    - name: output-image
      value: quay.io/acme/app:{{revision}}
  taskRunTemplate:
    serviceAccountName: build-pipeline-app
  taskRunSpecs:
    - pipelineTaskName: deploy
      serviceAccountName: deployer
  workspaces:
    - name: git-auth
      secret:
        secretName: "{{ git_auth_secret }}"
    - name: push-creds
      secret:
        secretName: quay-push-secret
  pipelineRef:
    name: build
`;

const PIPELINE = `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: build
spec:
  params:
    - name: output-image
  workspaces:
    - name: git-auth
    - name: push-creds
  results:
    - name: IMAGE_URL
      value: $(tasks.build-image.results.IMAGE_URL)
  tasks:
    - name: clone
      taskRef:
        resolver: bundles
        params:
          - { name: bundle, value: "quay.io/konflux-ci/tekton-catalog/task-git-clone:0.1@sha256:${"a".repeat(64)}" }
          - { name: name, value: git-clone }
      workspaces:
        - { name: basic-auth, workspace: git-auth }
    - name: build-image
      params:
        - { name: IMAGE, value: $(params.output-image) }
      taskRef:
        resolver: bundles
        params:
          - { name: bundle, value: "quay.io/konflux-ci/tekton-catalog/task-buildah:0.4" }
          - { name: name, value: buildah }
      workspaces:
        - { name: dockerconfig, workspace: push-creds }
    - name: deploy
      taskRef:
        name: deploy-app
  finally:
    - name: notify
      displayName: Tell the team
      taskSpec:
        steps:
          - name: post
            image: curlimages/curl
            env:
              - name: SLACK_WEBHOOK
                valueFrom:
                  secretKeyRef: { name: slack, key: url }
            script: curl -X POST "$SLACK_WEBHOOK"
`;

const DEPLOY_TASK = `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: deploy-app
spec:
  params:
    - name: kubeconfig-secret
      default: prod-kubeconfig
  volumes:
    - name: kube
      secret:
        secretName: $(params.kubeconfig-secret)
  steps:
    - name: apply
      image: bitnami/kubectl
      env:
        - name: KUBECONFIG
          value: /kube/config
      script: kubectl apply -f manifests/
`;

describe("a Pipelines-as-Code PipelineRun whose Pipeline and Task are other files", () => {
  const r = scan({ ".tekton/pr.yaml": PR_RUN, ".tekton/pipeline.yaml": PIPELINE, ".tekton/tasks/deploy.yaml": DEPLOY_TASK });
  const w = model(r, ".tekton/pr.yaml");

  it("is one model of system tekton named after the run, with its triggers and filters", () => {
    expect(r.errors).toEqual([]);
    expect(w.system).toBe("tekton");
    expect(w.name).toBe("app-on-pull-request");
    expect(w.triggers).toEqual(["pull_request", "push"]);
    expect(w.untrustedTriggers).toEqual(["pull_request"]);
    expect(w.triggerFilters).toEqual({ pull_request: { branches: ["main"], tags: ["v*"] }, push: { branches: ["main"], tags: ["v*"] } });
  });

  it("has one job per pipeline task (finally included), defined in the Pipeline's file", () => {
    expect(w.jobs.map((j) => j.id)).toEqual(["clone", "build-image", "deploy", "notify"]);
    for (const j of w.jobs) {
      expect(j.permissions).toBeNull();
      expect(j.permissionsSource).toBe("default");
      expect(j.githubToken).toBe(false);
      expect(j.selfHosted).toBe(true);
      expect(j.runsOn).toEqual([]);
      expect(j.environment).toBeNull();
      expect(j.calls).toBeNull();
      expect(j.runsUntrustedCode).toBe(true);
      expect(j.phase).toBe("build-untrusted");
      expect(j.line).toBe(26);
    }
    expect(job(w, "notify").definedIn).toBe(".tekton/pipeline.yaml");
    expect(job(w, "deploy").definedIn).toBe(".tekton/tasks/deploy.yaml");
    expect(job(w, "deploy").taskRef).toBe("deploy-app");
    expect(job(w, "notify").taskRef).toBe("inline");
    expect(w.jobs.map((j) => j.name)).toEqual([null, null, null, "Tell the team"]);
  });

  it("runs each task as the run's service account, or the one taskRunSpecs names", () => {
    expect(job(w, "clone").serviceAccount).toBe("app-tenant/build-pipeline-app");
    expect(job(w, "deploy").serviceAccount).toBe("app-tenant/deployer");
    expect(job(w, "clone").identities).toContainEqual({ kind: "k8s-service-account", id: "app-tenant/build-pipeline-app", oidc: false, line: 14, source: "tekton" });
  });

  it("gives each task the run's secret workspaces it binds, Pipelines-as-Code's git token by its template name", () => {
    expect(job(w, "clone").secrets).toEqual([{ name: "{{ git_auth_secret }}", via: "workspace", line: 21 }]);
    expect(job(w, "build-image").secrets).toEqual([{ name: "quay-push-secret", via: "workspace", line: 24 }]);
  });

  it("reads secrets of a Task in another file with that file and its params' defaults", () => {
    expect(job(w, "deploy").secrets).toEqual([{ name: "prod-kubeconfig", via: "volume", line: 12, action: ".tekton/tasks/deploy.yaml" }]);
    expect(job(w, "notify").secrets).toEqual([{ name: "slack/url", via: "secret-ref", step: 1, line: 46, action: ".tekton/pipeline.yaml" }]);
  });

  it("records remote task references with their pinning, in the file that writes them", () => {
    expect(job(w, "clone").uses).toEqual([{ uses: `bundles:quay.io/konflux-ci/tekton-catalog/task-git-clone:0.1@sha256:${"a".repeat(64)}`, pinned: true, line: 17, action: ".tekton/pipeline.yaml" }]);
    expect(job(w, "build-image").uses[0]?.pinned).toBe(false);
  });

  it("sees what tasks do: buildah publishes to the run's image registry (signed by Chains), kubectl deploys with a mounted kubeconfig", () => {
    expect(job(w, "build-image").systems).toEqual(expect.arrayContaining([{ kind: "container-registry", id: "quay.io", heuristic: true }, { kind: "sigstore", id: "tekton-chains", heuristic: true }]));
    expect(job(w, "build-image").identities.map((i) => i.kind)).toEqual(expect.arrayContaining(["registry-login", "tekton-chains"]));
    expect(job(w, "deploy").identities.find((i) => i.kind === "kubeconfig")).toMatchObject({ id: "prod-kubeconfig", secrets: ["prod-kubeconfig"], heuristic: true });
    expect(job(w, "deploy").systems.map((s) => s.kind)).toContain("kubernetes");
  });

  it("models the Pipeline and the Task on their own too, with no run around them", () => {
    const p = model(r, ".tekton/pipeline.yaml");
    expect(p.name).toBe("build");
    expect(p.triggers).toEqual([]);
    expect(job(p, "build-image").phase).toBe("publish");
    expect(job(p, "build-image").serviceAccount).toBeUndefined();
    expect(job(p, "build-image").secrets).toEqual([]);
    const t = model(r, ".tekton/tasks/deploy.yaml");
    expect(t.jobs.map((j) => [j.id, j.phase])).toEqual([["deploy-app", "deploy"]]);
  });
});

describe("triggers", () => {
  const run = (annotations: string, extra = "") =>
    `apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: r\n  annotations:\n${annotations}\nspec:\n${extra}  pipelineSpec:\n    tasks:\n      - name: t\n        taskSpec:\n          steps: [{ name: s, image: alpine, script: make }]\n`;

  it("takes on-cel-expression over on-event, with its branches", () => {
    const w = model(scan({ ".tekton/a.yaml": run(`    pipelinesascode.tekton.dev/on-event: "[pull_request]"\n    pipelinesascode.tekton.dev/on-cel-expression: event == "push" && target_branch.startsWith("release-")`) }), ".tekton/a.yaml");
    expect(w.triggers).toEqual(["push"]);
    expect(w.untrustedTriggers).toEqual([]);
    expect(w.triggerFilters).toEqual({ push: { branches: ["release-*"] } });
    expect(w.jobs[0]?.runsUntrustedCode).toBe(false);
  });

  it("counts on-comment as an untrusted trigger", () => {
    const w = model(scan({ ".tekton/a.yaml": run(`    pipelinesascode.tekton.dev/on-comment: "^/deploy"`) }), ".tekton/a.yaml");
    expect(w.triggers).toEqual(["comment"]);
    expect(w.untrustedTriggers).toEqual(["comment"]);
  });

  it("takes Lighthouse presubmits and postsubmits from the triggers.yaml that names the file", () => {
    const config = `apiVersion: config.lighthouse.jenkins-x.io/v1alpha1\nkind: TriggerConfig\nspec:\n  presubmits:\n    - name: pr\n      source: pullrequest.yaml\n  postsubmits:\n    - name: release\n      source: release.yaml\n      branches: [main]\n`;
    const bare = `apiVersion: tekton.dev/v1beta1\nkind: PipelineRun\nmetadata:\n  name: x\nspec:\n  serviceAccountName: tekton-bot\n  pipelineSpec:\n    tasks:\n      - name: t\n        taskSpec:\n          steps: [{ name: s, image: alpine, script: make }]\n`;
    const r = scan({ ".lighthouse/jx/triggers.yaml": config, ".lighthouse/jx/pullrequest.yaml": bare, ".lighthouse/jx/release.yaml": bare });
    expect(r.workflows.map((w) => w.path).sort()).toEqual([".lighthouse/jx/pullrequest.yaml", ".lighthouse/jx/release.yaml"]);
    expect(model(r, ".lighthouse/jx/pullrequest.yaml").untrustedTriggers).toEqual(["pull_request"]);
    expect(model(r, ".lighthouse/jx/release.yaml").triggers).toEqual(["push"]);
    expect(model(r, ".lighthouse/jx/release.yaml").triggerFilters).toEqual({ push: { branches: ["main"] } });
    expect(job(model(r, ".lighthouse/jx/release.yaml"), "t").serviceAccount).toBe("tekton-bot");
  });

  describe("Tekton Triggers: EventListener → Trigger → TriggerTemplate", () => {
    const template = (name: string) =>
      `apiVersion: triggers.tekton.dev/v1beta1\nkind: TriggerTemplate\nmetadata:\n  name: ${name}\nspec:\n  resourcetemplates:\n    - apiVersion: tekton.dev/v1\n      kind: PipelineRun\n      metadata:\n        generateName: $(tt.params.id)-\n      spec:\n        taskRunTemplate:\n          serviceAccountName: ci-bot\n        pipelineSpec:\n          tasks:\n            - name: build\n              taskSpec:\n                steps: [{ name: s, image: alpine, script: make }]\n`;
    const github = (events: string) => `        - ref: { name: github, kind: ClusterInterceptor }\n          params:\n            - name: eventTypes\n              value: ${events}\n`;

    it("follows a listener's inline trigger and its github interceptor's event types, in another file", () => {
      const listener = `apiVersion: triggers.tekton.dev/v1beta1\nkind: EventListener\nmetadata:\n  name: ci\nspec:\n  triggers:\n    - name: pr\n      interceptors:\n${github('["pull_request"]')}      template:\n        ref: pr-template\n`;
      const r = scan({ "ci/listener.yaml": listener, "ci/pr-template.yaml": template("pr-template") });
      // The listener alone is no pipeline: only the template's run is.
      expect(r.workflows.map((w) => w.path)).toEqual(["ci/pr-template.yaml"]);
      const w = model(r, "ci/pr-template.yaml");
      expect(w.triggers).toEqual(["pull_request"]);
      expect(w.untrustedTriggers).toEqual(["pull_request"]);
      expect(job(w, "build").runsUntrustedCode).toBe(true);
      expect(r.errors).toEqual([]);
    });

    it("narrows a trigger group's interceptors by the Trigger's own, picked by label; a CEL header match names the event", () => {
      const listener = `apiVersion: triggers.tekton.dev/v1beta1\nkind: EventListener\nmetadata:\n  name: ci\nspec:\n  triggerGroups:\n    - name: g\n      interceptors:\n${github('["pull_request", "push"]')}      triggerSelector:\n        labelSelector:\n          matchLabels:\n            ci/type: github\n`;
      const trigger = `apiVersion: triggers.tekton.dev/v1beta1\nkind: Trigger\nmetadata:\n  name: push-only\n  labels:\n    ci/type: github\nspec:\n  interceptors:\n    - ref: { name: cel }\n      params:\n        - name: filter\n          value: "header.match('X-GitHub-Event', 'push') && body.ref == 'refs/heads/main'"\n  template:\n    ref: release\n`;
      const other = trigger.replace("ci/type: github", "ci/type: gitlab").replace("name: push-only", "name: unselected").replace("ref: release", "ref: never");
      const r = scan({ "ci/listener.yaml": listener, "ci/trigger.yaml": trigger, "ci/other.yaml": other, "ci/release.yaml": template("release"), "ci/never.yaml": template("never") });
      expect(model(r, "ci/release.yaml").triggers).toEqual(["push"]);
      expect(model(r, "ci/release.yaml").untrustedTriggers).toEqual([]);
      expect(model(r, "ci/never.yaml").triggers).toEqual([]);
    });

    it("reads v1alpha1 interceptors and GitLab's event names; a listener that does not look at the event starts the run on any (webhook)", () => {
      const listener = `apiVersion: triggers.tekton.dev/v1alpha1\nkind: EventListener\nmetadata:\n  name: lab\nspec:\n  triggers:\n    - name: mr\n      interceptors:\n        - gitlab:\n            eventTypes: ["Merge Request Hook"]\n      template:\n        name: mr\n    - name: any\n      interceptors:\n        - cel:\n            filter: "body.object_kind == 'note'"\n      template:\n        name: any\n`;
      const r = scan({ "ci/listener.yaml": listener, "ci/mr.yaml": template("mr").replace("script: make", "script: kubectl apply -f k8s/"), "ci/any.yaml": template("any") });
      expect(model(r, "ci/mr.yaml").untrustedTriggers).toEqual(["pull_request"]);
      expect(model(r, "ci/any.yaml").triggers).toEqual(["webhook"]);
      expect(model(r, "ci/any.yaml").untrustedTriggers).toEqual([]);
      const finding = r.findings.find((f) => f.path === "ci/mr.yaml" && f.rule === "tekton-pr-service-account");
      expect(finding?.message).toContain("EventListener lab starts it");
      expect(finding?.message).not.toContain("change the run's definition");
    });
  });

  it("knows no trigger for a run nothing starts from the repository, and uses the default service account", () => {
    const w = model(scan({ "ci/run.yaml": run("    note: none") }), "ci/run.yaml");
    expect(w.triggers).toEqual([]);
    expect(w.triggerFilters).toBeUndefined();
    expect(w.jobs[0]?.serviceAccount).toBe("default");
    expect(w.jobs[0]?.identities[0]).toMatchObject({ kind: "k8s-service-account", id: "default", source: "tekton-default" });
  });
});

describe("remote references and their pinning", () => {
  const pipeline = (taskRef: string) => `apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: p\nspec:\n  tasks:\n    - name: t\n      taskRef:\n${taskRef}\n`;
  const uses = (taskRef: string) => scan({ "p.yaml": pipeline(taskRef) }).workflows[0]?.jobs[0]?.uses[0];
  const SHA = "0123456789abcdef0123456789abcdef01234567";

  it.each([
    ["a git resolver at a commit", `        resolver: git\n        params:\n          - { name: url, value: https://github.com/o/r }\n          - { name: revision, value: ${SHA} }\n          - { name: pathInRepo, value: task/x.yaml }`, `git:https://github.com/o/r/task/x.yaml@${SHA}`, true],
    ["a git resolver on a branch", `        resolver: git\n        params:\n          - { name: url, value: https://github.com/o/r.git }\n          - { name: revision, value: main }\n          - { name: pathInRepo, value: task/x.yaml }`, "git:https://github.com/o/r/task/x.yaml@main", false],
    ["a git resolver at Pipelines-as-Code's revision", `        resolver: git\n        params:\n          - { name: org, value: o }\n          - { name: repo, value: r }\n          - { name: revision, value: "{{ revision }}" }\n          - { name: pathInRepo, value: x.yaml }`, "git:o/r/x.yaml@{{ revision }}", true],
    ["a hub task without version", `        resolver: hub\n        params:\n          - { name: name, value: git-clone }`, "hub:git-clone@latest", false],
    ["an http URL on a branch", `        resolver: http\n        params:\n          - { name: url, value: "https://raw.githubusercontent.com/o/r/main/x.yaml" }`, "https://raw.githubusercontent.com/o/r/main/x.yaml", false],
    ["an http URL at a commit", `        resolver: http\n        params:\n          - { name: url, value: "https://raw.githubusercontent.com/o/r/${SHA}/x.yaml" }`, `https://raw.githubusercontent.com/o/r/${SHA}/x.yaml`, true],
    ["an old-style bundle by tag", "        name: x\n        bundle: gcr.io/x/catalog:0.1", "bundles:gcr.io/x/catalog:0.1", false],
    ["a Task only the cluster has", "        name: not-in-the-repository", "cluster:not-in-the-repository", false],
  ])("%s", (_what, ref, expected, pinned) => {
    expect(uses(ref)).toEqual({ uses: expected, pinned, line: 9 });
  });

  it("reads Pipelines-as-Code task annotations: hub names and versions, URLs, files of the repository", () => {
    const run = `apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: r\n  annotations:\n    pipelinesascode.tekton.dev/on-event: "[push]"\n    pipelinesascode.tekton.dev/task: "[git-clone, golang-test:0.2, .tekton/tasks/lint.yaml]"\nspec:\n  pipelineSpec:\n    tasks:\n      - name: clone\n        taskRef: { name: git-clone }\n      - name: test\n        taskRef: { name: golang-test }\n      - name: lint\n        taskRef: { name: lint }\n`;
    const lint = `apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: lint\nspec:\n  steps: [{ name: s, image: golangci/golangci-lint, script: golangci-lint run }]\n`;
    const w = model(scan({ ".tekton/run.yaml": run, ".tekton/tasks/lint.yaml": lint }), ".tekton/run.yaml");
    expect(job(w, "clone").uses).toEqual([{ uses: "hub:git-clone@latest", pinned: false, line: 7 }]);
    expect(job(w, "test").uses).toEqual([{ uses: "hub:golang-test@0.2", pinned: false, line: 7 }]);
    expect(job(w, "lint").definedIn).toBe(".tekton/tasks/lint.yaml");
  });

  it("stands one job for a run whose Pipeline is remote, holding all the run's secrets", () => {
    const run = `apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: r\nspec:\n  serviceAccountName: sa\n  pipelineRef:\n    resolver: git\n    params:\n      - { name: url, value: https://github.com/o/pipelines }\n      - { name: revision, value: main }\n      - { name: pathInRepo, value: pipelines/docker-build.yaml }\n  workspaces:\n    - name: creds\n      secret: { secretName: registry-creds }\n`;
    const w = model(scan({ "run.yaml": run }), "run.yaml");
    expect(w.jobs.map((j) => j.id)).toEqual(["docker-build"]);
    expect(w.jobs[0]?.secrets).toEqual([{ name: "registry-creds", via: "workspace", line: 15 }]);
    expect(w.jobs[0]?.uses).toEqual([{ uses: "git:https://github.com/o/pipelines/pipelines/docker-build.yaml@main", pinned: false, line: 8 }]);
  });

  it("follows a step's StepAction in the repository, and records a remote one", () => {
    const task = `apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: t\nspec:\n  steps:\n    - name: local\n      ref: { name: upload }\n      params: [{ name: bucket-secret, value: gcs-writer }]\n    - name: remote\n      ref:\n        resolver: http\n        params: [{ name: url, value: "https://example.com/step.yaml" }]\n`;
    const action = `apiVersion: tekton.dev/v1beta1\nkind: StepAction\nmetadata:\n  name: upload\nspec:\n  params: [{ name: bucket-secret }]\n  image: google/cloud-sdk\n  env:\n    - name: TOKEN\n      valueFrom: { secretKeyRef: { name: $(params.bucket-secret), key: token } }\n  script: gsutil cp out gs://bucket\n`;
    const r = scan({ "task.yaml": task, "step.yaml": action });
    const j = job(model(r, "task.yaml"), "t");
    expect(j.secrets).toEqual([{ name: "gcs-writer/token", via: "secret-ref", step: 1, line: 10, action: "step.yaml" }]);
    expect(j.uses).toEqual([{ uses: "https://example.com/step.yaml", pinned: false, line: 12, step: 2 }]);
    expect(j.phase).toBe("publish");
    expect(model(r, "step.yaml").jobs.map((x) => x.id)).toEqual(["upload"]);
  });
});

describe("credentials a task holds", () => {
  const task = (spec: string) => `apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: t\nspec:\n${spec}`;
  const one = (spec: string): JobModel => {
    const r = scan({ "t.yaml": task(spec) });
    expect(r.errors).toEqual([]);
    return r.workflows[0]?.jobs[0] as JobModel;
  };

  it("reads envFrom secrets and ConfigMaps, secretKeyRef env and configMapKeyRef vars", () => {
    const j = one(`  steps:\n    - name: s\n      image: alpine\n      envFrom:\n        - secretRef: { name: all-keys }\n        - configMapRef: { name: settings }\n      env:\n        - name: X\n          valueFrom: { configMapKeyRef: { name: cm, key: x } }\n      script: make\n`);
    expect(j.secrets).toEqual([{ name: "all-keys/*", via: "secret-ref", step: 1, line: 10 }]);
    expect(j.vars).toEqual([{ name: "cm/x", line: 14 }, { name: "settings/*", line: 11 }]);
  });

  it("reads params whose names say token, but not those that name a secret", () => {
    const j = one(`  params:\n    - name: GITHUB_TOKEN\n    - name: token-secret\n    - name: API_KEY\n  volumes:\n    - name: v\n      secret: { secretName: $(params.API_KEY) }\n  steps: [{ name: s, image: alpine, script: make }]\n`);
    expect(j.secrets.filter((s) => s.via === "param")).toEqual([{ name: "GITHUB_TOKEN", via: "param", line: 7 }]);
  });

  it("reads a projected service-account token with an audience as an OIDC token, and the AWS role it assumes", () => {
    const j = one(
      `  volumes:\n    - name: token\n      projected:\n        sources:\n          - serviceAccountToken: { audience: sts.amazonaws.com, path: token }\n  steps:\n    - name: s\n      image: amazon/aws-cli\n      env:\n        - { name: AWS_ROLE_ARN, value: "arn:aws:iam::123456789012:role/deploy" }\n        - { name: AWS_WEB_IDENTITY_TOKEN_FILE, value: /var/run/token }\n      script: aws s3 sync out s3://bucket\n`,
    );
    expect(j.idToken).toBe(true);
    expect(j.identities).toContainEqual({ kind: "aws-role", id: "arn:aws:iam::123456789012:role/deploy", oidc: true, line: 15, source: "env", audience: "sts.amazonaws.com" });
    expect(j.systems).toContainEqual({ kind: "aws-account", id: "123456789012" });
  });

  it("reads a static AWS key from a secret (a deploy credential), a GitHub token, and a docker login in a script", () => {
    const j = one(
      `  steps:\n    - name: s\n      image: alpine\n      env:\n        - name: AWS_ACCESS_KEY_ID\n          valueFrom: { secretKeyRef: { name: aws, key: id } }\n        - name: GITHUB_TOKEN\n          valueFrom: { secretKeyRef: { name: bot, key: token } }\n      script: |\n        docker login ghcr.io -u bot\n        docker push ghcr.io/acme/app\n`,
    );
    expect(j.idToken).toBe(false);
    expect(j.identities.map((i) => `${i.kind}:${i.id}`).sort()).toEqual(["aws-access-key:aws/id", "github-pat:bot/token", "registry-login:ghcr.io"]);
    expect(j.phase).toBe("deploy");
  });

  it("reads a token the run's pod template projects as every task's OIDC token, on the account; the namespace from target-namespace", () => {
    const run = `apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: r\n  annotations:\n    pipelinesascode.tekton.dev/on-event: "[push]"\n    pipelinesascode.tekton.dev/target-namespace: releases\nspec:\n  taskRunTemplate:\n    serviceAccountName: releaser\n    podTemplate:\n      volumes:\n        - name: oidc\n          projected:\n            sources:\n              - serviceAccountToken: { audience: "https://vault.example.com", path: token }\n              - secret: { name: extra-ca }\n  pipelineSpec:\n    tasks:\n      - name: t\n        taskSpec:\n          steps: [{ name: s, image: alpine, script: make }]\n`;
    const j = model(scan({ ".tekton/r.yaml": run }), ".tekton/r.yaml").jobs[0] as JobModel;
    expect(j.idToken).toBe(true);
    expect(j.serviceAccount).toBe("releases/releaser");
    expect(j.identities[0]).toMatchObject({ kind: "k8s-service-account", id: "releases/releaser", oidc: true, audience: "https://vault.example.com" });
    expect(j.secrets).toEqual([{ name: "extra-ca", via: "volume", line: 17 }]);
  });

  it("reads cosign keyless signing in a script", () => {
    const j = one(`  steps: [{ name: s, image: cosign, script: "cosign sign --yes ghcr.io/acme/app" }]\n`);
    expect(j.identities).toContainEqual(expect.objectContaining({ kind: "cosign-keyless", oidc: true }));
  });
});

describe("files", () => {
  it("reads every document of a file and List items; jobs of several runs carry their run's name", () => {
    const run = (name: string) => `apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: ${name}\nspec:\n  pipelineSpec:\n    tasks:\n      - name: build\n        taskSpec:\n          steps: [{ name: s, image: alpine, script: make }]\n`;
    const list = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: tekton.dev/v1\n    kind: Task\n    metadata: { name: extra }\n    spec:\n      steps: [{ name: s, image: alpine, script: make }]\n`;
    const w = model(scan({ "runs.yaml": `${run("a")}---\n${run("b")}---\n${list}` }), "runs.yaml");
    expect(w.name).toBe("a");
    expect(w.jobs.map((j) => j.id)).toEqual(["a/build", "b/build", "extra"]);
  });

  it("reads a TriggerTemplate's runs under the template's name", () => {
    const tt = `apiVersion: triggers.tekton.dev/v1beta1\nkind: TriggerTemplate\nmetadata:\n  name: nightly\nspec:\n  resourcetemplates:\n    - apiVersion: tekton.dev/v1\n      kind: TaskRun\n      metadata:\n        generateName: nightly-\n      spec:\n        serviceAccountName: releaser\n        taskSpec:\n          steps: [{ name: s, image: alpine, script: make release }]\n`;
    const w = model(scan({ "tt.yaml": tt }), "tt.yaml");
    expect(w.name).toBe("nightly");
    expect(w.jobs.map((j) => [j.id, j.serviceAccount])).toEqual([["nightly", "releaser"]]);
  });

  it("gives a Repository CRD or a TriggerConfig alone no model", () => {
    const repo = `apiVersion: "pipelinesascode.tekton.dev/v1alpha1"\nkind: Repository\nmetadata:\n  name: r\nspec:\n  url: https://github.com/acme/app\n  settings:\n    pipelinerun_provenance: default_branch\n`;
    const r = scan({ "repo.yaml": repo });
    expect(r.workflows).toEqual([]);
    expect(r.findings).toEqual([]);
    expect(r.errors).toEqual([]);
  });

  it("re-analyses a run from the cache when another Tekton file of the repository changes", () => {
    const cache = createAnalysisCache();
    const files = (secret: string) => [
      { path: ".tekton/pr.yaml", content: PR_RUN },
      { path: ".tekton/pipeline.yaml", content: PIPELINE },
      { path: ".tekton/tasks/deploy.yaml", content: DEPLOY_TASK.replace("prod-kubeconfig", secret) },
    ];
    const first = analyzeFiles(files("prod-kubeconfig"), undefined, { cache });
    expect(analyzeFiles(files("prod-kubeconfig"), undefined, { cache })).toEqual(first);
    const changed = analyzeFiles(files("staging-kubeconfig"), undefined, { cache });
    expect(job(model(first, ".tekton/pr.yaml"), "deploy").secrets.map((s) => s.name)).toEqual(["prod-kubeconfig"]);
    expect(job(model(changed, ".tekton/pr.yaml"), "deploy").secrets.map((s) => s.name)).toEqual(["staging-kubeconfig"]);
  });

  it("refuses invalid YAML and alias bombs with a sentence, as for any file", () => {
    const bomb = `apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata: { name: p }\nx:\n  step: &step { name: s, image: alpine, script: make }\n  steps: &steps [${Array(50).fill("*step").join(", ")}]\n  task: &task { name: t, taskSpec: { steps: *steps } }\nspec:\n  tasks: [${Array(20).fill("*task").join(", ")}]\n`;
    const r = analyzeFiles([{ path: "bad.yaml", content: "apiVersion: tekton.dev/v1\nkind: Task\nspec: [\n" }, { path: "bomb.yaml", content: bomb }], undefined, { root: "repo", limits: { maxNodes: 500 } });
    expect(r.errors.map((e) => e.path).sort()).toEqual(["bad.yaml", "bomb.yaml"]);
    expect(r.errors.find((e) => e.path === "bad.yaml")?.message).toMatch(/^invalid YAML \(Line: \d+, Col: \d+\)/);
    expect(r.errors.find((e) => e.path === "bomb.yaml")?.message).toMatch(/too many YAML nodes/);
    expect(r.findings.map((f) => f.rule)).toEqual(["parse-error", "parse-error"]);
  });
});
