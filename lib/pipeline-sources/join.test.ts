import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeFiles } from "@/lib/analysis";
import { readBuildkiteOrg } from "@/lib/buildkite/read";
import type { BuildkiteOrgRead } from "@/lib/buildkite/types";
import { readCluster } from "@/lib/kubernetes/read";
import type { ClusterRead } from "@/lib/kubernetes/types";
import { startBuildkiteSim, type BuildkiteSim } from "@/sim/buildkite";
import { buildkiteAcme, buildkiteAcmeTokens } from "@/sim/fixtures/buildkite-acme";
import { K8S_ACME_TOKENS, k8sAcme, k8sAcmeTokens } from "@/sim/fixtures/k8s-acme";
import { startKubernetesSim, type KubeSim } from "@/sim/kubernetes";
import { joinBuildkite, joinCluster, repoOfUrl, type InventoryPipelineFile, type PipelineInventory } from "./join";
import { sourceFindings } from "./rules";

// The join and the rules on acme's demo: its Buildkite organization and cluster read by the real
// readers from the simulators, its repositories' files analysed as the sync does.

const REPOS = join(process.cwd(), "sim/fixtures/acme/repos");
const walk = (dir: string, base = ""): string[] =>
  readdirSync(join(dir, base)).flatMap((n) => (statSync(join(dir, base, n)).isDirectory() ? walk(dir, join(base, n)) : [join(base, n)]));

/** acme's Buildkite and Tekton files as the inventory holds them (repository `acme/<dir>`). */
function acmeInventory(): PipelineInventory {
  const files: InventoryPipelineFile[] = [];
  for (const name of ["payments-service", "mobile-app", "k8s-platform"]) {
    const sources = walk(join(REPOS, name)).map((path) => ({ path, content: readFileSync(join(REPOS, name, path), "utf8") }));
    for (const w of analyzeFiles(sources).workflows) {
      if (w.system === "github-actions") continue;
      files.push({
        workflowId: `${name}:${w.path}`,
        repo: `acme/${name}`,
        path: w.path,
        system: w.system,
        text: sources.find((s) => s.path === w.path)!.content,
        triggers: w.triggers,
        jobs: w.jobs.map((j) => ({ key: j.id, serviceAccount: j.identities.find((i) => i.kind === "k8s-service-account")?.id ?? null })),
      });
    }
  }
  return { repos: ["acme/payments-service", "acme/mobile-app", "acme/k8s-platform", "acme/api"], files };
}

let bk: BuildkiteSim;
let kube: KubeSim;
let bkRead: BuildkiteOrgRead;
let kubeRead: ClusterRead;
beforeAll(async () => {
  bk = await startBuildkiteSim({ fixture: buildkiteAcme, tokens: buildkiteAcmeTokens });
  kube = await startKubernetesSim({ fixture: k8sAcme(), tokens: k8sAcmeTokens() });
  bkRead = await readBuildkiteOrg({ apiUrl: bk.url, orgSlug: "acme", token: "bkua_acme_reader" });
  kubeRead = await readCluster({ server: kube.url, token: K8S_ACME_TOKENS.reader.token, skipTLSVerify: true });
});
afterAll(async () => {
  await bk.close();
  await kube.close();
});

describe("repoOfUrl", () => {
  it("reads GitHub remotes in their usual spellings", () => {
    expect(["git@github.com:Acme/X.git", "https://github.com/acme/x", "https://github.com/acme/x.git", "ssh://git@github.com/acme/x.git", "https://gitlab.com/acme/x"].map(repoOfUrl)).toEqual(["acme/x", "acme/x", "acme/x", "acme/x", null]);
  });
});

const brief = (f: { rule: string; severity: string; resource: string; repo: string | null; workflowPath: string | null; jobKey: string | null }) => [f.rule, f.severity, f.resource, f.repo, f.workflowPath, f.jobKey];

describe("joinBuildkite", () => {
  it("joins each pipeline to its repository and the file its stored steps upload; stored steps are analysed too", () => {
    const joined = joinBuildkite(bkRead, acmeInventory());
    expect(joined.map((j) => [j.pipeline.slug, j.repo, j.uploadPath, j.file?.path ?? null, j.steps.map((s) => `${s.path ?? "stored"}:${s.job.id}@${s.job.queue ?? "-"}`)])).toEqual([
      ["payments", "acme/payments-service", ".buildkite/pipeline.yml", ".buildkite/pipeline.yml", ["stored::pipeline: Upload@deploy", ".buildkite/pipeline.yml:test@default", ".buildkite/pipeline.yml:coverage@default", ".buildkite/pipeline.yml:image@deploy", ".buildkite/pipeline.yml:deploy@deploy"]],
      ["payments-deploy", "acme/payments-service", null, null, ["stored:deploy@deploy"]],
      ["mobile", "acme/mobile-app", ".buildkite/pipeline.yml", ".buildkite/pipeline.yml", ["stored::pipeline: Upload@-", ".buildkite/pipeline.yml:unit@default", ".buildkite/pipeline.yml:generate@default", ".buildkite/pipeline.yml:approve-beta@-", ".buildkite/pipeline.yml:beta@deploy"]],
      // A visual-editor pipeline: its API steps read as a file, the queue from agent_query_rules.
      ["mobile-release", "acme/mobile-app", null, null, ["stored::apple: Release to the App Store@deploy"]],
    ]);
    const deploy = joined[1]!.steps[0]!.job;
    expect(deploy.identities.map((i) => i.id)).toContain("arn:aws:iam::210987654321:role/bk-payments-deploy");
    expect(deploy.secrets.map((s) => s.name)).toEqual(["PAYMENTS_DEPLOY_TOKEN"]);
  });

  it("leaves a pipeline of another host unjoined, and a named upload file is the one joined", () => {
    const p = bkRead.pipelines[0]!;
    const other = { ...bkRead, pipelines: [{ ...p, providerRepository: null, repository: "https://gitlab.com/acme/payments-service.git" }, { ...p, slug: "named", storedSteps: { ...p.storedSteps, text: "steps:\n  - command: buildkite-agent pipeline upload .buildkite/pipeline.release.yml --replace\n" } }] };
    const [gitlab, named] = joinBuildkite(other, acmeInventory());
    expect([gitlab!.repo, gitlab!.steps.length]).toEqual([null, 1]);
    expect([named!.uploadPath, named!.file]).toEqual([".buildkite/pipeline.release.yml", null]);
  });
});

describe("findings", () => {
  it("Buildkite: fork builds on the deploy queue, a secret whose policy admits them, a fork's pipeline file, an unrestricted agent token", () => {
    const found = sourceFindings({ kind: "buildkite", read: bkRead }, acmeInventory());
    expect(found.map(brief)).toEqual([
      ["buildkite-fork-builds-deploy-queue", "critical", "pipeline payments", "acme/payments-service", ".buildkite/pipeline.yml", "image"],
      ["buildkite-fork-builds-deploy-queue", "critical", "pipeline payments", "acme/payments-service", ".buildkite/pipeline.yml", "deploy"],
      ["buildkite-fork-builds-deploy-queue", "critical", "pipeline payments-deploy", "acme/payments-service", null, "deploy"],
      ["buildkite-fork-builds-secrets", "high", "pipeline payments", "acme/payments-service", null, null],
      ["buildkite-stored-steps-upload-from-fork", "critical", "pipeline payments", "acme/payments-service", ".buildkite/pipeline.yml", ":pipeline: Upload"],
      ["buildkite-agent-token-unrestricted", "medium", 'agent token "Elastic CI Stack (default queue)" of cluster Shared CI', null, null, null],
    ]);
    expect(found[2]!.message).toContain('step ":pipeline: Upload" of the steps stored in Buildkite for payments), where step "deploy" of the steps stored in Buildkite for payments-deploy runs with a Buildkite OIDC token, aws-role arn:aws:iam::210987654321:role/bk-payments-deploy, secret PAYMENTS_DEPLOY_TOKEN');
    expect(found[3]!.message).toContain("SLACK_WEBHOOK_URL");
  });

  it("Buildkite: without fork builds, only the agent token remains", () => {
    const read = { ...bkRead, pipelines: bkRead.pipelines.map((p) => ({ ...p, triggers: { ...p.triggers, pullRequestsFromForks: false } })) };
    expect(sourceFindings({ kind: "buildkite", read }, acmeInventory()).map((f) => f.rule)).toEqual(["buildkite-agent-token-unrestricted"]);
  });

  it("Buildkite: fork branches not prefixed are named by the fork, so `branches: main` no longer keeps the deploy step out", () => {
    const read = { ...bkRead, pipelines: bkRead.pipelines.map((p) => ({ ...p, triggers: { ...p.triggers, settings: { ...p.triggers.settings, prefix_pull_request_fork_branch_names: false } } })) };
    const found = sourceFindings({ kind: "buildkite", read }, acmeInventory()).map(brief);
    expect(found).toContainEqual(["buildkite-fork-builds-secrets", "critical", "pipeline payments", "acme/payments-service", ".buildkite/pipeline.yml", "deploy"]);
    expect(found.filter((f) => f[0] === "buildkite-fork-builds-deploy-queue").map((f) => f[5])).toEqual(["deploy"]);
  });

  it("cluster: the deployer account is cluster-admin, runs pull requests with the EKS role, and has long-lived tokens", () => {
    expect(joinCluster(kubeRead, acmeInventory()).map((f) => [f.path, f.accounts.map((a) => `${a.namespace}/${a.name}:${a.jobKeys.join(",")}`)])).toEqual([
      [".tekton/pull-request.yaml", ["acme-ci/pipeline-deployer:fetch-repository,validate,diff-against-cluster"]],
      [".tekton/push.yaml", ["acme-ci/pipeline-deployer:fetch-repository,apply-production"]],
    ]);
    const found = sourceFindings({ kind: "kubernetes", read: kubeRead }, acmeInventory());
    const sa = "ServiceAccount acme-ci/pipeline-deployer";
    expect(found.map(brief)).toEqual([
      ["tekton-sa-cluster-admin", "critical", sa, "acme/k8s-platform", ".tekton/pull-request.yaml", null],
      ["tekton-pr-run-deploy-identity", "high", sa, "acme/k8s-platform", ".tekton/pull-request.yaml", null],
      ["tekton-sa-long-lived-token", "medium", sa, "acme/k8s-platform", ".tekton/pull-request.yaml", null],
      ["tekton-sa-cluster-admin", "critical", sa, "acme/k8s-platform", ".tekton/push.yaml", null],
      ["tekton-sa-long-lived-token", "medium", sa, "acme/k8s-platform", ".tekton/push.yaml", null],
    ]);
    expect(found[1]!.message).toContain("AWS identity arn:aws:iam::210987654321:role/gh-api-deploy");
  });
});
