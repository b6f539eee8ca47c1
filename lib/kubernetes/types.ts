// What Gatehouse knows about a Kubernetes cluster that runs Tekton pipelines, in a shape that
// names no client library: every field JSON-safe (timestamps as ISO strings), every list
// sorted by namespace then name. README.md says what is read to fill it, and what is not.

/** How to reach a cluster. Credentials are handed in, never read from the environment here. */
export type KubeConnection =
  /** An API server URL and a bearer token (a ServiceAccount token, an OIDC id token…). */
  | { server: string; token: string; caData?: string; skipTLSVerify?: boolean }
  /** A kubeconfig's text; its current context unless `context` names another. Inline credentials only (README.md). */
  | { kubeconfig: string; context?: string }
  /** The pod's own ServiceAccount (KUBERNETES_SERVICE_HOST/PORT and the mounted token and CA). */
  | { inCluster: true };

/** An RBAC PolicyRule as the API returns it. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/**
 * `cluster-admin`: bound cluster-wide to the cluster-admin ClusterRole, or to rules allowing every
 * verb on every resource of every group. `wildcard-verbs` / `wildcard-resources`: a rule with `*`.
 * `secrets-read`: get, list or watch on secrets (list returns their data). `escalation`: escalate
 * or bind on roles/clusterroles, impersonate on users/groups/serviceaccounts, or create on
 * serviceaccounts/token (minting other accounts' tokens); wildcards count.
 */
export type RbacFlag = "cluster-admin" | "wildcard-verbs" | "wildcard-resources" | "secrets-read" | "escalation";

/** One binding through which an account holds a role. */
export interface Grant {
  /** `ClusterRoleBinding/pipeline-deployer-admin`, `RoleBinding/acme-ci/pipeline-builder`. */
  binding: string;
  /** `ClusterRole/cluster-admin`, `Role/acme-ci/pipeline-builder`. */
  role: string;
  /** Where the rules hold: null everywhere (a ClusterRoleBinding), else the RoleBinding's namespace. */
  namespace: string | null;
  /** How the binding names the account: `ServiceAccount acme-ci/pipeline-deployer`, `Group system:serviceaccounts:acme-ci`. */
  subject: string;
  /** Empty when the role does not exist (then a warning says so). */
  rules: PolicyRule[];
  flags: RbacFlag[];
}

/** A cloud identity the account's pods can take through workload identity, from its annotations. */
export interface WorkloadIdentity {
  provider: "aws" | "gcp" | "azure";
  /** The IAM role ARN, the Google service account's email, the Entra client id. */
  id: string;
  annotation: string;
}

/** A secret an account holds, from the secret's metadata only: its data is never requested. */
export interface SecretRef {
  name: string;
  /**
   * `service-account-token`: a long-lived token for the account (annotated
   * kubernetes.io/service-account.name). `tekton-credential`: git or registry credentials Tekton
   * injects into every step (tekton.dev/git-N, tekton.dev/docker-N annotations; `hosts` names them).
   * `other`: any other secret the account lists. `unknown`: secrets' metadata could not be listed.
   */
  kind: "service-account-token" | "tekton-credential" | "other" | "unknown";
  hosts: string[];
  /** Listed in the account's `secrets`; false for a token secret found only by its annotation. */
  listed: boolean;
  /** null when secrets' metadata could not be listed. */
  exists: boolean | null;
}

export interface ServiceAccountRead {
  namespace: string;
  name: string;
  uid: string | null;
  workloadIdentities: WorkloadIdentity[];
  secrets: SecretRef[];
  imagePullSecrets: string[];
  /** `automountServiceAccountToken` as set on the account; null when unset (mounted by default). */
  automountToken: boolean | null;
  grants: Grant[];
  /** Union of the grants' flags. */
  flags: RbacFlag[];
}

/** A secret a Pipelines-as-Code Repository refers to, by the field that names it. */
export interface RepositorySecret {
  field: "git_provider.secret" | "git_provider.webhook_secret" | "incoming.secret" | "params.secret_ref";
  name: string;
  key: string | null;
}

/** A Pipelines-as-Code `Repository` (pipelinesascode.tekton.dev/v1alpha1). */
export interface PacRepositoryRead {
  namespace: string;
  name: string;
  /** spec.url: the Git repository whose `.tekton/` PipelineRuns run in this namespace. */
  url: string;
  /** git_provider.type (github, gitlab, bitbucket-cloud, bitbucket-datacenter, gitea) when set. */
  provider: string | null;
  secrets: RepositorySecret[];
  concurrencyLimit: number | null;
  /** The whole object as read, to create it again after an incident (status and server fields removed). */
  manifest: Record<string, unknown>;
}

/** A PipelineRun (tekton.dev/v1) that has not finished. */
export interface PipelineRunRead {
  namespace: string;
  name: string;
  /** spec.taskRunTemplate.serviceAccountName, else `default` (Tekton's default). */
  serviceAccountName: string;
  /** Accounts spec.taskRunSpecs[] give single tasks instead (serviceAccountName per pipelineTaskName). */
  taskServiceAccounts: string[];
  /** pipelineRef.name, or null for an embedded pipelineSpec or a resolver reference. */
  pipeline: string | null;
  /** Pipelines-as-Code labels: the Repository's name and the event (push, pull_request…), when present. */
  repository: string | null;
  eventType: string | null;
  startTime: string | null;
  /** The Succeeded condition's reason (Running, Started, PipelineRunPending…), null before any. */
  reason: string | null;
  /** spec.status as set (Cancelled, CancelledRunFinally…): a cancel already asked for. */
  specStatus: string | null;
}

export interface NamespaceRead {
  name: string;
  serviceAccounts: ServiceAccountRead[];
  repositories: PacRepositoryRead[];
  runningPipelineRuns: PipelineRunRead[];
}

export interface ClusterRead {
  /** The API server URL read. */
  server: string;
  namespaces: NamespaceRead[];
  /** What could not be read without failing the read (Tekton or Pipelines-as-Code not installed, secrets' metadata refused…). */
  warnings: string[];
}
