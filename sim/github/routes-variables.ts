import type { OrgVariableData, VariableData } from "../fixtures/model";
import { HttpError, notFound, ok, paginate, type SimResponse } from "./http";
import type { PermissionNeed } from "./permissions";
import { orgOf, param, repoOf, type RouteContext, type RouteDef } from "./router";
import { repoShape } from "./shapes";
import { environmentOf } from "./routes-secrets";

// Actions variables (values in clear text). Variables endpoints page by 10 by default, max 30.

const VAR_PAGE = { defaultPerPage: 10, maxPerPage: 30 };

const variableShape = (v: VariableData) => ({ name: v.name, value: v.value, created_at: v.createdAt, updated_at: v.updatedAt });

function listVariables(ctx: RouteContext, list: VariableData[]): SimResponse {
  const page = paginate(list, { url: ctx.url, ...VAR_PAGE });
  return ok({ total_count: list.length, variables: page.slice.map(variableShape) }, 200, page.headers);
}

function findVariable<T extends VariableData>(ctx: RouteContext, list: T[]): T {
  const name = param(ctx, "name").toUpperCase();
  const found = list.find((v) => v.name.toUpperCase() === name);
  if (!found) throw notFound();
  return found;
}

function orgVariableShape(ctx: RouteContext, orgLogin: string, v: OrgVariableData) {
  return {
    ...variableShape(v),
    visibility: v.visibility,
    ...(v.visibility === "selected"
      ? { selected_repositories_url: `${ctx.api}/orgs/${orgLogin}/actions/variables/${v.name}/repositories` }
      : {}),
  };
}

const REPO: readonly PermissionNeed[] = [["actions_variables", "read"]];
const ORG: readonly PermissionNeed[] = [["organization_actions_variables", "read"]];
const ENV: readonly PermissionNeed[] = [["environments", "read"], ["actions_variables", "read"]];

export const variableRoutes: RouteDef[] = [
  { method: "GET", path: "/repos/{owner}/{repo}/actions/variables", auth: "token", perm: REPO, handler: (ctx) => listVariables(ctx, repoOf(ctx).repo.variables) },
  { method: "GET", path: "/repos/{owner}/{repo}/actions/variables/{name}", auth: "token", perm: REPO, handler: (ctx) => ok(variableShape(findVariable(ctx, repoOf(ctx).repo.variables))) },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/actions/organization-variables",
    auth: "token",
    perm: REPO,
    handler: (ctx) => {
      const { org, repo } = repoOf(ctx);
      return listVariables(ctx, ctx.core.visibleToRepo(org.variables, repo));
    },
  },
  {
    method: "GET",
    path: "/orgs/{org}/actions/variables",
    auth: "token",
    perm: ORG,
    handler: (ctx) => {
      const org = orgOf(ctx);
      const page = paginate(org.variables, { url: ctx.url, ...VAR_PAGE });
      return ok(
        { total_count: org.variables.length, variables: page.slice.map((v) => orgVariableShape(ctx, org.login, v)) },
        200,
        page.headers,
      );
    },
  },
  {
    method: "GET",
    path: "/orgs/{org}/actions/variables/{name}",
    auth: "token",
    perm: ORG,
    handler: (ctx) => {
      const org = orgOf(ctx);
      return ok(orgVariableShape(ctx, org.login, findVariable(ctx, org.variables)));
    },
  },
  {
    method: "GET",
    path: "/orgs/{org}/actions/variables/{name}/repositories",
    auth: "token",
    perm: ORG,
    handler: (ctx) => {
      const org = orgOf(ctx);
      const variable = findVariable(ctx, org.variables);
      if (variable.visibility !== "selected") throw new HttpError(409, "The visibility of this variable is not set to selected.");
      const repos = org.repos.filter((r) => variable.selectedRepositories.includes(r.name));
      const page = paginate(repos, { url: ctx.url });
      return ok({ total_count: repos.length, repositories: page.slice.map((r) => repoShape(ctx.api, org, r)) }, 200, page.headers);
    },
  },
  { method: "GET", path: "/repos/{owner}/{repo}/environments/{environment_name}/variables", auth: "token", perm: ENV, handler: (ctx) => listVariables(ctx, environmentOf(ctx).env.variables) },
  { method: "GET", path: "/repos/{owner}/{repo}/environments/{environment_name}/variables/{name}", auth: "token", perm: ENV, handler: (ctx) => ok(variableShape(findVariable(ctx, environmentOf(ctx).env.variables))) },
];
