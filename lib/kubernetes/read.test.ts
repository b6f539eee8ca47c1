import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { K8S_ACME_READER_RULES, K8S_ACME_RESPONDER_RULES, K8S_ACME_TOKENS, k8sAcme, k8sAcmeTokens } from "@/sim/fixtures/k8s-acme";
import { startKubernetesSim, type KubeSim, type KubeSimRule } from "@/sim/kubernetes";
import { clusterRoleYaml, GATEHOUSE_READER_RULES, GATEHOUSE_RESPONDER_RULES } from "./rbac";
import { readCluster } from "./read";
import type { KubeConnection } from "./types";

// readCluster through @kubernetes/client-node against the simulator serving acme-prod.

let sim: KubeSim;
const start = async (tokens: Record<string, { user: string; rules: KubeSimRule[] }> = {}, apis?: { tekton?: boolean; pac?: boolean }) => {
  const fixture = k8sAcme();
  sim = await startKubernetesSim({ fixture: { ...fixture, ...(apis ? { apis } : {}) }, tokens: { ...k8sAcmeTokens(), ...tokens } });
};
beforeEach(async () => start());
afterEach(async () => sim.close());

const conn = (token: string = K8S_ACME_TOKENS.reader.token): KubeConnection => ({ server: sim.url, token, skipTLSVerify: true });

describe("readCluster", () => {
  it("reads acme-prod: accounts with their identities, secrets and what they can do; Repositories; running PipelineRuns", async () => {
    const read = await readCluster(conn());
    expect(read.warnings).toEqual([]);
    expect(read.server).toBe(sim.url);
    expect(read.namespaces.map((n) => [n.name, n.serviceAccounts.map((a) => a.name)])).toEqual([
      ["acme-ci", ["chart-publisher", "default", "pipeline-builder", "pipeline-deployer"]],
      ["default", ["default"]],
      ["kube-system", ["default"]],
      ["pipelines-as-code", ["default", "pipelines-as-code-controller"]],
    ]);
    const ci = read.namespaces[0]!;
    const [publisher, , builder, deployer] = ci.serviceAccounts;
    expect(deployer).toMatchObject({
      uid: "5b1c7e2a-9d3f-4e8b-a6c1-0f2e4d6b8a13",
      workloadIdentities: [{ provider: "aws", id: "arn:aws:iam::210987654321:role/gh-api-deploy", annotation: "eks.amazonaws.com/role-arn" }],
      secrets: [
        { name: "pipeline-deployer-ci-token", kind: "service-account-token", listed: false, exists: true, hosts: [] },
        { name: "pipeline-deployer-token", kind: "service-account-token", listed: true, exists: true, hosts: [] },
      ],
      imagePullSecrets: ["acme-registry"],
      automountToken: null,
      flags: ["cluster-admin", "wildcard-verbs", "wildcard-resources", "secrets-read", "escalation"],
    });
    expect(deployer?.grants.map((g) => [g.binding, g.role, g.namespace, g.subject])).toEqual([
      ["ClusterRoleBinding/pipeline-deployer-admin", "ClusterRole/cluster-admin", null, "ServiceAccount acme-ci/pipeline-deployer"],
      ["RoleBinding/acme-ci/ci-viewers", "ClusterRole/view", "acme-ci", "Group system:serviceaccounts:acme-ci"],
    ]);
    expect(builder).toMatchObject({
      workloadIdentities: [{ provider: "gcp", id: "tekton-builder@acme-ci-identity.iam.gserviceaccount.com" }],
      secrets: [{ name: "git-credentials", kind: "tekton-credential", hosts: ["https://github.com"], listed: true, exists: true }],
      flags: ["secrets-read"],
    });
    expect(builder?.grants[1]?.rules[2]).toEqual({ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["acme-registry"] });
    expect(publisher).toMatchObject({ workloadIdentities: [{ provider: "azure", id: "4d6f8a0c-2e4a-4c6e-8a0c-2e4a6c8e0a2c" }], automountToken: false, flags: [] });
    expect(ci.repositories).toEqual([
      {
        namespace: "acme-ci",
        name: "acme-platform",
        url: "https://github.com/acme/k8s-platform",
        provider: "github",
        secrets: [
          { field: "git_provider.secret", name: "acme-platform-github", key: "provider.token" },
          { field: "git_provider.webhook_secret", name: "acme-platform-github", key: "webhook.secret" },
          { field: "params.secret_ref", name: "acme-registry", key: ".dockerconfigjson" },
        ],
        concurrencyLimit: null,
        manifest: { apiVersion: "pipelinesascode.tekton.dev/v1alpha1", kind: "Repository", metadata: { name: "acme-platform", namespace: "acme-ci" }, spec: expect.objectContaining({ url: "https://github.com/acme/k8s-platform" }) },
      },
    ]);
    // The finished run (platform-deploy-4h8dn) is not running.
    expect(ci.runningPipelineRuns.map((r) => [r.name, r.serviceAccountName, r.taskServiceAccounts, r.pipeline, r.repository, r.eventType, r.reason, r.specStatus])).toEqual([
      ["platform-deploy-x7k2p", "pipeline-deployer", ["pipeline-builder"], "platform-deploy", "acme-platform", "push", "Running", null],
      ["platform-pr-1042-9fz4q", "pipeline-builder", [], "platform-pr-check", "acme-platform", "pull_request", "Running", null],
    ]);
    expect(ci.runningPipelineRuns[0]?.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("only reads, with the documented role's verbs, and never asks for a secret's data", async () => {
    await readCluster(conn());
    expect(sim.writeLog).toEqual([]);
    expect(new Set(sim.requests.map((r) => `${r.method} ${r.status}`))).toEqual(new Set(["GET 200"]));
    const secrets = sim.requests.filter((r) => r.path.includes("/secrets"));
    expect(secrets.length).toBeGreaterThan(0);
    expect(secrets.every((r) => r.metadataOnly)).toBe(true);
  });

  it("pages through every list (limit/continue) to the same result", async () => {
    const whole = await readCluster(conn());
    const before = sim.requests.length;
    const paged = await readCluster(conn(), { pageSize: 1 });
    expect(paged).toEqual(whole);
    const pagedRequests = sim.requests.slice(before);
    expect(pagedRequests.filter((r) => r.path.startsWith("/api/v1/serviceaccounts?"))).toHaveLength(8);
    expect(pagedRequests.filter((r) => r.path.includes("continue="))).not.toHaveLength(0);
  });

  it("reads named namespaces only, with per-namespace lists, for a connection bound by RoleBindings there", async () => {
    const inCi = (rules: KubeSimRule[]): KubeSimRule[] => rules.map((r) => (r.apiGroups.includes("rbac.authorization.k8s.io") ? r : { ...r, namespaces: ["acme-ci"] }));
    await sim.close();
    await start({ "ci-only": { user: "system:serviceaccount:acme-ci:gatehouse", rules: inCi(K8S_ACME_READER_RULES) } });
    const read = await readCluster(conn("ci-only"), { namespaces: ["acme-ci", "acme-ci"] });
    expect(read.namespaces.map((n) => n.name)).toEqual(["acme-ci"]);
    expect(read.namespaces[0]?.serviceAccounts.find((a) => a.name === "pipeline-deployer")?.flags).toContain("cluster-admin");
    expect(sim.requests.filter((r) => /\/(serviceaccounts|secrets|rolebindings|roles|repositories|pipelineruns)\?/.test(r.path)).every((r) => r.path.includes("/namespaces/acme-ci/"))).toBe(true);
    expect((await readCluster(conn(), { namespaces: ["acme-cd"] })).warnings).toEqual(["Namespace acme-cd has no ServiceAccounts (every namespace has `default`): check that it exists."]);
  });

  it("fails with a sentence of a kind: credentials, denied (naming verb and resource), network", async () => {
    await expect(readCluster(conn("expired"))).rejects.toMatchObject({ kind: "credentials", message: expect.stringMatching(/refused the credentials \(401 Unauthorized\) to list namespaces cluster-wide/) });
    await sim.close();
    await start({ "no-rbac": { user: "bob", rules: K8S_ACME_READER_RULES.filter((r) => !r.apiGroups.includes("rbac.authorization.k8s.io")) } });
    await expect(readCluster(conn("no-rbac"))).rejects.toMatchObject({
      kind: "denied",
      message: expect.stringMatching(/^Kubernetes refused to list rolebindings\.rbac\.authorization\.k8s\.io cluster-wide \(403 Forbidden: rolebindings\.rbac\.authorization\.k8s\.io is forbidden: User "bob" cannot list resource "rolebindings" .*\): grant the connection's account "list" on "rolebindings" in API group "rbac\.authorization\.k8s\.io" cluster-wide \(a ClusterRoleBinding\) — the gatehouse-reader ClusterRole/),
    });
    const closed = sim.url;
    await sim.close();
    await expect(readCluster({ server: closed, token: "t", skipTLSVerify: true })).rejects.toMatchObject({ kind: "network", message: expect.stringMatching(/^Could not reach the Kubernetes API server at http:\/\/127\.0\.0\.1:\d+ to list namespaces cluster-wide \(.*ECONNREFUSED.*\): check the server URL/) });
    await start();
  });

  it("fails with a shape sentence when the server is not a Kubernetes API server", async () => {
    const other = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}'));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    try {
      const server = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      await expect(readCluster({ server, token: "t", skipTLSVerify: true })).rejects.toMatchObject({ kind: "shape", message: `The answer to list namespaces cluster-wide from ${server} has no items: is it a Kubernetes API server?` });
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it("reads without secrets' metadata, or without Tekton and Pipelines-as-Code, saying what is missing", async () => {
    await sim.close();
    await start({ "no-secrets": { user: "carol", rules: K8S_ACME_READER_RULES.filter((r) => !r.resources.includes("secrets")) } }, { tekton: false, pac: false });
    const read = await readCluster(conn("no-secrets"));
    expect(read.warnings).toEqual([
      expect.stringMatching(/^Secrets' metadata was not read, so token secrets an account does not list are missed and the kind of those it lists is unknown: Kubernetes refused to list secrets cluster-wide \(403 Forbidden: /),
      `Pipelines-as-Code is not installed on ${sim.url} (the API server does not serve repositories.pipelinesascode.tekton.dev/v1alpha1): none were read.`,
      `Tekton Pipelines is not installed on ${sim.url} (the API server does not serve pipelineruns.tekton.dev/v1): none were read.`,
    ]);
    const deployer = read.namespaces[0]?.serviceAccounts.find((a) => a.name === "pipeline-deployer");
    expect(deployer?.secrets).toEqual([{ name: "pipeline-deployer-token", kind: "unknown", hosts: [], listed: true, exists: null }]);
    expect(read.namespaces[0]?.repositories).toEqual([]);
  });

  it("warns about an identity annotation that is not one, and a binding to a role that does not exist", async () => {
    sim.control.put({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "odd", namespace: "default", annotations: { "eks.amazonaws.com/role-arn": "gh-api-deploy" } } });
    sim.control.put({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "odd", namespace: "default" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "gone" }, subjects: [{ kind: "User", name: "system:serviceaccount:default:odd" }] });
    const read = await readCluster(conn());
    expect(read.warnings).toEqual([
      'ServiceAccount default/odd has eks.amazonaws.com/role-arn = "gh-api-deploy", which is not an IAM role ARN: ignored.',
      "RoleBinding/default/odd refers to Role/default/gone, which does not exist: that binding grants nothing.",
    ]);
    expect(read.namespaces[1]?.serviceAccounts.find((a) => a.name === "odd")?.grants).toEqual([{ binding: "RoleBinding/default/odd", role: "Role/default/gone", namespace: "default", subject: "User system:serviceaccount:default:odd", rules: [], flags: [] }]);
  });
});

describe("Kubernetes connections", () => {
  const kubeconfig = (user: string, server = sim.url): string =>
    ["apiVersion: v1", "kind: Config", "clusters:", "- name: acme-prod", "  cluster:", `    server: ${server}`, "    insecure-skip-tls-verify: true", "users:", "- name: gatehouse", "  user:", user, "contexts:", "- name: acme-prod", "  context:", "    cluster: acme-prod", "    user: gatehouse", "current-context: acme-prod", ""].join("\n");

  it("reads through a kubeconfig with an inline token; refuses exec plugins, file paths, plain http without skipTLSVerify, a missing context", async () => {
    const read = await readCluster({ kubeconfig: kubeconfig(`    token: ${K8S_ACME_TOKENS.reader.token}`) });
    expect(read.namespaces).toHaveLength(4);
    const sent = sim.requests.length;
    await expect(readCluster({ kubeconfig: kubeconfig("    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n      args: [eks, get-token]") })).rejects.toMatchObject({ kind: "credentials", message: expect.stringMatching(/signs in through an exec plugin, which would run a program on Gatehouse's server/) });
    await expect(readCluster({ kubeconfig: kubeconfig("    client-certificate: /home/me/.kube/me.crt\n    client-key: /home/me/.kube/me.key") })).rejects.toMatchObject({ message: expect.stringMatching(/points at files \(client-certificate, client-key\)/) });
    await expect(readCluster({ kubeconfig: kubeconfig("    token: t"), context: "staging" })).rejects.toMatchObject({ message: 'The kubeconfig has no context "staging" (it has: acme-prod).' });
    await expect(readCluster({ kubeconfig: "clusters: [" })).rejects.toMatchObject({ kind: "credentials", message: expect.stringMatching(/^The kubeconfig could not be read/) });
    await expect(readCluster({ server: sim.url, token: "t" })).rejects.toMatchObject({ kind: "credentials", message: expect.stringMatching(/is plain http:\/\/: use https:\/\//) });
    // Refused before any request.
    expect(sim.requests).toHaveLength(sent);
  });
});

describe("Gatehouse's RBAC", () => {
  it("the README documents exactly the roles the code asks for, and acme's demo tokens hold them", () => {
    const readme = readFileSync(join(import.meta.dirname, "README.md"), "utf8");
    expect(readme).toContain(clusterRoleYaml("gatehouse-reader", GATEHOUSE_READER_RULES));
    expect(readme).toContain(clusterRoleYaml("gatehouse-responder", GATEHOUSE_RESPONDER_RULES));
    expect(K8S_ACME_READER_RULES).toEqual(GATEHOUSE_READER_RULES);
    expect(K8S_ACME_RESPONDER_RULES.map(({ namespaces: _n, ...r }) => r)).toEqual(GATEHOUSE_RESPONDER_RULES);
  });
});
