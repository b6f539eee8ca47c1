import type { ArtifactData, CacheData, OrgData, ReleaseData, RepoData } from "../fixtures/model";
import { HttpError, noContent, notFound, ok, paginate, type SimResponse } from "./http";
import { hasPermission, type PermissionNeed } from "./permissions";
import { findRun } from "./routes-actions";
import { param, repoOf, validationFailed, type RouteContext, type RouteDef } from "./router";
import { HTML, nodeId, userShape } from "./shapes";

// What the playbook's rebuild and review steps read and delete: Actions artifacts (per repository
// and per run), Actions caches (by id, by key), run logs, and releases (read only; drafts only to
// a token that may push).

const ACTIONS_READ: readonly PermissionNeed[] = [["actions", "read"]];
const ACTIONS_WRITE: readonly PermissionNeed[] = [["actions", "write"]];
const CONTENTS_READ: readonly PermissionNeed[] = [["contents", "read"]];

function artifactShape(ctx: RouteContext, org: OrgData, repo: RepoData, a: ArtifactData) {
  const url = `${ctx.api}/repos/${org.login}/${repo.name}/actions/artifacts/${a.id}`;
  return {
    id: a.id,
    node_id: nodeId("MDg6QXJ0aWZhY3Q", a.id),
    name: a.name,
    size_in_bytes: a.sizeInBytes,
    url,
    archive_download_url: `${url}/zip`,
    expired: Date.parse(a.expiresAt) <= ctx.core.now(),
    created_at: a.createdAt,
    expires_at: a.expiresAt,
    updated_at: a.createdAt,
    workflow_run: { id: a.runId, repository_id: repo.id, head_repository_id: repo.id, head_branch: a.headBranch, head_sha: a.headSha },
  };
}

function listArtifacts(ctx: RouteContext, org: OrgData, repo: RepoData, runId?: number): SimResponse {
  const name = ctx.url.searchParams.get("name");
  const all = repo.artifacts
    .filter((a) => (runId === undefined || a.runId === runId) && (!name || a.name === name))
    .sort((a, b) => (a.createdAt === b.createdAt ? b.id - a.id : a.createdAt < b.createdAt ? 1 : -1));
  const page = paginate(all, { url: ctx.url });
  return ok({ total_count: all.length, artifacts: page.slice.map((a) => artifactShape(ctx, org, repo, a)) }, 200, page.headers);
}

const cacheShape = (c: CacheData) => ({
  id: c.id,
  ref: c.ref,
  key: c.key,
  version: c.version,
  last_accessed_at: c.lastAccessedAt,
  created_at: c.createdAt,
  size_in_bytes: c.sizeInBytes,
});

const CACHE_SORT: Record<string, (c: CacheData) => string | number> = {
  created_at: (c) => c.createdAt,
  last_accessed_at: (c) => c.lastAccessedAt,
  size_in_bytes: (c) => c.sizeInBytes,
};

function listCaches(ctx: RouteContext): SimResponse {
  const { repo } = repoOf(ctx);
  const q = ctx.url.searchParams;
  const key = q.get("key");
  const ref = q.get("ref");
  const by = CACHE_SORT[q.get("sort") ?? "last_accessed_at"] ?? CACHE_SORT.last_accessed_at!;
  const asc = q.get("direction") === "asc";
  // `key` is an exact key or a prefix, as on GitHub.
  const all = repo.caches
    .filter((c) => (!key || c.key.startsWith(key)) && (!ref || c.ref === ref))
    .sort((a, b) => (by(a) === by(b) ? a.id - b.id : (by(a) < by(b)) === asc ? -1 : 1));
  const page = paginate(all, { url: ctx.url });
  return ok({ total_count: all.length, actions_caches: page.slice.map(cacheShape) }, 200, page.headers);
}

/** DELETE …/caches?key=&ref=: every cache with exactly that key (and ref); 404 when there is none. */
function deleteCachesByKey(ctx: RouteContext): SimResponse {
  const { repo } = repoOf(ctx);
  const key = ctx.url.searchParams.get("key");
  const ref = ctx.url.searchParams.get("ref");
  if (!key) throw validationFailed("Invalid request.\n\n\"key\" wasn't supplied.");
  const gone = repo.caches.filter((c) => c.key === key && (!ref || c.ref === ref));
  if (gone.length === 0) throw notFound();
  repo.caches = repo.caches.filter((c) => !gone.includes(c));
  return ok({ total_count: gone.length, actions_caches: gone.map(cacheShape) });
}

function releaseShape(ctx: RouteContext, org: OrgData, repo: RepoData, r: ReleaseData) {
  const full = `${org.login}/${repo.name}`;
  const url = `${ctx.api}/repos/${full}/releases/${r.id}`;
  const member = org.members.find((m) => m.login === r.author);
  return {
    url,
    html_url: `${HTML}/${full}/releases/tag/${encodeURIComponent(r.tagName)}`,
    assets_url: `${url}/assets`,
    upload_url: `https://uploads.github.com/repos/${full}/releases/${r.id}/assets{?name,label}`,
    tarball_url: `${ctx.api}/repos/${full}/tarball/${encodeURIComponent(r.tagName)}`,
    zipball_url: `${ctx.api}/repos/${full}/zipball/${encodeURIComponent(r.tagName)}`,
    id: r.id,
    node_id: nodeId("RE_", r.id),
    tag_name: r.tagName,
    target_commitish: r.targetCommitish,
    name: r.name,
    body: null,
    draft: r.draft,
    prerelease: r.prerelease,
    created_at: r.createdAt,
    published_at: r.publishedAt,
    author: userShape(ctx.api, r.author, member?.id ?? 583231),
    assets: [],
  };
}

function byId<T extends { id: number }>(list: T[], raw: string): number {
  return list.findIndex((x) => String(x.id) === raw);
}

export const cleanupRoutes: RouteDef[] = [
  { method: "GET", path: "/repos/{owner}/{repo}/actions/artifacts", auth: "token", perm: ACTIONS_READ, handler: (ctx) => { const { org, repo } = repoOf(ctx); return listArtifacts(ctx, org, repo); } },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts",
    auth: "token",
    perm: ACTIONS_READ,
    handler: (ctx) => {
      const { org, repo } = repoOf(ctx);
      return listArtifacts(ctx, org, repo, findRun(ctx, repo).id);
    },
  },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/actions/artifacts/{artifact_id}",
    auth: "token",
    perm: ACTIONS_WRITE,
    handler: (ctx) => {
      const { repo } = repoOf(ctx);
      const index = byId(repo.artifacts, param(ctx, "artifact_id"));
      if (index < 0) throw notFound();
      repo.artifacts.splice(index, 1);
      return noContent();
    },
  },
  { method: "GET", path: "/repos/{owner}/{repo}/actions/caches", auth: "token", perm: ACTIONS_READ, handler: listCaches },
  { method: "DELETE", path: "/repos/{owner}/{repo}/actions/caches", auth: "token", perm: ACTIONS_WRITE, handler: deleteCachesByKey },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/actions/caches/{cache_id}",
    auth: "token",
    perm: ACTIONS_WRITE,
    handler: (ctx) => {
      const { repo } = repoOf(ctx);
      const index = byId(repo.caches, param(ctx, "cache_id"));
      if (index < 0) throw notFound();
      repo.caches.splice(index, 1);
      return noContent();
    },
  },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/actions/runs/{run_id}/logs",
    auth: "token",
    perm: ACTIONS_WRITE,
    handler: (ctx) => {
      const { repo } = repoOf(ctx);
      const run = findRun(ctx, repo);
      // GitHub keeps writing the logs of a running job: it refuses until the run is over.
      if (run.status !== "completed") throw new HttpError(403, "Cannot delete logs of a workflow run that is in progress.");
      // Deleting logs already gone answers 204 again (GitHub documents 204, 403 and 500 only).
      run.logsDeleted = true;
      return noContent();
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/releases",
    auth: "token",
    perm: CONTENTS_READ,
    handler: (ctx) => {
      const { org, repo } = repoOf(ctx);
      // "Only users with push access will receive listings for draft releases": for an App, contents: write.
      const push = ctx.auth.kind === "token" && hasPermission(ctx.auth.record.permissions, ["contents", "write"]);
      const all = repo.releases.filter((r) => push || !r.draft).sort((a, b) => (a.createdAt === b.createdAt ? b.id - a.id : a.createdAt < b.createdAt ? 1 : -1));
      const page = paginate(all, { url: ctx.url });
      return ok(page.slice.map((r) => releaseShape(ctx, org, repo, r)), 200, page.headers);
    },
  },
];
