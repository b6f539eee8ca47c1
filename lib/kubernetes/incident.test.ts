import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { K8S_ACME_TOKENS, k8sAcme, k8sAcmeTokens } from "@/sim/fixtures/k8s-acme";
import { startKubernetesSim, type KubeSim } from "@/sim/kubernetes";
import { applyKubeIncident } from "./incident-apply";
import { findRepositories, planKubeIncident } from "./incident-plan";
import { readCluster } from "./read";
import type { ClusterRead, KubeConnection } from "./types";

// Containing acme/k8s-platform's compromised pipeline on acme-prod: the plan from a read, then
// its application through client-node with the responder's token, dry run first.

let sim: KubeSim;
let read: ClusterRead;
const start = async (tektonController = true) => {
  sim = await startKubernetesSim({ fixture: k8sAcme(), tokens: k8sAcmeTokens(), tektonController });
  read = await readCluster(conn("reader"));
};
beforeEach(async () => start());
afterEach(async () => sim.close());

const conn = (who: "reader" | "responder"): KubeConnection => ({ server: sim.url, token: K8S_ACME_TOKENS[who].token, skipTLSVerify: true });
const REPO = "/apis/pipelinesascode.tekton.dev/v1alpha1/namespaces/acme-ci/repositories/acme-platform";
const DEPLOY = "/apis/tekton.dev/v1/namespaces/acme-ci/pipelineruns/platform-deploy-x7k2p";
const PR = "/apis/tekton.dev/v1/namespaces/acme-ci/pipelineruns/platform-pr-1042-9fz4q";
const SECRETS = ["/api/v1/namespaces/acme-ci/secrets/pipeline-deployer-ci-token", "/api/v1/namespaces/acme-ci/secrets/pipeline-deployer-token"];

describe("planKubeIncident", () => {
  it("finds the Repository by URL and plans: remove it, cancel its runs, delete the deployer's token secrets", () => {
    expect(findRepositories(read, "HTTPS://github.com/acme/k8s-platform.git").map((r) => `${r.namespace}/${r.name}`)).toEqual(["acme-ci/acme-platform"]);
    const plan = planKubeIncident(read, { namespace: "acme-ci", repository: "acme-platform", serviceAccounts: ["pipeline-deployer"] });
    expect(plan.steps.map((s) => [s.action, s.call.action, s.call.target])).toEqual([
      ["delete-repository", "DELETE", REPO],
      ["cancel-pipelinerun", "PATCH", DEPLOY],
      ["cancel-pipelinerun", "PATCH", PR],
      ["delete-token-secret", "DELETE", SECRETS[0]],
      ["delete-token-secret", "DELETE", SECRETS[1]],
    ]);
    expect(plan.steps[1]?.call.body).toEqual([{ op: "add", path: "/spec/status", value: "Cancelled" }]);
    expect(plan.steps.flatMap((s) => s.commands)).toEqual([
      "kubectl delete repositories.pipelinesascode.tekton.dev acme-platform -n acme-ci",
      "tkn pac delete repository acme-platform -n acme-ci",
      `kubectl patch pipelineruns.tekton.dev platform-deploy-x7k2p -n acme-ci --type=json -p '[{"op":"add","path":"/spec/status","value":"Cancelled"}]'`,
      "tkn pipelinerun cancel platform-deploy-x7k2p -n acme-ci",
      `kubectl patch pipelineruns.tekton.dev platform-pr-1042-9fz4q -n acme-ci --type=json -p '[{"op":"add","path":"/spec/status","value":"Cancelled"}]'`,
      "tkn pipelinerun cancel platform-pr-1042-9fz4q -n acme-ci",
      "kubectl delete secret pipeline-deployer-ci-token -n acme-ci",
      "kubectl delete secret pipeline-deployer-token -n acme-ci",
    ]);
    expect(plan.summary).toBe(`In namespace acme-ci on ${sim.url}: removes Repository acme-platform (https://github.com/acme/k8s-platform), cancels 2 running PipelineRun(s), deletes 2 token secret(s) of pipeline-deployer. A server-side dry run (dryRun=All) goes first.`);
    expect(plan.previous.repositories).toEqual([expect.objectContaining({ kind: "Repository", metadata: { name: "acme-platform", namespace: "acme-ci" } })]);
    expect(plan.notes).toEqual([
      "acme-ci/pipeline-deployer takes the AWS identity arn:aws:iam::210987654321:role/gh-api-deploy (eks.amazonaws.com/role-arn): cloud credentials it already obtained stay valid until they expire; revoke that trust in the cloud as well.",
      "acme-ci/pipeline-deployer is cluster-admin: a stolen token could have created other credentials anywhere in the cluster (new ServiceAccounts, RoleBindings, secrets); audit the cluster, not only this namespace.",
      "Rotate at their source, then update in the cluster: image pull secret acme-registry, carried by pipeline-deployer; secret acme-platform-github key provider.token (git_provider.secret of Repository acme-platform); secret acme-platform-github key webhook.secret (git_provider.webhook_secret of Repository acme-platform); secret acme-registry key .dockerconfigjson (params.secret_ref of Repository acme-platform).",
      expect.stringMatching(/^Tokens from the TokenRequest API .* are not secrets and are not revoked here/),
      "Without its Repository, Pipelines-as-Code ignores events from https://github.com/acme/k8s-platform; to restore it, `kubectl apply -f` the manifest kept in previous.repositories.",
    ]);
  });

  it("takes the accounts from the repository's running runs when none are named, and refuses what the read does not hold", () => {
    const plan = planKubeIncident(read, { namespace: "acme-ci", repository: "acme-platform" });
    expect(plan.summary).toMatch(/deletes 2 token secret\(s\) of pipeline-builder, pipeline-deployer \(the accounts its running PipelineRuns use\)/);
    expect(plan.notes).toContainEqual(expect.stringMatching(/secret git-credentials \(https:\/\/github\.com\), carried by pipeline-builder/));
    const byAccount = planKubeIncident(read, { namespace: "acme-ci", serviceAccounts: ["pipeline-builder"] });
    // The deploy run builds as pipeline-builder (taskRunSpecs): it is cancelled too.
    expect(byAccount.steps.map((s) => `${s.action} ${s.name}`)).toEqual(["cancel-pipelinerun platform-deploy-x7k2p", "cancel-pipelinerun platform-pr-1042-9fz4q"]);
    expect(() => planKubeIncident(read, { namespace: "acme-cd" })).toThrow("Namespace acme-cd was not in the cluster read");
    expect(() => planKubeIncident(read, { namespace: "acme-ci", repository: "acme-web" })).toThrow("No Pipelines-as-Code Repository acme-web in namespace acme-ci");
  });
});

describe("applyKubeIncident", () => {
  const plan = () => planKubeIncident(read, { namespace: "acme-ci", repository: "acme-platform", serviceAccounts: ["pipeline-deployer"] });

  it("dry-runs every step, then applies them, then re-reads: the Repository and secrets gone, the runs cancelled", async () => {
    const result = await applyKubeIncident(conn("responder"), plan());
    expect(sim.writeLog.map((w) => [w.verb, w.path, w.dryRun, w.status])).toEqual([
      ["DELETE", `${REPO}?dryRun=All`, true, 200],
      ["PATCH", `${DEPLOY}?dryRun=All`, true, 200],
      ["PATCH", `${PR}?dryRun=All`, true, 200],
      ["DELETE", `${SECRETS[0]}?dryRun=All`, true, 200],
      ["DELETE", `${SECRETS[1]}?dryRun=All`, true, 200],
      ["DELETE", REPO, false, 200],
      ["PATCH", DEPLOY, false, 200],
      ["PATCH", PR, false, 200],
      ["DELETE", SECRETS[0], false, 200],
      ["DELETE", SECRETS[1], false, 200],
    ]);
    expect(sim.writeLog.every((w) => w.token === K8S_ACME_TOKENS.responder.token)).toBe(true);
    expect(sim.writeLog[1]).toMatchObject({ contentType: "application/json-patch+json", body: [{ op: "add", path: "/spec/status", value: "Cancelled" }] });
    expect(result.dryRun[1]).toBe(`PATCH ${DEPLOY}?dryRun=All → 200, spec.status Cancelled`);
    expect(result.evidence).toEqual([`DELETE ${REPO} → 200`, `PATCH ${DEPLOY} → 200, spec.status Cancelled`, `PATCH ${PR} → 200, spec.status Cancelled`, `DELETE ${SECRETS[0]} → 200`, `DELETE ${SECRETS[1]} → 200`]);
    expect(result.verification).toEqual([
      "repository acme-ci/acme-platform: absent",
      "pipelinerun acme-ci/platform-deploy-x7k2p: spec.status Cancelled; Tekton reports it Cancelled",
      "pipelinerun acme-ci/platform-pr-1042-9fz4q: spec.status Cancelled; Tekton reports it Cancelled",
      "secret acme-ci/pipeline-deployer-ci-token: absent",
      "secret acme-ci/pipeline-deployer-token: absent",
    ]);
    expect([result.applied, result.verified]).toEqual([true, true]);
    expect(sim.control.objects("repositories")).toEqual([]);
    expect(sim.control.objects("secrets", "acme-ci").map((s) => s.metadata.name)).toEqual(["acme-platform-github", "acme-registry", "git-credentials"]);
    // The re-read never asked for a secret's data.
    expect(sim.requests.filter((r) => r.method === "GET" && r.path.includes("/secrets")).every((r) => r.metadataOnly)).toBe(true);
    // Applied again: everything is already so.
    const again = await applyKubeIncident(conn("responder"), plan());
    expect(again.evidence[0]).toBe(`DELETE ${REPO} → 404, already absent`);
    expect(again.verified).toBe(true);
  });

  it("stops after a refused dry run, writing nothing, and says what to grant", async () => {
    await expect(applyKubeIncident(conn("reader"), plan())).rejects.toMatchObject({
      kind: "denied",
      message: expect.stringMatching(/^The dry run was refused, so nothing was changed: Kubernetes refused to delete repositories\.pipelinesascode\.tekton\.dev acme-platform in namespace acme-ci \(403 Forbidden: .*\): grant the connection's account "delete" on "repositories" .* the gatehouse-responder ClusterRole/),
    });
    expect(sim.writeLog.map((w) => [w.path, w.dryRun, w.status])).toEqual([[`${REPO}?dryRun=All`, true, 403]]);
    expect(sim.control.objects("repositories")).toHaveLength(1);
  });

  it("dry run only: nothing written; with Tekton slow, verification says the cancel is asked but not yet done", async () => {
    const dry = await applyKubeIncident(conn("responder"), plan(), { dryRunOnly: true });
    expect([dry.applied, dry.evidence, dry.dryRun.length]).toEqual([false, [], 5]);
    expect(sim.writeLog.every((w) => w.dryRun)).toBe(true);
    expect(sim.control.objects("secrets", "acme-ci")).toHaveLength(5);
    await sim.close();
    await start(false);
    const slow = await applyKubeIncident(conn("responder"), plan());
    expect(slow.verification[1]).toBe("pipelinerun acme-ci/platform-deploy-x7k2p: spec.status Cancelled; Tekton has not marked it cancelled yet (Running)");
    expect(slow.verified).toBe(true);
  });
});
