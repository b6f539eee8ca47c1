import { describe, expect, it } from "vitest";
import { flagsOf, grantsOf, roleKey, type BindingInput, type RoleInput } from "./rbac";
import { repositoryOf, runningPipelineRunOf, secretsOf, workloadIdentities, type SecretMeta } from "./shapes";

// The pure parts: RBAC resolution and flags, and the shapes of what the API returns.

const role = (kind: RoleInput["kind"], namespace: string | null, name: string, rules: RoleInput["rules"]): [string, RoleInput] => [roleKey(kind, namespace, name), { kind, namespace, name, rules }];
const ALL = { apiGroups: ["*"], resources: ["*"], verbs: ["*"] };

describe("grantsOf", () => {
  const roles = new Map([role("ClusterRole", null, "cluster-admin", [ALL]), role("ClusterRole", null, "tokens", [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }]), role("Role", "ci", "reader", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }])]);
  const binding = (kind: BindingInput["kind"], namespace: string | null, name: string, roleRef: BindingInput["roleRef"], subjects: BindingInput["subjects"]): BindingInput => ({ kind, namespace, name, roleRef, subjects });

  it("matches the account by ServiceAccount, User and its groups; a RoleBinding to cluster-admin is not cluster-wide", () => {
    const bindings = [
      binding("RoleBinding", "ci", "admin-here", { kind: "ClusterRole", name: "cluster-admin" }, [{ kind: "User", name: "system:serviceaccount:ci:deployer" }]),
      binding("ClusterRoleBinding", null, "everyone-tokens", { kind: "ClusterRole", name: "tokens" }, [{ kind: "Group", name: "system:authenticated" }]),
      binding("RoleBinding", "ci", "reader", { kind: "Role", name: "reader" }, [{ kind: "ServiceAccount", name: "deployer" }]),
      binding("RoleBinding", "other", "reader", { kind: "Role", name: "reader" }, [{ kind: "ServiceAccount", name: "deployer" }]),
      binding("ClusterRoleBinding", null, "someone-else", { kind: "ClusterRole", name: "cluster-admin" }, [{ kind: "ServiceAccount", name: "deployer", namespace: "prod" }]),
    ];
    const { grants, missing } = grantsOf({ namespace: "ci", name: "deployer" }, bindings, roles);
    expect(grants.map((g) => [g.binding, g.subject, g.namespace, g.flags])).toEqual([
      ["RoleBinding/ci/admin-here", "User system:serviceaccount:ci:deployer", "ci", ["wildcard-verbs", "wildcard-resources", "secrets-read", "escalation"]],
      ["ClusterRoleBinding/everyone-tokens", "Group system:authenticated", null, ["escalation"]],
      ["RoleBinding/ci/reader", "ServiceAccount ci/deployer", "ci", []],
    ]);
    // A RoleBinding in "other" naming a ServiceAccount without namespace means other/deployer; its Role does not exist there.
    expect(missing).toEqual([]);
    expect(grantsOf({ namespace: "other", name: "deployer" }, bindings, roles).missing).toEqual(["RoleBinding/other/reader refers to Role/other/reader, which does not exist"]);
  });

  it("flags what a rule allows, wildcards included; non-resource rules flag nothing", () => {
    expect(flagsOf([ALL], true, "my-admin")).toEqual(["cluster-admin", "wildcard-verbs", "wildcard-resources", "secrets-read", "escalation"]);
    expect(flagsOf([{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"] }], true, null)).toEqual(["escalation"]);
    expect(flagsOf([{ apiGroups: [""], resources: ["users"], verbs: ["impersonate"] }], true, null)).toEqual(["escalation"]);
    expect(flagsOf([{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }], true, null)).toEqual(["wildcard-verbs"]);
    expect(flagsOf([{ apiGroups: ["apps"], resources: ["secrets"], verbs: ["list"] }], true, null)).toEqual([]);
    expect(flagsOf([{ apiGroups: [], resources: [], verbs: ["*"], nonResourceURLs: ["*"] }], true, null)).toEqual([]);
  });
});

describe("shapes", () => {
  it("reads workload identity annotations, warning about values that are not identities", () => {
    expect(workloadIdentities({ "eks.amazonaws.com/role-arn": " arn:aws-us-gov:iam::123456789012:role/ci/deploy ", "iam.gke.io/gcp-service-account": "sa@p.iam.gserviceaccount.com" }, "ci/a")).toEqual({
      identities: [
        { provider: "aws", id: "arn:aws-us-gov:iam::123456789012:role/ci/deploy", annotation: "eks.amazonaws.com/role-arn" },
        { provider: "gcp", id: "sa@p.iam.gserviceaccount.com", annotation: "iam.gke.io/gcp-service-account" },
      ],
      warnings: [],
    });
    expect(workloadIdentities({ "azure.workload.identity/client-id": "my-app" }, "ci/a").warnings).toEqual(['ServiceAccount ci/a has azure.workload.identity/client-id = "my-app", which is not an Entra client id (a GUID): ignored.']);
  });

  it("classifies secrets from metadata: tokens by annotation, Tekton credentials, missing ones, and unknown without metadata", () => {
    const metas: SecretMeta[] = [
      { name: "t", annotations: { "kubernetes.io/service-account.name": "a" } },
      { name: "other-token", annotations: { "kubernetes.io/service-account.name": "b" } },
      { name: "git", annotations: { "tekton.dev/git-1": "https://gitlab.com", "tekton.dev/git-0": "https://github.com" } },
    ];
    expect(secretsOf("a", ["git", "gone"], metas)).toEqual([
      { name: "git", kind: "tekton-credential", hosts: ["https://github.com", "https://gitlab.com"], listed: true, exists: true },
      { name: "gone", kind: "other", hosts: [], listed: true, exists: false },
      { name: "t", kind: "service-account-token", hosts: [], listed: false, exists: true },
    ]);
    expect(secretsOf("a", ["git"], null)).toEqual([{ name: "git", kind: "unknown", hosts: [], listed: true, exists: null }]);
  });

  it("reads Repositories and PipelineRuns defensively: a malformed one is a sentence, a finished run is null", () => {
    expect(repositoryOf({ metadata: { name: "r" }, spec: {} })).toBe('A Pipelines-as-Code Repository without metadata.name, metadata.namespace or spec.url was skipped ("r").');
    expect(repositoryOf({ apiVersion: "pipelinesascode.tekton.dev/v1alpha1", kind: "Repository", metadata: { name: "r", namespace: "n", uid: "u", resourceVersion: "9" }, spec: { url: "https://x/y", concurrency_limit: 2, incoming: [{ type: "webhook-url", secret: { name: "hook" } }] }, pipelinerun_status: [] })).toMatchObject({
      provider: null,
      concurrencyLimit: 2,
      secrets: [{ field: "incoming.secret", name: "hook", key: null }],
      manifest: { apiVersion: "pipelinesascode.tekton.dev/v1alpha1", kind: "Repository", metadata: { name: "r", namespace: "n" }, spec: { url: "https://x/y" } },
    });
    expect(runningPipelineRunOf({ metadata: { name: "p", namespace: "n" }, status: { conditions: [{ type: "Succeeded", status: "False", reason: "Failed" }] } })).toBeNull();
    expect(runningPipelineRunOf({ metadata: { name: "p", namespace: "n" }, spec: { pipelineSpec: {} } })).toEqual({ namespace: "n", name: "p", serviceAccountName: "default", taskServiceAccounts: [], pipeline: null, repository: null, eventType: null, startTime: null, reason: null, specStatus: null });
    expect(runningPipelineRunOf({ metadata: {} })).toBe("A PipelineRun without metadata.name or metadata.namespace was skipped.");
  });
});
