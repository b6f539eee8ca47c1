import "server-only";
import type {
  DeployKeyFacts,
  OidcSubTemplate,
  RepoSummary,
  RunnerFacts,
  SecretFacts,
  VariableFacts,
  Visibility,
  WorkflowFacts,
} from "../facts";

// Mappers from GitHub's REST JSON (github-api.md §A) to facts. Each list picker accepts either
// a bare array or GitHub's `{ total_count, <key>: [...] }` wrapper; unknown input yields [].

export type Json = Record<string, unknown>;

export function listOf(key: string | null): (data: unknown) => Json[] {
  return (data) => {
    const list = key === null ? data : typeof data === "object" && data !== null ? (data as Json)[key] : undefined;
    return Array.isArray(list) ? (list.filter((x) => typeof x === "object" && x !== null) as Json[]) : [];
  };
}

export function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

export function num(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

export function visibilityOf(value: unknown): Visibility {
  return value === "private" || value === "selected" ? value : "all";
}

export function toSecret(s: Json): SecretFacts {
  return { name: str(s.name), createdAt: str(s.created_at), updatedAt: str(s.updated_at) };
}

export function toVariable(v: Json): VariableFacts {
  return { ...toSecret(v), value: str(v.value) };
}

export function toRepoSummary(r: Json): RepoSummary {
  const visibility = r.visibility === "public" || r.visibility === "internal" ? r.visibility : r.private === false ? "public" : "private";
  return {
    githubId: num(r.id),
    name: str(r.name),
    fullName: str(r.full_name),
    visibility,
    archived: r.archived === true,
    fork: r.fork === true,
    defaultBranch: str(r.default_branch),
    pushedAt: typeof r.pushed_at === "string" ? r.pushed_at : null,
  };
}

export function toWorkflow(w: Json): WorkflowFacts {
  return { id: num(w.id), name: str(w.name), path: str(w.path), state: str(w.state) };
}

export function toDeployKey(k: Json): DeployKeyFacts {
  return { id: num(k.id), title: str(k.title), readOnly: k.read_only === true, createdAt: str(k.created_at) };
}

export function toRunner(r: Json, org: boolean): RunnerFacts {
  const labels = Array.isArray(r.labels) ? (r.labels as unknown[]).map((l) => (typeof l === "object" && l !== null ? str((l as Json).name) : str(l))) : [];
  return {
    id: num(r.id),
    name: str(r.name),
    os: str(r.os),
    status: str(r.status),
    labels,
    groupId: org && typeof r.runner_group_id === "number" ? r.runner_group_id : null,
  };
}

export function toDefaultPermissions(data: unknown): { permissions: "read" | "write" | null; canApprove: boolean | null } {
  const d = (typeof data === "object" && data !== null ? data : {}) as Json;
  const p = d.default_workflow_permissions;
  return {
    permissions: p === "read" || p === "write" ? p : null,
    canApprove: typeof d.can_approve_pull_request_reviews === "boolean" ? d.can_approve_pull_request_reviews : null,
  };
}

/** Repo template (`use_default`, `include_claim_keys`) or org template (`include_claim_keys` only). */
export function toOidcTemplate(data: unknown): OidcSubTemplate | null {
  if (typeof data !== "object" || data === null) return null;
  const d = data as Json;
  const keys = Array.isArray(d.include_claim_keys) ? (d.include_claim_keys as unknown[]).filter((k): k is string => typeof k === "string") : [];
  return {
    useDefault: d.use_default === true,
    includeClaimKeys: keys,
    ...(typeof d.use_immutable_subject === "boolean" ? { useImmutableSubject: d.use_immutable_subject } : {}),
    ...(typeof d.sub_claim_prefix === "string" && d.sub_claim_prefix !== "" ? { subClaimPrefix: d.sub_claim_prefix } : {}),
  };
}

/** Repository ids out of a `{ total_count, repositories: [...] }` page. */
export const repositoryIds = (data: unknown): number[] => listOf("repositories")(data).map((r) => num(r.id));
