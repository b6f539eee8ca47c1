import { createHash } from "node:crypto";
import type { OrgData, RepoData } from "../fixtures/model";
import { noContent, notFound, ok, paginate } from "./http";
import { orgOf, param, repoOf, type RouteContext, type RouteDef } from "./router";
import { HTML, PERMISSION_FLAGS, fullRepoShape, orgSimple, repoShape, teamShape, userShape } from "./shapes";

// Repositories, contents, teams, members, custom properties and deploy keys.

const META = [["metadata", "read"]] as const;

function sortRepos(ctx: RouteContext, repos: RepoData[]): RepoData[] {
  const type = ctx.url.searchParams.get("type") ?? "all";
  const filtered = repos.filter((r) =>
    type === "public" ? r.visibility === "public" : type === "private" ? r.visibility !== "public" : type === "forks" ? r.fork : type === "sources" ? !r.fork : true,
  );
  const sort = ctx.url.searchParams.get("sort") ?? "created";
  const direction = ctx.url.searchParams.get("direction") ?? (sort === "full_name" ? "asc" : "desc");
  const key = (r: RepoData): string =>
    sort === "full_name" ? r.name : sort === "updated" ? r.updatedAt : sort === "pushed" ? r.pushedAt : r.createdAt;
  // ties broken by id so pages never overlap
  const sorted = [...filtered].sort((a, b) => (key(a) === key(b) ? a.id - b.id : key(a) < key(b) ? -1 : 1));
  return direction === "desc" ? sorted.reverse() : sorted;
}

function visibleRepos(ctx: RouteContext, org: OrgData): RepoData[] {
  if (ctx.auth.kind !== "token") return org.repos;
  const record = ctx.auth.record;
  const inst = record.installationId !== null ? ctx.core.installations.get(record.installationId) : undefined;
  const base = inst ? ctx.core.installationRepos(inst) : org.repos;
  return record.repositories === null ? base : base.filter((r) => record.repositories?.has(r.name));
}

function treeSha(entries: string[]): string {
  return createHash("sha1").update(entries.join("\n")).digest("hex");
}

function contentEntry(ctx: RouteContext, org: OrgData, repo: RepoData, path: string, type: "file" | "dir", sha: string, size: number) {
  const full = `${org.login}/${repo.name}`;
  const self = `${ctx.api}/repos/${full}/contents/${path}?ref=${repo.defaultBranch}`;
  const git = `${ctx.api}/repos/${full}/git/${type === "file" ? "blobs" : "trees"}/${sha}`;
  const html = `${HTML}/${full}/${type === "file" ? "blob" : "tree"}/${repo.defaultBranch}/${path}`;
  return {
    type,
    size,
    name: path.split("/").pop() ?? path,
    path,
    sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: type === "file" ? `https://raw.githubusercontent.com/${full}/${repo.defaultBranch}/${path}` : null,
    _links: { self, git, html },
  };
}

function getContents(ctx: RouteContext) {
  const { org, repo } = repoOf(ctx);
  const path = (ctx.params.path ?? "").replace(/\/+$/, "");
  const ref = ctx.url.searchParams.get("ref");
  if (ref && ref !== repo.defaultBranch && ref !== repo.headOid && ref !== "HEAD") throw notFound();
  const file = repo.files.get(path);
  if (file) {
    const accept = String(ctx.headers.accept ?? "");
    if (accept.includes("raw")) {
      return { status: 200, body: file.text, headers: { "content-type": "application/vnd.github.raw; charset=utf-8" } };
    }
    const b64 = Buffer.from(file.text, "utf8").toString("base64").replace(/.{60}/g, "$&\n");
    return ok({ ...contentEntry(ctx, org, repo, path, "file", file.oid, file.byteSize), content: b64, encoding: "base64" });
  }
  const prefix = path === "" ? "" : `${path}/`;
  const children = new Map<string, { type: "file" | "dir"; sha: string; size: number }>();
  for (const [p, blob] of repo.files) {
    if (!p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length);
    const slash = rest.indexOf("/");
    const name = slash === -1 ? rest : rest.slice(0, slash);
    if (slash === -1) children.set(name, { type: "file", sha: blob.oid, size: blob.byteSize });
    else if (!children.has(name)) {
      const inner = [...repo.files].filter(([q]) => q.startsWith(`${prefix}${name}/`)).map(([q, b]) => `${q}:${b.oid}`);
      children.set(name, { type: "dir", sha: treeSha(inner), size: 0 });
    }
  }
  if (children.size === 0) throw notFound();
  const list = [...children].sort(([a], [b]) => (a < b ? -1 : 1));
  return ok(list.map(([name, c]) => contentEntry(ctx, org, repo, `${prefix}${name}`, c.type, c.sha, c.size)));
}

function teamBySlug(org: OrgData, slug: string) {
  const team = org.teams.find((t) => t.slug === slug);
  if (!team) throw notFound();
  return team;
}

function memberShape(ctx: RouteContext, org: OrgData, login: string) {
  const member = org.members.find((m) => m.login === login);
  return userShape(ctx.api, login, member?.id ?? 0);
}

function deployKeyShape(api: string, org: OrgData, repo: RepoData, key: RepoData["deployKeys"][number]) {
  return {
    id: key.id,
    key: key.key,
    url: `${api}/repos/${org.login}/${repo.name}/keys/${key.id}`,
    title: key.title,
    verified: key.verified,
    created_at: key.createdAt,
    read_only: key.readOnly,
    added_by: key.addedBy,
    last_used: key.lastUsed,
    enabled: key.enabled,
  };
}

function propertyValues(org: OrgData, repo: RepoData) {
  return org.customProperties.map((p) => ({
    property_name: p.propertyName,
    value: repo.customProperties[p.propertyName] ?? p.defaultValue ?? null,
  }));
}

export const repoRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/orgs/{org}",
    auth: "token",
    perm: META,
    handler: (ctx) => {
      const org = orgOf(ctx);
      return ok({
        ...orgSimple(ctx.api, org),
        name: org.name,
        html_url: `${HTML}/${org.login}`,
        created_at: org.createdAt,
        updated_at: org.createdAt,
        type: "Organization",
        public_repos: org.repos.filter((r) => r.visibility === "public").length,
        public_gists: 0,
        followers: 0,
        following: 0,
        has_organization_projects: true,
        has_repository_projects: true,
        archived_at: null,
      });
    },
  },
  {
    method: "GET",
    path: "/orgs/{org}/repos",
    auth: "token",
    perm: META,
    handler: (ctx) => {
      const org = orgOf(ctx);
      const page = paginate(sortRepos(ctx, visibleRepos(ctx, org)), { url: ctx.url });
      return ok(page.slice.map((r) => repoShape(ctx.api, org, r)), 200, page.headers);
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}",
    auth: "token",
    perm: META,
    handler: (ctx) => {
      const { org, repo } = repoOf(ctx);
      return ok(fullRepoShape(ctx.api, org, repo));
    },
  },
  { method: "GET", path: "/repos/{owner}/{repo}/contents/{path+}", auth: "token", perm: [["contents", "read"]], handler: getContents },
  {
    method: "GET",
    path: "/orgs/{org}/teams",
    auth: "token",
    perm: [["members", "read"]],
    handler: (ctx) => {
      const org = orgOf(ctx);
      const page = paginate(org.teams, { url: ctx.url });
      return ok(page.slice.map((t) => teamShape(ctx.api, org, t)), 200, page.headers);
    },
  },
  {
    method: "GET",
    path: "/orgs/{org}/teams/{team_slug}/members",
    auth: "token",
    perm: [["members", "read"]],
    handler: (ctx) => {
      const org = orgOf(ctx);
      const team = teamBySlug(org, param(ctx, "team_slug"));
      const role = ctx.url.searchParams.get("role") ?? "all";
      const members = team.members.filter((m) => role === "all" || m.role === role);
      const page = paginate(members, { url: ctx.url });
      return ok(page.slice.map((m) => memberShape(ctx, org, m.login)), 200, page.headers);
    },
  },
  {
    // Team repositories with the team's permission: one org-level call per team replaces a
    // per-repo `GET /repos/{o}/{r}/teams` in the sync.
    method: "GET",
    path: "/orgs/{org}/teams/{team_slug}/repos",
    auth: "token",
    perm: [["members", "read"]],
    handler: (ctx) => {
      const org = orgOf(ctx);
      const team = teamBySlug(org, param(ctx, "team_slug"));
      const repos = visibleRepos(ctx, org).filter((r) => team.repos[r.name] !== undefined);
      const page = paginate(repos, { url: ctx.url });
      const roleName: Record<string, string> = { pull: "read", triage: "triage", push: "write", maintain: "maintain", admin: "admin" };
      return ok(
        page.slice.map((r) => {
          const permission = team.repos[r.name] ?? "pull";
          return { ...repoShape(ctx.api, org, r), permissions: PERMISSION_FLAGS[permission], role_name: roleName[permission] };
        }),
        200,
        page.headers,
      );
    },
  },
  {
    method: "GET",
    path: "/orgs/{org}/members",
    auth: "token",
    perm: [["members", "read"]],
    handler: (ctx) => {
      const org = orgOf(ctx);
      const role = ctx.url.searchParams.get("role") ?? "all";
      const page = paginate(org.members.filter((m) => role === "all" || m.role === role), { url: ctx.url });
      return ok(page.slice.map((m) => memberShape(ctx, org, m.login)), 200, page.headers);
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/teams",
    auth: "token",
    perm: [["administration", "read"]],
    handler: (ctx) => {
      const { org, repo } = repoOf(ctx);
      const teams = org.teams.filter((t) => t.repos[repo.name] !== undefined);
      const page = paginate(teams, { url: ctx.url });
      return ok(
        page.slice.map((t) => {
          const permission = t.repos[repo.name] ?? "pull";
          return { ...teamShape(ctx.api, org, t, permission), permissions: PERMISSION_FLAGS[permission] };
        }),
        200,
        page.headers,
      );
    },
  },
  {
    method: "GET",
    path: "/orgs/{org}/properties/schema",
    auth: "token",
    perm: [["organization_custom_properties", "read"]],
    handler: (ctx) =>
      ok(
        orgOf(ctx).customProperties.map((p) => ({
          property_name: p.propertyName,
          url: `${ctx.api}/orgs/${orgOf(ctx).login}/properties/schema/${p.propertyName}`,
          source_type: "organization",
          value_type: p.valueType,
          required: p.required,
          default_value: p.defaultValue,
          description: p.description,
          allowed_values: p.allowedValues,
          values_editable_by: "org_actors",
        })),
      ),
  },
  {
    method: "GET",
    path: "/orgs/{org}/properties/values",
    auth: "token",
    perm: [["organization_custom_properties", "read"]],
    handler: (ctx) => {
      const org = orgOf(ctx);
      const page = paginate(visibleRepos(ctx, org), { url: ctx.url });
      return ok(
        page.slice.map((r) => ({
          repository_id: r.id,
          repository_name: r.name,
          repository_full_name: `${org.login}/${r.name}`,
          properties: propertyValues(org, r),
        })),
        200,
        page.headers,
      );
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/properties/values",
    auth: "token",
    perm: META,
    handler: (ctx) => {
      const { org, repo } = repoOf(ctx);
      return ok(propertyValues(org, repo));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/keys",
    auth: "token",
    perm: [["administration", "read"]],
    handler: (ctx) => {
      const { org, repo } = repoOf(ctx);
      const page = paginate(repo.deployKeys, { url: ctx.url });
      return ok(page.slice.map((k) => deployKeyShape(ctx.api, org, repo, k)), 200, page.headers);
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/keys/{key_id}",
    auth: "token",
    perm: [["administration", "read"]],
    handler: (ctx) => {
      const { org, repo } = repoOf(ctx);
      const key = repo.deployKeys.find((k) => String(k.id) === param(ctx, "key_id"));
      if (!key) throw notFound();
      return ok(deployKeyShape(ctx.api, org, repo, key));
    },
  },
  {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/keys/{key_id}",
    auth: "token",
    perm: [["administration", "write"]],
    handler: (ctx) => {
      const { org, repo } = repoOf(ctx);
      const index = repo.deployKeys.findIndex((k) => String(k.id) === param(ctx, "key_id"));
      const key = repo.deployKeys[index];
      if (!key) throw notFound();
      repo.deployKeys.splice(index, 1);
      ctx.core.emit("deploy_key", org, repo, { action: "deleted", key: deployKeyShape(ctx.api, org, repo, key) });
      return noContent();
    },
  },
];

export { deployKeyShape };
