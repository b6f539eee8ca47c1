import type { CloudCall } from "../cloud/types";
import type { ClusterRead, NamespaceRead, PacRepositoryRead, PipelineRunRead } from "./types";

// Containing a compromised Tekton pipeline, planned from one cluster read (pure): stop
// Pipelines-as-Code from starting new runs for the repository, cancel the runs in flight,
// delete the long-lived token secrets of the accounts they run as. Each step carries the
// API call and the `kubectl` / `tkn` commands that do the same, for a responder without a
// write-capable connection. Pipelines-as-Code has no "suspend" field on its Repository
// (pipelinesascode.tekton.dev/v1alpha1 RepositorySpec): removing the Repository is what its
// documentation and `tkn pac delete repository` offer, so that is the step, and the manifest
// is kept to apply it again.

export interface KubeIncidentTarget {
  namespace: string;
  /** The Pipelines-as-Code Repository (its name) the compromised pipeline is defined in. */
  repository?: string;
  /** The accounts the pipeline runs as; absent: those its running PipelineRuns use. */
  serviceAccounts?: string[];
}

export type KubeIncidentAction = "delete-repository" | "cancel-pipelinerun" | "delete-token-secret";

export interface KubeIncidentStep {
  action: KubeIncidentAction;
  namespace: string;
  name: string;
  /** The API call; a PATCH body is a JSON Patch (application/json-patch+json), as `tkn pipelinerun cancel` sends. */
  call: CloudCall;
  /** `kubectl` first, then the `tkn` equivalent where there is one. */
  commands: string[];
}

export interface KubeIncidentPlan {
  server: string;
  namespace: string;
  summary: string;
  steps: KubeIncidentStep[];
  /** What undoes the plan: the Repository manifests to apply again (`kubectl apply -f`). */
  previous: { repositories: Record<string, unknown>[] };
  /** What the plan does not do, and what to rotate or revoke elsewhere. */
  notes: string[];
}

/** The JSON Patch that asks Tekton to cancel a PipelineRun (tekton.dev/v1 `spec.status: Cancelled`). */
export const CANCEL_PATCH = [{ op: "add", path: "/spec/status", value: "Cancelled" }];

const SAFE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** Kubernetes names are DNS-safe; anything else is quoted for the shell. */
const sh = (v: string): string => (SAFE.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

/** Repositories whose spec.url is `url` (scheme, host case, a trailing `.git` or slash ignored). */
export function findRepositories(read: ClusterRead, url: string): PacRepositoryRead[] {
  const norm = (u: string): string => u.trim().replace(/^https?:\/\//i, "").replace(/\.git$|\/+$/g, "").toLowerCase();
  return read.namespaces.flatMap((n) => n.repositories).filter((r) => norm(r.url) === norm(url));
}

export function planKubeIncident(read: ClusterRead, target: KubeIncidentTarget): KubeIncidentPlan {
  const ns: NamespaceRead | undefined = read.namespaces.find((n) => n.name === target.namespace);
  if (ns === undefined) throw new Error(`Namespace ${target.namespace} was not in the cluster read: read it (readCluster with namespaces: ["${target.namespace}"]) before planning.`);
  const repo = target.repository === undefined ? undefined : ns.repositories.find((r) => r.name === target.repository);
  if (target.repository !== undefined && repo === undefined) throw new Error(`No Pipelines-as-Code Repository ${target.repository} in namespace ${ns.name}: it may have been removed already; plan without it.`);
  const n = sh(ns.name);
  const steps: KubeIncidentStep[] = [];
  const notes: string[] = [];

  if (repo !== undefined) {
    steps.push({
      action: "delete-repository",
      namespace: ns.name,
      name: repo.name,
      call: { action: "DELETE", target: `/apis/pipelinesascode.tekton.dev/v1alpha1/namespaces/${ns.name}/repositories/${repo.name}`, body: null },
      commands: [`kubectl delete repositories.pipelinesascode.tekton.dev ${sh(repo.name)} -n ${n}`, `tkn pac delete repository ${sh(repo.name)} -n ${n}`],
    });
  }

  const ofRepo = repo === undefined ? [] : ns.runningPipelineRuns.filter((r) => r.repository === repo.name);
  const accountsOf = (r: PipelineRunRead): string[] => [r.serviceAccountName, ...r.taskServiceAccounts];
  const accounts = [...new Set(target.serviceAccounts ?? ofRepo.flatMap(accountsOf))].sort();
  const runs = ns.runningPipelineRuns.filter((r) => (repo !== undefined && r.repository === repo.name) || accountsOf(r).some((a) => accounts.includes(a)));
  for (const run of runs) {
    if (run.specStatus === "Cancelled") {
      notes.push(`PipelineRun ${ns.name}/${run.name} was already asked to cancel; Tekton had not finished it when read.`);
      continue;
    }
    steps.push({
      action: "cancel-pipelinerun",
      namespace: ns.name,
      name: run.name,
      call: { action: "PATCH", target: `/apis/tekton.dev/v1/namespaces/${ns.name}/pipelineruns/${run.name}`, body: CANCEL_PATCH },
      commands: [`kubectl patch pipelineruns.tekton.dev ${sh(run.name)} -n ${n} --type=json -p '${JSON.stringify(CANCEL_PATCH)}'`, `tkn pipelinerun cancel ${sh(run.name)} -n ${n}`],
    });
  }

  const rotate: string[] = [];
  for (const name of accounts) {
    const account = ns.serviceAccounts.find((a) => a.name === name);
    if (account === undefined) {
      notes.push(`ServiceAccount ${ns.name}/${name} was not found: it has no token secrets to delete.`);
      continue;
    }
    if (account.secrets.some((s) => s.kind === "unknown")) notes.push(`Secrets' metadata was not readable, so ${ns.name}/${name}'s token secrets are unknown: check \`kubectl get secrets -n ${n} --field-selector type=kubernetes.io/service-account-token\`.`);
    for (const s of account.secrets.filter((x) => x.kind === "service-account-token" && x.exists === true)) {
      steps.push({
        action: "delete-token-secret",
        namespace: ns.name,
        name: s.name,
        call: { action: "DELETE", target: `/api/v1/namespaces/${ns.name}/secrets/${s.name}`, body: null },
        commands: [`kubectl delete secret ${sh(s.name)} -n ${n}`],
      });
    }
    for (const s of account.secrets.filter((x) => x.kind === "tekton-credential" || x.kind === "other")) rotate.push(`secret ${s.name}${s.hosts.length ? ` (${s.hosts.join(", ")})` : ""}, carried by ${name}`);
    for (const s of account.imagePullSecrets) rotate.push(`image pull secret ${s}, carried by ${name}`);
    for (const w of account.workloadIdentities) notes.push(`${ns.name}/${name} takes the ${w.provider.toUpperCase()} identity ${w.id} (${w.annotation}): cloud credentials it already obtained stay valid until they expire; revoke that trust in the cloud as well.`);
    if (account.flags.includes("cluster-admin")) notes.push(`${ns.name}/${name} is cluster-admin: a stolen token could have created other credentials anywhere in the cluster (new ServiceAccounts, RoleBindings, secrets); audit the cluster, not only this namespace.`);
  }
  for (const s of repo?.secrets ?? []) rotate.push(`secret ${s.name}${s.key ? ` key ${s.key}` : ""} (${s.field} of Repository ${repo?.name ?? ""})`);
  if (rotate.length > 0) notes.push(`Rotate at their source, then update in the cluster: ${[...new Set(rotate)].join("; ")}.`);
  notes.push(
    "Tokens from the TokenRequest API (projected into pods, `kubectl create token`) are not secrets and are not revoked here: pod-bound ones die with the pod (Tekton deletes a cancelled TaskRun's pod unless its keep-pod-on-cancel flag is on), others live until they expire; only deleting and re-creating the ServiceAccount (a new uid) invalidates them all.",
  );
  if (repo !== undefined) notes.push(`Without its Repository, Pipelines-as-Code ignores events from ${repo.url}; to restore it, \`kubectl apply -f\` the manifest kept in previous.repositories.`);

  const counts = [repo === undefined ? null : `removes Repository ${repo.name} (${repo.url})`, `cancels ${steps.filter((s) => s.action === "cancel-pipelinerun").length} running PipelineRun(s)`, `deletes ${steps.filter((s) => s.action === "delete-token-secret").length} token secret(s) of ${accounts.join(", ") || "no account"}`].filter((x) => x !== null);
  return {
    server: read.server,
    namespace: ns.name,
    summary: `In namespace ${ns.name} on ${read.server}: ${counts.join(", ")}${target.serviceAccounts === undefined && accounts.length > 0 ? " (the accounts its running PipelineRuns use)" : ""}. A server-side dry run (dryRun=All) goes first.`,
    steps,
    previous: { repositories: repo === undefined ? [] : [repo.manifest] },
    notes,
  };
}
