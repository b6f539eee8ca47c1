import "server-only";
import type { GithubClient } from "../client";
import { classifyError, GithubAuthError, type ClassifiedError } from "../errors";
import type { ProtectionRules, RepoFile, RepoSummary } from "../facts";
import { buildBatchQuery, buildBlobQuery, ENV_PAGE } from "./graphql-query";

// Runs the batched GraphQL query for up to 50 repos and turns each alias into per-repo facts.
// Invariants: one alias failing (NOT_FOUND, FORBIDDEN) fails only that repo; GraphQL points come
// from `rateLimit { cost }`; blob text over maxFileBytes, truncated or binary is never returned.

interface GqlBlob { oid?: string; byteSize?: number; isBinary?: boolean | null; isTruncated?: boolean; text?: string | null }
interface GqlEntry { name: string; path: string | null; type: string; oid: string; object?: (GqlBlob & { entries?: GqlEntry[] }) | null }
interface GqlReviewer { __typename: string; login?: string; slug?: string }
interface GqlRule { type: string; timeout: number; preventSelfReview: boolean | null; reviewers: { nodes: (GqlReviewer | null)[] | null } }
interface GqlEnvironment { name: string; protectionRules: { nodes: (GqlRule | null)[] | null } }
interface GqlRepo {
  databaseId: number | null;
  workflows: { entries?: GqlEntry[] | null } | null;
  codeowners1: GqlBlob | null;
  codeowners2: GqlBlob | null;
  codeowners3: GqlBlob | null;
  actions: { entries?: GqlEntry[] | null } | null;
  buildkite?: { entries?: GqlEntry[] | null } | null;
  buildkiteYml?: GqlBlob | null;
  buildkiteYaml?: GqlBlob | null;
  tekton?: { entries?: GqlEntry[] | null } | null;
  lighthouse?: { entries?: GqlEntry[] | null } | null;
  environments: { totalCount: number; nodes: (GqlEnvironment | null)[] | null };
}
type GqlError = { path?: unknown[]; type?: string; message: string };
type BatchData = Record<string, unknown> & { rateLimit?: { cost?: number } | null };

export interface GraphqlEnvironment {
  name: string;
  protection: ProtectionRules;
  /** GraphQL only says a branch policy exists; its kind comes from REST. */
  hasBranchPolicy: boolean;
}

export interface BatchRepoFacts {
  ok: true;
  hasWorkflows: boolean;
  /** null when files were not requested for this repo. */
  files: RepoFile[] | null;
  environments: GraphqlEnvironment[];
  /** More environments than one GraphQL page: the caller lists them by REST. */
  environmentsTruncated: boolean;
  /**
   * Path and blob oid of every workflow file and local composite action at HEAD, text or not:
   * tells whether files known from an earlier sync are still current.
   */
  tree: { path: string; oid: string }[];
}

export type BatchRepoResult = BatchRepoFacts | ({ ok: false } & ClassifiedError);

const YAML = /\.ya?ml$/;
const ACTION_FILE = /(^|\/)action\.ya?ml$/;

function toFile(path: string, oid: string, blob: GqlBlob | null | undefined, maxBytes: number): RepoFile {
  if (!blob) return { path, oid, text: null, skipped: "too-large" };
  if (blob.isBinary) return { path, oid, text: null, skipped: "binary" };
  if (blob.isTruncated || (blob.byteSize ?? 0) > maxBytes || typeof blob.text !== "string") return { path, oid, text: null, skipped: "too-large" };
  return { path, oid, text: blob.text };
}

const workflowPath = (e: GqlEntry) => e.path ?? `.github/workflows/${e.name}`;
const actionPath = (e: GqlEntry) => e.path ?? e.name;

/** Blobs of a tree, at any depth the query asked for, whose path `wanted` accepts. */
function blobEntries(entries: GqlEntry[] | null | undefined, wanted: RegExp): GqlEntry[] {
  const found: GqlEntry[] = [];
  for (const e of entries ?? []) {
    if (e.type === "blob" && e.path && wanted.test(e.path)) found.push(e);
    if (e.type === "tree") found.push(...blobEntries(e.object?.entries, wanted));
  }
  return found;
}

/** Pipeline files of other CI systems (YAML only); which of them really are pipelines, the analysis decides. */
function pipelineEntries(repo: GqlRepo): GqlEntry[] {
  const root = (name: string, blob: GqlBlob | null | undefined): GqlEntry[] => (blob?.oid ? [{ name, path: name, type: "blob", oid: blob.oid }] : []);
  return [
    ...blobEntries(repo.buildkite?.entries, YAML),
    ...root("buildkite.yml", repo.buildkiteYml),
    ...root("buildkite.yaml", repo.buildkiteYaml),
    ...blobEntries(repo.tekton?.entries, YAML),
    ...blobEntries(repo.lighthouse?.entries, YAML),
  ];
}

function toProtection(env: GqlEnvironment): GraphqlEnvironment {
  const rules = (env.protectionRules.nodes ?? []).filter((r): r is GqlRule => r !== null);
  const reviewerRule = rules.find((r) => r.type === "REQUIRED_REVIEWERS");
  const waitRule = rules.find((r) => r.type === "WAIT_TIMER");
  const requiredReviewers = (reviewerRule?.reviewers.nodes ?? [])
    .filter((r): r is GqlReviewer => r !== null)
    .map((r) => (r.__typename === "Team" ? { type: "Team" as const, login: r.slug ?? "" } : { type: "User" as const, login: r.login ?? "" }));
  return {
    name: env.name,
    hasBranchPolicy: rules.some((r) => r.type === "BRANCH_POLICY"),
    protection: {
      requiredReviewers,
      preventSelfReview: reviewerRule?.preventSelfReview === true,
      waitTimerMinutes: waitRule?.timeout ?? 0,
      branchPolicy: null,
    },
  };
}

function toRepoFacts(repo: GqlRepo, withText: boolean, maxBytes: number): BatchRepoFacts & { actionBlobs: GqlEntry[] } {
  const workflowEntries = (repo.workflows?.entries ?? []).filter((e) => e.type === "blob" && YAML.test(e.name));
  const actions = [...blobEntries(repo.actions?.entries, ACTION_FILE), ...pipelineEntries(repo)];
  const files: RepoFile[] = [];
  if (withText) {
    for (const e of workflowEntries) files.push(toFile(workflowPath(e), e.oid, e.object, maxBytes));
    // GitHub uses the first CODEOWNERS found in this order; only that one is returned.
    const owners = [
      [".github/CODEOWNERS", repo.codeowners1],
      ["CODEOWNERS", repo.codeowners2],
      ["docs/CODEOWNERS", repo.codeowners3],
    ] as const;
    const first = owners.find(([, blob]) => blob?.oid !== undefined && blob.byteSize !== undefined);
    if (first?.[1]?.oid) files.push(toFile(first[0], first[1].oid, first[1], maxBytes));
  }
  return {
    ok: true,
    hasWorkflows: workflowEntries.length > 0,
    files: withText ? files : null,
    environments: (repo.environments.nodes ?? []).filter((e): e is GqlEnvironment => e !== null).map(toProtection),
    environmentsTruncated: repo.environments.totalCount > ENV_PAGE,
    tree: [
      ...workflowEntries.map((e) => ({ path: workflowPath(e), oid: e.oid })),
      ...actions.map((e) => ({ path: actionPath(e), oid: e.oid })),
    ],
    actionBlobs: withText ? actions : [],
  };
}

async function runQuery(client: GithubClient, query: string): Promise<{ data: BatchData; errors: GqlError[] }> {
  try {
    const data = await client.query<BatchData>(query);
    client.stats.graphqlPoints += data.rateLimit?.cost ?? 0;
    return { data, errors: [] };
  } catch (error) {
    // @octokit/graphql's GraphqlResponseError: partial data plus per-path errors.
    if (error instanceof Error && error.name === "GraphqlResponseError" && "data" in error && "errors" in error) {
      const data = (error.data ?? {}) as BatchData;
      client.stats.graphqlPoints += data.rateLimit?.cost ?? 0;
      return { data, errors: Array.isArray(error.errors) ? (error.errors as GqlError[]) : [] };
    }
    throw error;
  }
}

function aliasError(errors: GqlError[], alias: string): ClassifiedError | null {
  const e = errors.find((x) => x.path?.[0] === alias);
  if (!e) return null;
  const kind = e.type === "NOT_FOUND" ? "not-found" : e.type === "FORBIDDEN" ? "missing-permission" : "error";
  return { kind, message: `GraphQL: ${e.message}` };
}

/** Files, environments and protection rules of `repos` (≤ 50), keyed by repo GitHub id. */
export async function fetchBatch(
  client: GithubClient,
  repos: RepoSummary[],
  wantsFiles: (repo: RepoSummary) => boolean,
  maxFileBytes: number,
): Promise<Map<number, BatchRepoResult>> {
  const results = new Map<number, BatchRepoResult>();
  let run: Awaited<ReturnType<typeof runQuery>>;
  try {
    run = await runQuery(client, buildBatchQuery(repos, wantsFiles));
  } catch (error) {
    if (error instanceof GithubAuthError) throw error;
    const failure = classifyError(error, "GraphQL batch (files and environments)");
    for (const repo of repos) results.set(repo.githubId, { ok: false, ...failure });
    return results;
  }
  const pendingActions: { repo: RepoSummary; entries: GqlEntry[]; facts: BatchRepoFacts }[] = [];
  repos.forEach((repo, i) => {
    const alias = `r${i}`;
    const node = run.data[alias] as GqlRepo | null | undefined;
    const failure = aliasError(run.errors, alias);
    if (!node || failure) {
      results.set(repo.githubId, { ok: false, ...(failure ?? { kind: "not-found", message: "GraphQL: repository not found" }) });
      return;
    }
    const { actionBlobs, ...facts } = toRepoFacts(node, wantsFiles(repo), maxFileBytes);
    results.set(repo.githubId, facts);
    if (actionBlobs.length > 0) pendingActions.push({ repo, entries: actionBlobs, facts });
  });
  if (pendingActions.length > 0) await fetchActionBlobs(client, pendingActions, maxFileBytes, results);
  return results;
}

/** Second query, only when some repo has composite actions or other CI systems' pipeline files: their text by blob oid. */
async function fetchActionBlobs(
  client: GithubClient,
  pending: { repo: RepoSummary; entries: GqlEntry[]; facts: BatchRepoFacts }[],
  maxFileBytes: number,
  results: Map<number, BatchRepoResult>,
): Promise<void> {
  let run: Awaited<ReturnType<typeof runQuery>>;
  try {
    run = await runQuery(client, buildBlobQuery(pending.map((p) => ({ repo: p.repo, oids: p.entries.map((e) => e.oid) }))));
  } catch (error) {
    if (error instanceof GithubAuthError) throw error;
    const failure = classifyError(error, "GraphQL batch (composite actions and pipeline files)");
    for (const p of pending) results.set(p.repo.githubId, { ok: false, ...failure });
    return;
  }
  pending.forEach((p, i) => {
    const node = run.data[`r${i}`] as Record<string, GqlBlob | null> | null | undefined;
    p.entries.forEach((entry, j) => {
      p.facts.files?.push(toFile(actionPath(entry), entry.oid, node?.[`b${j}`], maxFileBytes));
    });
  });
}
