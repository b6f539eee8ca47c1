import "server-only";
import type { SecretScope } from "./steps";

// Every GitHub call the responder makes, as data: the session sends exactly these, and a dry run
// (plan.ts) lists exactly these, so what a responder reviews is what runs. Path segments are
// URL-encoded; list calls carry their query (100 per page; the session follows `link`).

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface ApiCall {
  method: HttpMethod;
  /** from the API root, with its query: `/repos/acme/api/actions/workflows/123/disable` */
  path: string;
  /** JSON body; a secret's is `{ encrypted_value, key_id, … }` on the wire, never the value */
  body?: Readonly<Record<string, unknown>>;
}

export type WorkflowRef = number | string;

/** Where a secret lives: repository, organisation or environment. */
export interface SecretTarget {
  scope: SecretScope;
  owner: string;
  repo?: string;
  environment?: string;
  name: string;
}

const seg = (value: string | number): string => encodeURIComponent(String(value));
const repoPath = (owner: string, repo: string): string => `/repos/${seg(owner)}/${seg(repo)}`;

function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** GitHub's date syntax, to the second: `2025-03-14T00:00:00Z..2025-03-15T20:00:00Z` (the window widened to whole seconds). */
export function createdFilter(from: Date, to: Date): string {
  const floor = new Date(Math.floor(from.getTime() / 1000) * 1000);
  const ceil = new Date(Math.ceil(to.getTime() / 1000) * 1000);
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
  return `${iso(floor)}..${iso(ceil)}`;
}

export interface RunQuery {
  workflowId?: WorkflowRef;
  created?: { from: Date; to: Date };
  status?: "queued" | "in_progress" | "waiting" | "requested" | "pending";
}

export const calls = {
  getWorkflow: (owner: string, repo: string, workflow: WorkflowRef): ApiCall => ({ method: "GET", path: `${repoPath(owner, repo)}/actions/workflows/${seg(workflow)}` }),
  disableWorkflow: (owner: string, repo: string, workflow: WorkflowRef): ApiCall => ({ method: "PUT", path: `${repoPath(owner, repo)}/actions/workflows/${seg(workflow)}/disable` }),
  enableWorkflow: (owner: string, repo: string, workflow: WorkflowRef): ApiCall => ({ method: "PUT", path: `${repoPath(owner, repo)}/actions/workflows/${seg(workflow)}/enable` }),
  listRuns: (owner: string, repo: string, query: RunQuery = {}): ApiCall => ({
    method: "GET",
    path: withQuery(
      query.workflowId === undefined ? `${repoPath(owner, repo)}/actions/runs` : `${repoPath(owner, repo)}/actions/workflows/${seg(query.workflowId)}/runs`,
      { created: query.created ? createdFilter(query.created.from, query.created.to) : undefined, status: query.status, per_page: 100 },
    ),
  }),
  getRun: (owner: string, repo: string, runId: number): ApiCall => ({ method: "GET", path: `${repoPath(owner, repo)}/actions/runs/${seg(runId)}` }),
  cancelRun: (owner: string, repo: string, runId: number): ApiCall => ({ method: "POST", path: `${repoPath(owner, repo)}/actions/runs/${seg(runId)}/cancel` }),
  forceCancelRun: (owner: string, repo: string, runId: number): ApiCall => ({ method: "POST", path: `${repoPath(owner, repo)}/actions/runs/${seg(runId)}/force-cancel` }),
  deleteRunLogs: (owner: string, repo: string, runId: number): ApiCall => ({ method: "DELETE", path: `${repoPath(owner, repo)}/actions/runs/${seg(runId)}/logs` }),
  listArtifacts: (owner: string, repo: string, runId?: number): ApiCall => ({
    method: "GET",
    path: withQuery(runId === undefined ? `${repoPath(owner, repo)}/actions/artifacts` : `${repoPath(owner, repo)}/actions/runs/${seg(runId)}/artifacts`, { per_page: 100 }),
  }),
  deleteArtifact: (owner: string, repo: string, artifactId: number): ApiCall => ({ method: "DELETE", path: `${repoPath(owner, repo)}/actions/artifacts/${seg(artifactId)}` }),
  listCaches: (owner: string, repo: string): ApiCall => ({ method: "GET", path: withQuery(`${repoPath(owner, repo)}/actions/caches`, { per_page: 100 }) }),
  deleteCache: (owner: string, repo: string, cacheId: number): ApiCall => ({ method: "DELETE", path: `${repoPath(owner, repo)}/actions/caches/${seg(cacheId)}` }),
  deleteCachesByKey: (owner: string, repo: string, key: string, ref?: string): ApiCall => ({ method: "DELETE", path: withQuery(`${repoPath(owner, repo)}/actions/caches`, { key, ref }) }),
  deleteDeployKey: (owner: string, repo: string, keyId: number): ApiCall => ({ method: "DELETE", path: `${repoPath(owner, repo)}/keys/${seg(keyId)}` }),
  listReleases: (owner: string, repo: string): ApiCall => ({ method: "GET", path: withQuery(`${repoPath(owner, repo)}/releases`, { per_page: 100 }) }),
  secretPublicKey: (t: SecretTarget): ApiCall => ({ method: "GET", path: `${secretsPath(t)}/public-key` }),
  /** Organisation secrets: its visibility, kept when a rotation does not say otherwise. */
  getOrgSecret: (org: string, name: string): ApiCall => ({ method: "GET", path: `/orgs/${seg(org)}/actions/secrets/${seg(name)}` }),
  orgSecretRepositories: (org: string, name: string): ApiCall => ({ method: "GET", path: withQuery(`/orgs/${seg(org)}/actions/secrets/${seg(name)}/repositories`, { per_page: 100 }) }),
  putSecret: (t: SecretTarget, body: Readonly<Record<string, unknown>>): ApiCall => ({ method: "PUT", path: `${secretsPath(t)}/${seg(t.name)}`, body }),
};

/** `/repos/o/r/actions/secrets`, `/orgs/o/actions/secrets`, `/repos/o/r/environments/e/secrets`. */
function secretsPath(t: SecretTarget): string {
  if (t.scope === "organization") return `/orgs/${seg(t.owner)}/actions/secrets`;
  if (!t.repo) throw new Error(`a ${t.scope} secret needs its repository`);
  if (t.scope === "repository") return `${repoPath(t.owner, t.repo)}/actions/secrets`;
  if (!t.environment) throw new Error("an environment secret needs its environment");
  return `${repoPath(t.owner, t.repo)}/environments/${seg(t.environment)}/secrets`;
}
