import type { PacRepositoryRead, PipelineRunRead, RepositorySecret, SecretRef, WorkloadIdentity } from "./types";

// The API's objects in Gatehouse's shape (types.ts). Custom resources arrive as untyped JSON:
// every field is checked here, and an object that does not have the shape becomes a warning,
// never a thrown error or a guess.

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

const IDENTITY_ANNOTATIONS: { annotation: string; provider: WorkloadIdentity["provider"]; valid: RegExp; what: string }[] = [
  // EKS IAM roles for service accounts (IRSA).
  { annotation: "eks.amazonaws.com/role-arn", provider: "aws", valid: /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]+$/, what: "an IAM role ARN" },
  // GKE Workload Identity (Federation for GKE can also grant IAM to the Kubernetes principal directly, with no annotation).
  { annotation: "iam.gke.io/gcp-service-account", provider: "gcp", valid: /^[a-z0-9-]+@[a-z0-9-]+\.iam\.gserviceaccount\.com$/, what: "a Google service account's email" },
  // Microsoft Entra Workload ID on AKS.
  { annotation: "azure.workload.identity/client-id", provider: "azure", valid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, what: "an Entra client id (a GUID)" },
];

export function workloadIdentities(annotations: Record<string, string> | undefined, where: string): { identities: WorkloadIdentity[]; warnings: string[] } {
  const identities: WorkloadIdentity[] = [];
  const warnings: string[] = [];
  for (const a of IDENTITY_ANNOTATIONS) {
    const value = annotations?.[a.annotation]?.trim();
    if (value === undefined || value === "") continue;
    if (a.valid.test(value)) identities.push({ provider: a.provider, id: value, annotation: a.annotation });
    else warnings.push(`ServiceAccount ${where} has ${a.annotation} = "${value.slice(0, 200)}", which is not ${a.what}: ignored.`);
  }
  return { identities, warnings };
}

export interface SecretMeta {
  name: string;
  annotations: Record<string, string>;
}

const TOKEN_OWNER = "kubernetes.io/service-account.name";
const TEKTON_CREDENTIAL = /^tekton\.dev\/(?:git|docker)-\d+$/;

/** The secrets a ServiceAccount holds: those it lists, and token secrets naming it. `metas` null: not readable. */
export function secretsOf(account: string, listed: string[], metas: SecretMeta[] | null): SecretRef[] {
  const byName = new Map((metas ?? []).map((m) => [m.name, m]));
  const names = [...new Set([...listed, ...(metas ?? []).filter((m) => m.annotations[TOKEN_OWNER] === account).map((m) => m.name)])].sort();
  return names.map((name) => {
    const meta = byName.get(name);
    const hosts = Object.entries(meta?.annotations ?? {})
      .filter(([k]) => TEKTON_CREDENTIAL.test(k))
      .map(([, v]) => v)
      .sort();
    const kind: SecretRef["kind"] = metas === null ? "unknown" : meta?.annotations[TOKEN_OWNER] === account ? "service-account-token" : hosts.length > 0 ? "tekton-credential" : "other";
    return { name, kind, hosts, listed: listed.includes(name), exists: metas === null ? null : meta !== undefined };
  });
}

function secretRef(field: RepositorySecret["field"], v: unknown): RepositorySecret[] {
  const name = str(obj(v).name);
  return name === null ? [] : [{ field, name, key: str(obj(v).key) }];
}

/** The manifest to create the object again: identity and spec, without status or what the server sets. */
function recreatable(raw: Json): Json {
  const m = obj(raw.metadata);
  const metadata = Object.fromEntries(Object.entries({ name: m.name, namespace: m.namespace, labels: m.labels, annotations: m.annotations }).filter(([, v]) => v !== undefined));
  return { apiVersion: raw.apiVersion, kind: raw.kind, metadata, spec: raw.spec };
}

export function repositoryOf(raw: unknown): PacRepositoryRead | string {
  const r = obj(raw);
  const meta = obj(r.metadata);
  const spec = obj(r.spec);
  const name = str(meta.name);
  const namespace = str(meta.namespace);
  const url = str(spec.url);
  if (name === null || namespace === null || url === null) return `A Pipelines-as-Code Repository without metadata.name, metadata.namespace or spec.url was skipped (${JSON.stringify(meta.name ?? null)}).`;
  const git = obj(spec.git_provider);
  const incoming = Array.isArray(spec.incoming) ? spec.incoming : [];
  const params = Array.isArray(spec.params) ? spec.params : [];
  const limit = spec.concurrency_limit;
  return {
    namespace,
    name,
    url,
    provider: str(git.type),
    secrets: [
      ...secretRef("git_provider.secret", git.secret),
      ...secretRef("git_provider.webhook_secret", git.webhook_secret),
      ...incoming.flatMap((i) => secretRef("incoming.secret", obj(i).secret)),
      ...params.flatMap((p) => secretRef("params.secret_ref", obj(p).secret_ref)),
    ],
    concurrencyLimit: typeof limit === "number" && Number.isInteger(limit) ? limit : null,
    manifest: recreatable(r),
  };
}

/** A PipelineRun that has not finished (Succeeded condition absent or Unknown); null when it has; a string when malformed. */
export function runningPipelineRunOf(raw: unknown): PipelineRunRead | null | string {
  const r = obj(raw);
  const meta = obj(r.metadata);
  const spec = obj(r.spec);
  const status = obj(r.status);
  const name = str(meta.name);
  const namespace = str(meta.namespace);
  if (name === null || namespace === null) return "A PipelineRun without metadata.name or metadata.namespace was skipped.";
  const conditions = Array.isArray(status.conditions) ? status.conditions.map(obj) : [];
  const succeeded = conditions.find((c) => c.type === "Succeeded");
  if (succeeded !== undefined && succeeded.status !== "Unknown") return null;
  const labels = obj(meta.labels);
  return {
    namespace,
    name,
    serviceAccountName: str(obj(spec.taskRunTemplate).serviceAccountName) ?? "default",
    taskServiceAccounts: [...new Set((Array.isArray(spec.taskRunSpecs) ? spec.taskRunSpecs : []).map((t) => str(obj(t).serviceAccountName)).filter((a): a is string => a !== null))].sort(),
    pipeline: str(obj(spec.pipelineRef).name),
    repository: str(labels["pipelinesascode.tekton.dev/repository"]),
    eventType: str(labels["pipelinesascode.tekton.dev/event-type"]),
    startTime: str(status.startTime),
    reason: succeeded === undefined ? null : str(succeeded.reason),
    specStatus: str(spec.status),
  };
}
