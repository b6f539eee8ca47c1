import type { IncomingHttpHeaders } from "node:http";
import type { OrgData, RepoData } from "../fixtures/model";
import type { TokenRecord } from "./auth";
import type { SimCore } from "./core";
import { HttpError, notFound, type SimResponse } from "./http";
import type { PermissionNeed } from "./permissions";

// Route table and per-request context. A path pattern uses `{name}` for one segment and
// `{name+}` (last segment only) for the rest of the path.

export type AuthInfo =
  | { kind: "none" }
  | { kind: "jwt"; appId: number }
  | { kind: "token"; record: TokenRecord };

export interface RouteContext {
  core: SimCore;
  method: string;
  url: URL;
  /** base URL of the simulator as the client addressed it */
  api: string;
  params: Record<string, string>;
  body: unknown;
  headers: IncomingHttpHeaders;
  auth: AuthInfo;
}

export interface RouteDef {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  /** jwt = App JWT only; token = installation token or PAT; user = OAuth user token; optional = anything (or nothing) */
  auth: "jwt" | "token" | "user" | "optional";
  /** alternatives; any one suffices */
  perm?: readonly PermissionNeed[];
  /** free against the primary limit (GET /rate_limit) */
  free?: boolean;
  /** false = a non-GET that is not recorded in the write log (token minting/revocation) */
  log?: false;
  handler: (ctx: RouteContext) => SimResponse | Promise<SimResponse>;
}

interface Compiled {
  def: RouteDef;
  regex: RegExp;
  names: string[];
}

export class Router {
  private readonly routes: Compiled[] = [];

  add(...defs: RouteDef[]): void {
    for (const def of defs) {
      const names: string[] = [];
      const source = def.path
        .split("/")
        .map((seg) => {
          const m = /^\{(\w+)(\+?)\}$/.exec(seg);
          if (!m || !m[1]) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          names.push(m[1]);
          return m[2] ? "(.+)" : "([^/]+)";
        })
        .join("/");
      this.routes.push({ def, regex: new RegExp(`^${source}$`), names });
    }
  }

  /** Exact literal paths win over parameterised ones (e.g. secrets/public-key vs secrets/{name}). */
  match(method: string, path: string): { def: RouteDef; params: Record<string, string> } | null {
    let best: { def: RouteDef; params: Record<string, string>; score: number } | null = null;
    for (const route of this.routes) {
      if (route.def.method !== method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? "")));
      const score = -route.names.length;
      if (!best || score > best.score) best = { def: route.def, params, score };
    }
    return best ? { def: best.def, params: best.params } : null;
  }

  /** Every route, for the OpenAPI conformance test. */
  list(): RouteDef[] {
    return this.routes.map((r) => r.def);
  }
}

export function param(ctx: RouteContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw notFound();
  return value;
}

/** The org named in the path, visible to the caller (installation tokens see only their org). */
export function orgOf(ctx: RouteContext): OrgData {
  const org = ctx.core.org(param(ctx, "org"));
  if (!org) throw notFound();
  if (ctx.auth.kind === "token" && ctx.auth.record.orgLogin !== null) {
    if (ctx.auth.record.orgLogin.toLowerCase() !== org.login.toLowerCase()) throw notFound();
  }
  return org;
}

/** The repository named by {owner}/{repo}; 404 when the token cannot see it (as GitHub does). */
export function repoOf(ctx: RouteContext): { org: OrgData; repo: RepoData } {
  const org = ctx.core.org(param(ctx, "owner"));
  if (!org) throw notFound();
  const repo = ctx.core.repo(org, param(ctx, "repo"));
  if (!repo) throw notFound();
  if (ctx.auth.kind === "token") {
    const record = ctx.auth.record;
    if (record.orgLogin !== null && record.orgLogin.toLowerCase() !== org.login.toLowerCase()) throw notFound();
    if (record.repositories !== null && !record.repositories.has(repo.name)) throw notFound();
  }
  return { org, repo };
}

export function bodyObject(ctx: RouteContext): Record<string, unknown> {
  const body = ctx.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body)) throw new HttpError(400, "Problems parsing JSON");
  return body as Record<string, unknown>;
}

export function validationFailed(message: string): HttpError {
  return new HttpError(422, message, {}, "https://docs.github.com/rest");
}
