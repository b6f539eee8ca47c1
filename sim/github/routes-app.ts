import type { RepoData } from "../fixtures/model";
import { isoSeconds } from "../fixtures/dates";
import { newTokenString } from "./auth";
import type { Installation } from "./core";
import { HttpError, noContent, notFound, ok, paginate } from "./http";
import { narrowPermissions } from "./permissions";
import { bodyObject, param, validationFailed, type RouteContext, type RouteDef } from "./router";
import { HTML, orgOwner, repoShape, userShape } from "./shapes";

// App authentication endpoints (JWT), installation-token lifecycle, /installation/* and /rate_limit.

function installationShape(ctx: RouteContext, inst: Installation) {
  const org = ctx.core.org(inst.orgLogin);
  const app = ctx.core.app(inst.appId)?.options;
  if (!org || !app) throw notFound();
  return {
    id: inst.id,
    account: orgOwner(ctx.api, org),
    repository_selection: inst.repositorySelection,
    access_tokens_url: `${ctx.api}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${ctx.api}/installation/repositories`,
    html_url: `${HTML}/organizations/${org.login}/settings/installations/${inst.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: org.id,
    target_type: "Organization",
    permissions: inst.permissions,
    events: inst.events,
    created_at: inst.createdAt,
    updated_at: inst.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

/** The App of the JWT the request is signed with. */
function jwtAppId(ctx: RouteContext): number {
  if (ctx.auth.kind !== "jwt") throw new HttpError(401, "A JSON web token could not be decoded");
  return ctx.auth.appId;
}

/** One installation of the requesting App: another App's installation is not found, as on GitHub. */
function installationById(ctx: RouteContext, raw: string): Installation {
  const inst = ctx.core.installations.get(Number(raw));
  if (!inst || (ctx.auth.kind === "jwt" && inst.appId !== ctx.auth.appId)) throw notFound();
  return inst;
}

function appInstallations(ctx: RouteContext): Installation[] {
  const appId = jwtAppId(ctx);
  return [...ctx.core.installations.values()].filter((i) => i.appId === appId);
}

function appShape(ctx: RouteContext) {
  const app = ctx.core.app(jwtAppId(ctx))?.options;
  if (!app) throw notFound();
  const mine = appInstallations(ctx);
  const anyInst = mine[0];
  return {
    id: app.id,
    slug: app.slug,
    node_id: Buffer.from(`A_${app.id}`).toString("base64"),
    client_id: app.clientId ?? `Iv23li${app.id}`,
    owner: userShape(ctx.api, "gatehouse-dev", 1, "Organization"),
    name: app.name ?? app.slug,
    description: "Gatehouse credential inventory (simulated)",
    external_url: "https://gatehouse.example",
    html_url: `${HTML}/apps/${app.slug}`,
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    permissions: anyInst?.permissions ?? {},
    events: anyInst?.events ?? [],
    installations_count: mine.length,
  };
}

function createToken(ctx: RouteContext) {
  const core = ctx.core;
  const inst = installationById(ctx, param(ctx, "installation_id"));
  const org = core.org(inst.orgLogin);
  if (!org) throw notFound();
  const body = bodyObject(ctx);
  const visible = core.installationRepos(inst);
  let repos: RepoData[] | null = null;
  if (Array.isArray(body.repositories) || Array.isArray(body.repository_ids)) {
    const names = Array.isArray(body.repositories) ? body.repositories.map(String) : [];
    const ids = Array.isArray(body.repository_ids) ? body.repository_ids.map(Number) : [];
    repos = [];
    for (const n of names) {
      const r = visible.find((v) => v.name.toLowerCase() === n.toLowerCase());
      if (!r) throw validationFailed("There is at least one repository that does not exist or is not accessible to the parent installation.");
      repos.push(r);
    }
    for (const id of ids) {
      const r = visible.find((v) => v.id === id);
      if (!r) throw validationFailed("There is at least one repository that does not exist or is not accessible to the parent installation.");
      repos.push(r);
    }
  } else if (inst.repositories !== null) {
    repos = visible;
  }
  const requested = body.permissions;
  const perms = narrowPermissions(
    inst.permissions,
    requested && typeof requested === "object" ? (requested as Record<string, unknown>) : undefined,
  );
  if ("error" in perms) throw validationFailed(perms.error);
  const expiresAt = core.now() + core.tokenTtlMs;
  const record = core.tokens.add({
    token: newTokenString(),
    kind: "installation",
    installationId: inst.id,
    appId: inst.appId,
    orgLogin: org.login,
    permissions: perms as Record<string, "read" | "write" | "admin">,
    repositories: repos ? new Set(repos.map((r) => r.name)) : null,
    expiresAt,
    revoked: false,
    bucket: `installation:${inst.id}`,
  });
  return ok(
    {
      token: record.token,
      expires_at: isoSeconds(expiresAt),
      permissions: record.permissions,
      repository_selection: repos ? "selected" : "all",
      ...(repos ? { repositories: repos.map((r) => repoShape(ctx.api, org, r)) } : {}),
    },
    201,
  );
}

function rateLimitBody(ctx: RouteContext) {
  const bucket = bucketOf(ctx);
  const s = (resource: "core" | "graphql") => {
    const st = ctx.core.rateLimiter.state(bucket, resource);
    return { limit: st.limit, used: st.used, remaining: st.remaining, reset: st.reset };
  };
  const fixed = (limit: number) => ({ limit, used: 0, remaining: limit, reset: Math.ceil(ctx.core.now() / 1000) + 3600 });
  return {
    resources: {
      core: s("core"),
      graphql: s("graphql"),
      search: fixed(30),
      code_search: fixed(10),
      integration_manifest: fixed(5000),
      source_import: fixed(100),
      code_scanning_upload: fixed(1000),
      actions_runner_registration: fixed(10000),
      scim: fixed(15000),
      dependency_snapshots: fixed(100),
    },
    rate: s("core"),
  };
}

export function bucketOf(ctx: RouteContext): string {
  if (ctx.auth.kind === "token") return ctx.auth.record.bucket;
  if (ctx.auth.kind === "jwt") return `app:${ctx.auth.appId}`;
  return "anonymous";
}

export const appRoutes: RouteDef[] = [
  { method: "GET", path: "/app", auth: "jwt", handler: (ctx) => ok(appShape(ctx)) },
  {
    method: "GET",
    path: "/app/installations",
    auth: "jwt",
    handler: (ctx) => {
      const all = appInstallations(ctx).map((i) => installationShape(ctx, i));
      const page = paginate(all, { url: ctx.url });
      return ok(page.slice, 200, page.headers);
    },
  },
  {
    method: "GET",
    path: "/app/installations/{installation_id}",
    auth: "jwt",
    handler: (ctx) => ok(installationShape(ctx, installationById(ctx, param(ctx, "installation_id")))),
  },
  {
    method: "GET",
    path: "/orgs/{org}/installation",
    auth: "jwt",
    handler: (ctx) => {
      const inst = ctx.core.installationForOrg(param(ctx, "org"), jwtAppId(ctx));
      if (!inst) throw notFound();
      return ok(installationShape(ctx, inst));
    },
  },
  { method: "POST", path: "/app/installations/{installation_id}/access_tokens", auth: "jwt", log: false, handler: createToken },
  {
    method: "DELETE",
    path: "/installation/token",
    auth: "token",
    log: false,
    handler: (ctx) => {
      if (ctx.auth.kind !== "token" || ctx.auth.record.kind !== "installation") throw new HttpError(403, "Forbidden");
      ctx.core.tokens.revoke(ctx.auth.record.token);
      return noContent();
    },
  },
  {
    method: "GET",
    path: "/installation/repositories",
    auth: "token",
    handler: (ctx) => {
      if (ctx.auth.kind !== "token" || ctx.auth.record.installationId === null) throw new HttpError(403, "Forbidden");
      const record = ctx.auth.record;
      const inst = ctx.core.installations.get(ctx.auth.record.installationId);
      if (!inst) throw notFound();
      const org = ctx.core.org(inst.orgLogin);
      if (!org) throw notFound();
      const repos = ctx.core.installationRepos(inst).filter((r) => record.repositories === null || record.repositories.has(r.name));
      const page = paginate(repos, { url: ctx.url });
      return ok(
        {
          total_count: repos.length,
          repository_selection: inst.repositorySelection,
          repositories: page.slice.map((r) => repoShape(ctx.api, org, r)),
        },
        200,
        page.headers,
      );
    },
  },
  { method: "GET", path: "/rate_limit", auth: "optional", free: true, handler: (ctx) => ok(rateLimitBody(ctx)) },
];
