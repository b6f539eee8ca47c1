import { createHash } from "node:crypto";
import { GraphQLError } from "graphql";
import type { FileBlob, OrgData, RepoData } from "../../fixtures/model";
import type { TokenRecord } from "../auth";
import type { SimCore } from "../core";
import { hasPermission } from "../permissions";
import { HTML, nodeId } from "../shapes";
import { codeownersErrors } from "./codeowners";

// Resolvers as plain objects: graphql-js' default resolver reads properties and calls functions
// with (args). Abstract types resolve through `__typename`. Objects are built lazily per field,
// so a query touching 50 repositories never materialises more than it selects.

export interface GqlContext {
  core: SimCore;
  token: TokenRecord;
  api: string;
}

type Args = Record<string, unknown>;

function notFoundError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type: "NOT_FOUND" } });
}

function forbidden(): GraphQLError {
  return new GraphQLError("Resource not accessible by integration", { extensions: { type: "FORBIDDEN" } });
}

/** Slices a list like a GraphQL connection with opaque cursors ("cursor:<index>" base64). */
function connection<T, R>(items: readonly T[], args: Args, map: (item: T) => R) {
  const decode = (c: unknown): number | null =>
    typeof c === "string" ? Number(Buffer.from(c, "base64").toString("utf8").replace("cursor:", "")) : null;
  let start = 0;
  let end = items.length;
  const after = decode(args.after);
  const before = decode(args.before);
  if (after !== null && !Number.isNaN(after)) start = after + 1;
  if (before !== null && !Number.isNaN(before)) end = Math.min(end, before);
  if (typeof args.first === "number") end = Math.min(end, start + args.first);
  else if (typeof args.last === "number") start = Math.max(start, end - args.last);
  const cursor = (i: number) => Buffer.from(`cursor:${i}`).toString("base64");
  const slice = items.slice(start, end);
  return {
    nodes: slice.map(map),
    totalCount: items.length,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length > 0 ? cursor(start) : null,
      endCursor: slice.length > 0 ? cursor(end - 1) : null,
    },
  };
}

function treeOid(entries: string[]): string {
  return createHash("sha1").update(entries.join("\n")).digest("hex");
}

function gitObjectBase(ctx: GqlContext, org: OrgData, repo: RepoData, oid: string, typename: string, repoNode: () => unknown) {
  return {
    __typename: typename,
    id: nodeId(`${typename}_`, parseInt(oid.slice(0, 8), 16)),
    oid,
    abbreviatedOid: oid.slice(0, 7),
    commitUrl: `${HTML}/${org.login}/${repo.name}/commit/${repo.headOid}`,
    repository: repoNode,
  };
}

function blobNode(ctx: GqlContext, org: OrgData, repo: RepoData, blob: FileBlob, repoNode: () => unknown) {
  // Like git, a blob with a NUL byte in its first 8,000 is binary: GitHub gives no text for it.
  const isBinary = blob.text.slice(0, 8000).includes("\u0000");
  return {
    ...gitObjectBase(ctx, org, repo, blob.oid, "Blob", repoNode),
    byteSize: blob.byteSize,
    isBinary,
    isTruncated: blob.byteSize > 512 * 1024,
    text: blob.byteSize > 512 * 1024 || isBinary ? null : blob.text,
  };
}

/** Tree for a directory path ("" = root): direct children, sub-directories as Tree entries. */
function treeNode(ctx: GqlContext, org: OrgData, repo: RepoData, dir: string, repoNode: () => unknown): unknown {
  const prefix = dir === "" ? "" : `${dir}/`;
  const files: [string, FileBlob][] = [];
  const dirs = new Set<string>();
  const signature: string[] = [];
  for (const [path, blob] of repo.files) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash === -1) files.push([rest, blob]);
    else dirs.add(rest.slice(0, slash));
    signature.push(`${path}:${blob.oid}`);
  }
  if (files.length === 0 && dirs.size === 0) return null;
  const oid = treeOid(signature.sort());
  const entry = (name: string, type: "blob" | "tree", oidValue: string, size: number, object: () => unknown) => ({
    name,
    nameRaw: Buffer.from(name).toString("base64"),
    path: `${prefix}${name}`,
    pathRaw: Buffer.from(`${prefix}${name}`).toString("base64"),
    type,
    mode: type === "blob" ? 33188 : 16384,
    oid: oidValue,
    size,
    extension: type === "blob" && name.includes(".") ? name.slice(name.lastIndexOf(".")) : null,
    isGenerated: false,
    lineCount: null,
    object,
    repository: repoNode,
  });
  const entries = [
    ...[...dirs].sort().map((name) => {
      const sub = `${prefix}${name}`;
      const subSig = [...repo.files].filter(([p]) => p.startsWith(`${sub}/`)).map(([p, b]) => `${p}:${b.oid}`).sort();
      return entry(name, "tree", treeOid(subSig), 0, () => treeNode(ctx, org, repo, sub, repoNode));
    }),
    ...files.sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, blob]) => entry(name, "blob", blob.oid, blob.byteSize, () => blobNode(ctx, org, repo, blob, repoNode))),
  ];
  return { ...gitObjectBase(ctx, org, repo, oid, "Tree", repoNode), entries };
}

function commitNode(ctx: GqlContext, org: OrgData, repo: RepoData, repoNode: () => unknown) {
  return {
    ...gitObjectBase(ctx, org, repo, repo.headOid, "Commit", repoNode),
    committedDate: repo.pushedAt,
    message: "Latest commit",
    tree: () => treeNode(ctx, org, repo, "", repoNode),
  };
}

function requireContents(ctx: GqlContext): void {
  if (!hasPermission(ctx.token.permissions, ["contents", "read"])) throw forbidden();
}

function resolveObject(ctx: GqlContext, org: OrgData, repo: RepoData, args: Args, repoNode: () => unknown): unknown {
  requireContents(ctx);
  const expression = typeof args.expression === "string" ? args.expression : null;
  if (typeof args.oid === "string") {
    if (args.oid === repo.headOid) return commitNode(ctx, org, repo, repoNode);
    const blob = [...repo.files.values()].find((b) => b.oid === args.oid);
    return blob ? blobNode(ctx, org, repo, blob, repoNode) : null;
  }
  if (!expression) return null;
  const colon = expression.indexOf(":");
  const ref = colon === -1 ? expression : expression.slice(0, colon);
  if (ref !== "HEAD" && ref !== repo.defaultBranch && ref !== repo.headOid && ref !== `refs/heads/${repo.defaultBranch}`) return null;
  if (colon === -1) return commitNode(ctx, org, repo, repoNode);
  const path = expression.slice(colon + 1).replace(/^\/+|\/+$/g, "");
  const blob = repo.files.get(path);
  if (blob) return blobNode(ctx, org, repo, blob, repoNode);
  return treeNode(ctx, org, repo, path, repoNode);
}

function environmentNode(ctx: GqlContext, org: OrgData, env: RepoData["environments"][number]) {
  type Rule = { databaseId: number; type: string; timeout: number; preventSelfReview: boolean | null; reviewers: (a: Args) => unknown };
  const rules: Rule[] = [];
  const none = (a: Args) => connection([], a, (x) => x);
  if (env.reviewers.length > 0) {
    rules.push({
      databaseId: env.id * 10 + 2,
      type: "REQUIRED_REVIEWERS",
      timeout: 0,
      preventSelfReview: env.preventSelfReview,
      reviewers: (a) =>
        connection(env.reviewers, a, (r) => {
          if (r.type === "Team") {
            const team = org.teams.find((t) => t.slug === r.name);
            return { __typename: "Team", id: nodeId("T_", team?.id ?? 0), databaseId: team?.id ?? null, name: team?.name ?? r.name, slug: r.name, combinedSlug: `${org.login}/${r.name}`, url: `${HTML}/orgs/${org.login}/teams/${r.name}` };
          }
          const member = org.members.find((m) => m.login === r.name);
          return { __typename: "User", id: nodeId("U_", member?.id ?? 0), databaseId: member?.id ?? null, login: r.name, name: null, url: `${HTML}/${r.name}`, avatarUrl: `https://avatars.githubusercontent.com/u/${member?.id ?? 0}` };
        }),
    });
  }
  if (env.waitTimer > 0) rules.push({ databaseId: env.id * 10 + 1, type: "WAIT_TIMER", timeout: env.waitTimer, preventSelfReview: null, reviewers: none });
  if (env.deploymentBranchPolicy) rules.push({ databaseId: env.id * 10 + 3, type: "BRANCH_POLICY", timeout: 0, preventSelfReview: null, reviewers: none });
  return { id: nodeId("EN_", env.id), databaseId: env.id, name: env.name, protectionRules: (a: Args) => connection(rules, a, (x) => x) };
}

export function repositoryNode(ctx: GqlContext, org: OrgData, repo: RepoData): Record<string, unknown> {
  const self: Record<string, unknown> = {};
  const repoNode = () => self;
  Object.assign(self, {
    id: nodeId("R_", repo.id),
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: `${org.login}/${repo.name}`,
    description: repo.description,
    owner: () => organizationNode(ctx, org),
    isArchived: repo.archived,
    isFork: repo.fork,
    isPrivate: repo.visibility !== "public",
    visibility: repo.visibility.toUpperCase(),
    createdAt: repo.createdAt,
    pushedAt: repo.pushedAt,
    updatedAt: repo.updatedAt,
    url: `${HTML}/${org.login}/${repo.name}`,
    defaultBranchRef: () => ({
      id: nodeId("REF_", repo.id),
      name: repo.defaultBranch,
      prefix: "refs/heads/",
      repository: repoNode,
      target: () => commitNode(ctx, org, repo, repoNode),
    }),
    object: (args: Args) => resolveObject(ctx, org, repo, args, repoNode),
    codeowners: () => {
      requireContents(ctx);
      return { errors: codeownersErrors(org, repo) };
    },
    environments: (args: Args) => {
      const names = Array.isArray(args.names) ? args.names.map(String) : [];
      const envs = [...repo.environments]
        .filter((e) => names.length === 0 || names.includes(e.name))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      return connection(envs, args, (e) => environmentNode(ctx, org, e));
    },
    deployKeys: (args: Args) =>
      connection(repo.deployKeys, args, (k) => ({ id: nodeId("DK_", k.id), title: k.title, key: k.key, readOnly: k.readOnly, enabled: k.enabled, verified: k.verified, createdAt: k.createdAt })),
    repositoryTopics: (args: Args) =>
      connection(repo.topics, args, (t) => ({ id: nodeId("RT_", repo.id), topic: { id: nodeId("TO_", t.length), name: t } })),
  });
  return self;
}

/** Whether the token can see the repository (installation selection and token narrowing). */
export function canSee(ctx: GqlContext, org: OrgData, repo: RepoData): boolean {
  const t = ctx.token;
  if (t.orgLogin !== null && t.orgLogin.toLowerCase() !== org.login.toLowerCase()) return false;
  if (t.repositories !== null && !t.repositories.has(repo.name)) return false;
  const inst = t.installationId !== null ? ctx.core.installations.get(t.installationId) : undefined;
  return !inst || inst.repositories === null || inst.repositories.includes(repo.name);
}

export function organizationNode(ctx: GqlContext, org: OrgData): Record<string, unknown> {
  return {
    __typename: "Organization",
    id: nodeId("O_", org.id),
    databaseId: org.id,
    login: org.login,
    name: org.name,
    description: org.description,
    url: `${HTML}/${org.login}`,
    avatarUrl: `https://avatars.githubusercontent.com/u/${org.id}?v=4`,
    repository: (args: Args) => lookupRepository(ctx, org.login, String(args.name)),
    repositories: (args: Args) => {
      const order = (args.orderBy ?? { field: "NAME", direction: "ASC" }) as { field: string; direction: string };
      const key = (r: RepoData) =>
        order.field === "NAME" ? r.name.toLowerCase() : order.field === "CREATED_AT" ? r.createdAt : order.field === "PUSHED_AT" ? r.pushedAt : r.updatedAt;
      const repos = org.repos
        .filter((r) => canSee(ctx, org, r))
        .filter((r) => args.isArchived == null || r.archived === args.isArchived)
        .filter((r) => args.isFork == null || r.fork === args.isFork)
        .filter((r) => args.privacy == null || (args.privacy === "PUBLIC") === (r.visibility === "public"))
        .sort((a, b) => (key(a) === key(b) ? a.id - b.id : key(a) < key(b) ? -1 : 1));
      if (order.direction === "DESC") repos.reverse();
      return { ...connection(repos, args, (r) => repositoryNode(ctx, org, r)), totalDiskUsage: 0 };
    },
  };
}

export function lookupRepository(ctx: GqlContext, owner: string, name: string): Record<string, unknown> {
  const org = ctx.core.org(owner);
  const repo = org ? ctx.core.repo(org, name) : undefined;
  if (!org || !repo || !canSee(ctx, org, repo)) {
    throw notFoundError(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
  }
  return repositoryNode(ctx, org, repo);
}

export function lookupOrganization(ctx: GqlContext, login: string): Record<string, unknown> {
  const org = ctx.core.org(login);
  if (!org || (ctx.token.orgLogin !== null && ctx.token.orgLogin.toLowerCase() !== org.login.toLowerCase())) {
    throw notFoundError(`Could not resolve to an Organization with the login of '${login}'.`);
  }
  return organizationNode(ctx, org);
}
