import { fakeSha, stableId } from "../fixtures/blob";
import { isoSeconds } from "../fixtures/dates";
import type { ArtifactData, CacheData, ReleaseData, RepoData, WorkflowRunData } from "../fixtures/model";
import type { SimCore } from "./core";
import { listWorkflows, repoRuns } from "./workflows";

// Control-plane seeding of what the incident playbook reads and deletes: workflow runs at given
// times (a compromise window), artifacts of those runs, Actions caches and releases. Nothing here
// sends a webhook: this is history, not activity. Ids are stable per simulator instance.

type When = Date | string;

const iso = (when: When): string => isoSeconds(typeof when === "string" ? Date.parse(when) : when.getTime());

export interface SeedRunInput {
  /** the workflow's path, `.github/workflows/release.yml` */
  workflow: string;
  createdAt: When;
  status?: WorkflowRunData["status"];
  conclusion?: WorkflowRunData["conclusion"];
  event?: string;
  /** a cancel leaves it running: only force-cancel stops it */
  needsForceCancel?: boolean;
}

export interface ArtifactInput {
  runId: number;
  name: string;
  sizeInBytes?: number;
  /** default: the run's creation time */
  createdAt?: When;
  retentionDays?: number;
}

export interface CacheInput {
  key: string;
  /** default: the default branch */
  ref?: string;
  sizeInBytes?: number;
  createdAt?: When;
  lastAccessedAt?: When;
}

export interface ReleaseInput {
  tagName: string;
  name?: string;
  createdAt: When;
  /** default: createdAt (null for a draft) */
  publishedAt?: When | null;
  draft?: boolean;
  prerelease?: boolean;
  author?: string;
  targetCommitish?: string;
}

let counter = 0;
const nextId = (kind: string, repo: RepoData): number => stableId(kind, repo.id, ++counter) % 1_000_000_000;

export function seedRun(core: SimCore, repo: RepoData, input: SeedRunInput): WorkflowRunData {
  const wf = listWorkflows(repo).find((w) => w.path === input.workflow);
  if (!wf) throw new Error(`sim: no workflow "${input.workflow}" in ${repo.name}`);
  const runs = repoRuns(repo, core.now());
  const status = input.status ?? "completed";
  const createdAt = iso(input.createdAt);
  const run: WorkflowRunData = {
    id: nextId("run", repo),
    workflowId: wf.id,
    workflowPath: wf.path,
    name: wf.name,
    event: input.event ?? "push",
    status,
    conclusion: status === "completed" ? (input.conclusion ?? "success") : null,
    headBranch: repo.defaultBranch,
    headSha: fakeSha(repo.headOid, createdAt),
    runNumber: 300 + runs.size,
    createdAt,
    updatedAt: createdAt,
    actor: "octocat",
    persistent: true,
    ...(input.needsForceCancel ? { needsForceCancel: true as const } : {}),
  };
  runs.set(run.id, run);
  return run;
}

/** Makes an existing run ignore a plain cancel (only force-cancel stops it). */
export function requireForceCancel(core: SimCore, repo: RepoData, runId: number): void {
  const run = repoRuns(repo, core.now()).get(runId);
  if (!run) throw new Error(`sim: no run ${runId} in ${repo.name}`);
  run.needsForceCancel = true;
}

export function addArtifact(core: SimCore, repo: RepoData, input: ArtifactInput): ArtifactData {
  const run = repoRuns(repo, core.now()).get(input.runId);
  if (!run) throw new Error(`sim: no run ${input.runId} in ${repo.name}`);
  const createdAt = input.createdAt ? iso(input.createdAt) : run.createdAt;
  const artifact: ArtifactData = {
    id: nextId("artifact", repo),
    name: input.name,
    sizeInBytes: input.sizeInBytes ?? 1024,
    runId: run.id,
    headBranch: run.headBranch,
    headSha: run.headSha,
    createdAt,
    expiresAt: isoSeconds(Date.parse(createdAt) + (input.retentionDays ?? 90) * 86_400_000),
  };
  repo.artifacts.push(artifact);
  return artifact;
}

export function addCache(core: SimCore, repo: RepoData, input: CacheInput): CacheData {
  const createdAt = input.createdAt ? iso(input.createdAt) : core.nowIso();
  const cache: CacheData = {
    id: nextId("cache", repo),
    key: input.key,
    ref: input.ref ?? `refs/heads/${repo.defaultBranch}`,
    version: fakeSha("cache-version", input.key) + fakeSha(input.key).slice(0, 24),
    sizeInBytes: input.sizeInBytes ?? 4096,
    createdAt,
    lastAccessedAt: input.lastAccessedAt ? iso(input.lastAccessedAt) : createdAt,
  };
  repo.caches.push(cache);
  return cache;
}

export function addRelease(_core: SimCore, repo: RepoData, input: ReleaseInput): ReleaseData {
  const createdAt = iso(input.createdAt);
  const draft = input.draft ?? false;
  const release: ReleaseData = {
    id: nextId("release", repo),
    tagName: input.tagName,
    name: input.name ?? input.tagName,
    targetCommitish: input.targetCommitish ?? repo.defaultBranch,
    draft,
    prerelease: input.prerelease ?? false,
    createdAt,
    publishedAt: input.publishedAt === null || draft ? null : input.publishedAt ? iso(input.publishedAt) : createdAt,
    author: input.author ?? "octocat",
  };
  repo.releases.push(release);
  return release;
}
