import "server-only";
import { createHash } from "node:crypto";
import type { GithubClient } from "../client";
import { conditionalList, type EtagStore } from "../etag";
import { classifyError, GithubAuthError } from "../errors";
import { SKIPPABLE_PARTS, type FetchStats, type OrgFacts, type RepoFacts, type RepoFetchError, type RepoFile, type RepoSummary, type SkippablePart } from "../facts";
import type { FetchEventListener } from "../stats";
import { diffStats } from "../stats";
import { fetchBatch, type BatchRepoFacts, type BatchRepoResult } from "./graphql-batch";
import { decideSkips, describeSkips, isDecisionFile, type Skips } from "./needs";
import { fetchOrgFacts } from "./org";
import { mapPool } from "./pool";
import { fetchRepoRest, step, StepError } from "./repo-rest";
import { listOf, toRepoSummary } from "./rest-shapes";

// The fetch layer of one organisation: network only, plain facts out (lib/github/facts.ts).
// Invariants: one repository's failure is a RepoFetchError value and never stops the others;
// revoked or rejected credentials (GithubAuthError) abort the whole fetch; `stats()` counts only
// what this fetcher spent, even on a shared client.

export interface OrgFetcherOptions {
  client: GithubClient;
  org: string;
  etags: EtagStore;
  /** Repositories fetched in parallel (each runs its REST calls in parallel too, under the client's cap). Default 16. */
  concurrency?: number;
  /** Larger blobs come back with text null, skipped "too-large". Default 512 KiB. */
  maxFileBytes?: number;
  /** Repos per GraphQL query (25–50). Default 25 when files are fetched, 50 otherwise. */
  batchSize?: number;
  onEvent?: FetchEventListener;
  /** Parts fetched even when the workflow files show no use for them (RepoFacts.skipped). Default none. */
  alwaysFetch?: SkippablePart[];
}

export interface FetchReposOptions {
  /** Repos whose files (text) are fetched; default all. Others come back with `files: []`, `filesFetched: false`. */
  filesFor?: Set<number>;
  /**
   * Files stored from an earlier sync, by repo GitHub id, for repos not in `filesFor`: they decide
   * which optional calls are skipped, as fetched files would. Used only while they match the
   * repository's current workflow and composite-action blob oids (GraphQL tree); otherwise, and
   * without them, the decision remembered in the EtagStore for that tree, else everything is fetched.
   */
  knownFiles?: Map<number, RepoFile[]>;
}

export interface OrgFetcher {
  fetchOrg(): Promise<OrgFacts>;
  listRepos(): Promise<RepoSummary[]>;
  fetchRepos(repos: RepoSummary[], opts?: FetchReposOptions): AsyncIterable<RepoFacts | RepoFetchError>;
  stats(): FetchStats;
}

/** Identity of the files the decisions read: their paths and blob oids at HEAD. */
function treeFingerprint(tree: readonly { path: string; oid: string }[]): string {
  const lines = tree.map((t) => `${t.path}\u0000${t.oid}`).sort();
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

/** Stored files describe the current tree: same decision files, same oids. */
function matchesTree(files: readonly RepoFile[], tree: readonly { path: string; oid: string }[]): boolean {
  // The decisions read GitHub's workflows and actions only; the tree also lists other CI systems' files.
  const known = files.filter((f) => isDecisionFile(f.path));
  const decisive = tree.filter((t) => isDecisionFile(t.path));
  if (known.length !== decisive.length) return false;
  const oids = new Map(decisive.map((t) => [t.path, t.oid]));
  return known.every((f) => oids.get(f.path) === f.oid);
}

// The decision made from files is remembered in the EtagStore (not an HTTP entry: no "GET " key,
// no response body) under the tree's fingerprint, so a re-sync without files or knownFiles skips
// the same calls while the tree is unchanged.
const decisionKey = (repo: RepoSummary) => `fetch-decision repo:${repo.githubId}`;

function skipsOfRecord(body: unknown): Map<SkippablePart, string> | null {
  if (typeof body !== "object" || body === null || !("skipped" in body)) return null;
  const skipped = (body as { skipped: unknown }).skipped;
  if (typeof skipped !== "object" || skipped === null) return null;
  const out = new Map<SkippablePart, string>();
  for (const [part, why] of Object.entries(skipped)) {
    if (!(SKIPPABLE_PARTS as readonly string[]).includes(part) || typeof why !== "string") return null;
    out.set(part as SkippablePart, why);
  }
  return out;
}

/** GraphQL batches requested ahead of the one the pool is on (each holds ≤ 25 repos' file text). */
const BATCH_LOOKAHEAD = 2;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createOrgFetcher(options: OrgFetcherOptions): OrgFetcher {
  const { client, org, etags } = options;
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const maxFileBytes = options.maxFileBytes ?? 512 * 1024;
  const baseline = { ...client.stats };
  if (options.onEvent) client.subscribe(options.onEvent);

  const alwaysFetch = new Set(options.alwaysFetch ?? []);

  /** Fetched files, else current knownFiles, else the remembered decision, else nothing skipped. */
  async function skipsFor(repo: RepoSummary, graphql: BatchRepoFacts, wantsFiles: boolean, knownFiles: Map<number, RepoFile[]> | undefined): Promise<Skips> {
    const known = knownFiles?.get(repo.githubId);
    const files = wantsFiles ? (graphql.files ?? []) : known && matchesTree(known, graphql.tree) ? known : null;
    let skips: Map<SkippablePart, string>;
    if (files !== null || !graphql.hasWorkflows) {
      skips = decideSkips(files, graphql.hasWorkflows);
      if (files !== null) await remember(repo, graphql.tree, skips);
    } else {
      skips = (await recall(repo, graphql.tree)) ?? new Map();
    }
    for (const part of alwaysFetch) skips.delete(part);
    return skips;
  }

  async function recall(repo: RepoSummary, tree: BatchRepoFacts["tree"]): Promise<Map<SkippablePart, string> | null> {
    const stored = await etags.get(decisionKey(repo));
    return stored && stored.etag === treeFingerprint(tree) ? skipsOfRecord(stored.body) : null;
  }

  async function remember(repo: RepoSummary, tree: BatchRepoFacts["tree"], skips: Skips): Promise<void> {
    const fingerprint = treeFingerprint(tree);
    const body = { skipped: Object.fromEntries(skips) };
    const stored = await etags.get(decisionKey(repo));
    if (stored?.etag === fingerprint && JSON.stringify(stored.body) === JSON.stringify(body)) return;
    await etags.set(decisionKey(repo), fingerprint, body);
  }

  async function fetchRepo(
    repo: RepoSummary,
    batch: Promise<Map<number, BatchRepoResult>>,
    wantsFiles: boolean,
    knownFiles: Map<number, RepoFile[]> | undefined,
  ): Promise<RepoFacts | RepoFetchError> {
    // Each repository takes its part out of the batch: a batch's results (file texts) are then
    // not held until the whole organisation is fetched.
    const results = await batch;
    const graphql = results.get(repo.githubId);
    results.delete(repo.githubId);
    if (!graphql) return { repo, kind: "error", message: "GraphQL batch returned nothing for this repository" };
    if (!graphql.ok) return { repo, kind: graphql.kind, message: `${repo.fullName}: ${graphql.message}` };
    try {
      const skips = await step("decide what to fetch", () => skipsFor(repo, graphql, wantsFiles, knownFiles));
      const rest = await fetchRepoRest(client, etags, repo, graphql, skips);
      return { repo, files: wantsFiles ? (graphql.files ?? []) : [], filesFetched: wantsFiles, ...rest, skipped: describeSkips(skips) };
    } catch (error) {
      const cause = error instanceof StepError ? error.cause : error;
      if (cause instanceof GithubAuthError) throw cause;
      const what = error instanceof StepError ? `${repo.fullName}: ${error.step}` : repo.fullName;
      return { repo, ...classifyError(cause, what) };
    }
  }

  return {
    fetchOrg: () => fetchOrgFacts(client, etags, org),

    listRepos: async () =>
      (await conditionalList(client, etags, `/orgs/${encodeURIComponent(org)}/repos?type=all&per_page=100`, listOf(null))).map(toRepoSummary),

    fetchRepos(repos, opts) {
      const filesFor = opts?.filesFor ?? new Set(repos.map((r) => r.githubId));
      const wants = (repo: RepoSummary) => filesFor.has(repo.githubId);
      // Repos whose files are wanted and the others go in separate batches: text is heavy.
      const withFiles = repos.filter(wants);
      const without = repos.filter((r) => !wants(r));
      const batches = [
        ...chunk(withFiles, options.batchSize ?? 25),
        ...chunk(without, options.batchSize ?? 50),
      ];
      // Batches start lazily, when the pool first needs one of their repos.
      const started = new Map<RepoSummary[], Promise<Map<number, BatchRepoResult>>>();
      const batchOf = new Map<number, RepoSummary[]>();
      for (const b of batches) for (const r of b) batchOf.set(r.githubId, b);
      const indexOf = new Map(batches.map((b, i) => [b, i]));
      const startOne = (b: RepoSummary[]) => {
        let p = started.get(b);
        if (!p) {
          p = fetchBatch(client, b, wants, maxFileBytes);
          p.catch(() => {}); // surfaced through fetchRepo's await
          started.set(b, p);
        }
        return p;
      };
      // GraphQL queries are paced (client.query), so the next batches are requested while the
      // pool still works on this one: the REST pool never waits for them.
      const startBatch = (b: RepoSummary[]) => {
        const i = indexOf.get(b) ?? -1;
        for (let k = 1; k <= BATCH_LOOKAHEAD && i >= 0 && i + k < batches.length; k++) startOne(batches[i + k] as RepoSummary[]);
        return startOne(b);
      };
      const ordered = batches.flat();
      return mapPool(ordered, concurrency, (repo) => {
        const b = batchOf.get(repo.githubId) ?? [repo];
        return fetchRepo(repo, startBatch(b), wants(repo), opts?.knownFiles);
      });
    },

    stats: () => diffStats(client.stats, baseline),
  };
}
