import type { EnvironmentData, OrgData, OrgSecretData, RepoData, SecretData } from "../fixtures/model";
import { HttpError, noContent, notFound, ok, paginate, type SimResponse } from "./http";
import type { PermissionNeed } from "./permissions";
import { bodyObject, orgOf, param, repoOf, validationFailed, type RouteContext, type RouteDef } from "./router";
import { checkSealedBox } from "./sealed";
import { repoShape } from "./shapes";

// Actions secrets at repository, organisation and environment scope. Values are never stored:
// a PUT opens encrypted_value (a libsodium sealed box) with the scope's private key — 422 when it
// does not open, as GitHub cannot decrypt it either — records that a value of some length class
// was set (core.secretWrites), wipes it, and bumps updated_at (the signal rotation verification
// relies on).

const SEALED_BOX_OVERHEAD = 48; // 32-byte ephemeral public key + 16-byte MAC

const secretShape = (s: SecretData) => ({ name: s.name, created_at: s.createdAt, updated_at: s.updatedAt });

function orgSecretShape(ctx: RouteContext, org: OrgData, s: OrgSecretData) {
  return {
    ...secretShape(s),
    visibility: s.visibility,
    ...(s.visibility === "selected"
      ? { selected_repositories_url: `${ctx.api}/orgs/${org.login}/actions/secrets/${s.name}/repositories` }
      : {}),
  };
}

export function environmentOf(ctx: RouteContext): { org: OrgData; repo: RepoData; env: EnvironmentData } {
  const { org, repo } = repoOf(ctx);
  const name = param(ctx, "environment_name");
  const env = repo.environments.find((e) => e.name.toLowerCase() === name.toLowerCase());
  if (!env) throw notFound();
  return { org, repo, env };
}

function listSecrets(ctx: RouteContext, list: SecretData[]): SimResponse {
  const page = paginate(list, { url: ctx.url });
  return ok({ total_count: list.length, secrets: page.slice.map(secretShape) }, 200, page.headers);
}

function findSecret<T extends SecretData>(ctx: RouteContext, list: T[]): T {
  const name = param(ctx, "secret_name").toUpperCase();
  const secret = list.find((s) => s.name.toUpperCase() === name);
  if (!secret) throw notFound();
  return secret;
}

/** Checks the sealed box before anything changes; returns the record to keep once the write is done. */
async function checkSealed(ctx: RouteContext, scope: string): Promise<(name: string) => void> {
  const body = bodyObject(ctx);
  const value = body.encrypted_value;
  const keyId = body.key_id;
  if (typeof value !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
    throw validationFailed("Invalid request.\n\n\"encrypted_value\" must be a base64-encoded libsodium sealed box.");
  }
  if (Buffer.from(value, "base64").length <= SEALED_BOX_OVERHEAD) {
    throw validationFailed("Invalid request.\n\n\"encrypted_value\" is too short to be a sealed box.");
  }
  const pair = ctx.core.sealKeyPair(scope);
  if (keyId !== pair.keyId) throw validationFailed("Invalid request.\n\n\"key_id\" does not match the current public key.");
  const lengthClass = await checkSealedBox(pair, value);
  if (lengthClass === null) throw validationFailed("Invalid request.\n\n\"encrypted_value\" could not be decrypted with the public key of this secret's scope.");
  if (lengthClass === "too-large") throw validationFailed("Invalid request.\n\nSecret values are limited to 48 KB.");
  const installationId = ctx.auth.kind === "token" ? ctx.auth.record.installationId : null;
  return (name) => ctx.core.secretWrites.push({ at: ctx.core.nowIso(), scope, name, lengthClass, installationId });
}

async function putSecret(ctx: RouteContext, list: SecretData[], scope: string): Promise<SimResponse> {
  const record = await checkSealed(ctx, scope);
  const name = param(ctx, "secret_name");
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name.toUpperCase().startsWith("GITHUB_")) {
    throw validationFailed("Secret names can only contain alphanumeric characters or underscores and must not start with GITHUB_.");
  }
  const { created } = ctx.core.upsertSecret(list, name.toUpperCase());
  record(name.toUpperCase());
  return created ? ok({}, 201) : noContent();
}

function deleteSecret(ctx: RouteContext, list: SecretData[]): SimResponse {
  const secret = findSecret(ctx, list);
  list.splice(list.indexOf(secret), 1);
  return noContent();
}

const publicKey = (ctx: RouteContext, scope: string) => {
  const key = ctx.core.sealKey(scope);
  return ok({ key_id: key.keyId, key: key.key });
};

const REPO_READ: readonly PermissionNeed[] = [["secrets", "read"]];
const REPO_WRITE: readonly PermissionNeed[] = [["secrets", "write"]];
const ORG_READ: readonly PermissionNeed[] = [["organization_secrets", "read"]];
const ORG_WRITE: readonly PermissionNeed[] = [["organization_secrets", "write"]];
const ENV_READ: readonly PermissionNeed[] = [["environments", "read"], ["secrets", "read"]];
const ENV_WRITE: readonly PermissionNeed[] = [["environments", "write"], ["secrets", "write"]];

const repoScope = (ctx: RouteContext) => {
  const { org, repo } = repoOf(ctx);
  return { repo, scope: `repo:${org.login}/${repo.name}` };
};
const envScope = (ctx: RouteContext) => {
  const { org, repo, env } = environmentOf(ctx);
  return { env, scope: `env:${org.login}/${repo.name}/${env.name}` };
};

function selectedIds(ctx: RouteContext, org: OrgData): string[] {
  const ids = bodyObject(ctx).selected_repository_ids;
  if (!Array.isArray(ids)) throw validationFailed("Invalid request.\n\n\"selected_repository_ids\" wasn't supplied.");
  return ids.map((id) => {
    const repo = org.repos.find((r) => r.id === Number(id));
    if (!repo) throw validationFailed(`Invalid request.\n\nRepository ${String(id)} not found.`);
    return repo.name;
  });
}

async function putOrgSecret(ctx: RouteContext): Promise<SimResponse> {
  const org = orgOf(ctx);
  const record = await checkSealed(ctx, `org:${org.login}`);
  const body = bodyObject(ctx);
  const visibility = body.visibility;
  if (visibility !== "all" && visibility !== "private" && visibility !== "selected") {
    throw validationFailed("Invalid request.\n\n\"visibility\" wasn't supplied.");
  }
  const selected = visibility === "selected" && body.selected_repository_ids !== undefined ? selectedIds(ctx, org) : null;
  const name = param(ctx, "secret_name").toUpperCase();
  const existing = org.secrets.find((s) => s.name === name);
  const now = ctx.core.nowIso();
  record(name);
  if (existing) {
    existing.updatedAt = now;
    existing.visibility = visibility;
    if (selected) existing.selectedRepositories = selected;
    return noContent();
  }
  org.secrets.push({ name, createdAt: now, updatedAt: now, visibility, selectedRepositories: selected ?? [] });
  org.secrets.sort((a, b) => (a.name < b.name ? -1 : 1));
  return ok({}, 201);
}

function orgSecretRepos(ctx: RouteContext): SimResponse {
  const org = orgOf(ctx);
  const secret = findSecret(ctx, org.secrets);
  if (secret.visibility !== "selected") throw new HttpError(409, "The visibility of this secret is not set to selected.");
  const repos = org.repos.filter((r) => secret.selectedRepositories.includes(r.name));
  const page = paginate(repos, { url: ctx.url });
  return ok({ total_count: repos.length, repositories: page.slice.map((r) => repoShape(ctx.api, org, r)) }, 200, page.headers);
}

export const secretRoutes: RouteDef[] = [
  { method: "GET", path: "/repos/{owner}/{repo}/actions/secrets", auth: "token", perm: REPO_READ, handler: (ctx) => listSecrets(ctx, repoOf(ctx).repo.secrets) },
  { method: "GET", path: "/repos/{owner}/{repo}/actions/secrets/public-key", auth: "token", perm: REPO_READ, handler: (ctx) => publicKey(ctx, repoScope(ctx).scope) },
  { method: "GET", path: "/repos/{owner}/{repo}/actions/secrets/{secret_name}", auth: "token", perm: REPO_READ, handler: (ctx) => ok(secretShape(findSecret(ctx, repoOf(ctx).repo.secrets))) },
  { method: "PUT", path: "/repos/{owner}/{repo}/actions/secrets/{secret_name}", auth: "token", perm: REPO_WRITE, handler: (ctx) => { const { repo, scope } = repoScope(ctx); return putSecret(ctx, repo.secrets, scope); } },
  { method: "DELETE", path: "/repos/{owner}/{repo}/actions/secrets/{secret_name}", auth: "token", perm: REPO_WRITE, handler: (ctx) => deleteSecret(ctx, repoOf(ctx).repo.secrets) },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/actions/organization-secrets",
    auth: "token",
    perm: REPO_READ,
    handler: (ctx) => {
      const { org, repo } = repoOf(ctx);
      return listSecrets(ctx, ctx.core.visibleToRepo(org.secrets, repo));
    },
  },
  {
    method: "GET",
    path: "/orgs/{org}/actions/secrets",
    auth: "token",
    perm: ORG_READ,
    handler: (ctx) => {
      const org = orgOf(ctx);
      const page = paginate(org.secrets, { url: ctx.url });
      return ok({ total_count: org.secrets.length, secrets: page.slice.map((s) => orgSecretShape(ctx, org, s)) }, 200, page.headers);
    },
  },
  { method: "GET", path: "/orgs/{org}/actions/secrets/public-key", auth: "token", perm: ORG_READ, handler: (ctx) => publicKey(ctx, `org:${orgOf(ctx).login}`) },
  { method: "GET", path: "/orgs/{org}/actions/secrets/{secret_name}", auth: "token", perm: ORG_READ, handler: (ctx) => { const org = orgOf(ctx); return ok(orgSecretShape(ctx, org, findSecret(ctx, org.secrets))); } },
  { method: "PUT", path: "/orgs/{org}/actions/secrets/{secret_name}", auth: "token", perm: ORG_WRITE, handler: putOrgSecret },
  { method: "DELETE", path: "/orgs/{org}/actions/secrets/{secret_name}", auth: "token", perm: ORG_WRITE, handler: (ctx) => deleteSecret(ctx, orgOf(ctx).secrets) },
  { method: "GET", path: "/orgs/{org}/actions/secrets/{secret_name}/repositories", auth: "token", perm: ORG_READ, handler: orgSecretRepos },
  {
    method: "PUT",
    path: "/orgs/{org}/actions/secrets/{secret_name}/repositories",
    auth: "token",
    perm: ORG_WRITE,
    handler: (ctx) => {
      const org = orgOf(ctx);
      const secret = findSecret(ctx, org.secrets);
      if (secret.visibility !== "selected") throw new HttpError(409, "The visibility of this secret is not set to selected.");
      secret.selectedRepositories = selectedIds(ctx, org);
      return noContent();
    },
  },
  {
    method: "DELETE",
    path: "/orgs/{org}/actions/secrets/{secret_name}/repositories/{repository_id}",
    auth: "token",
    perm: ORG_WRITE,
    handler: (ctx) => {
      const org = orgOf(ctx);
      const secret = findSecret(ctx, org.secrets);
      if (secret.visibility !== "selected") throw new HttpError(409, "The visibility of this secret is not set to selected.");
      const repo = org.repos.find((r) => String(r.id) === param(ctx, "repository_id"));
      if (!repo) throw notFound();
      secret.selectedRepositories = secret.selectedRepositories.filter((n) => n !== repo.name);
      return noContent();
    },
  },
  { method: "GET", path: "/repos/{owner}/{repo}/environments/{environment_name}/secrets", auth: "token", perm: ENV_READ, handler: (ctx) => listSecrets(ctx, environmentOf(ctx).env.secrets) },
  { method: "GET", path: "/repos/{owner}/{repo}/environments/{environment_name}/secrets/public-key", auth: "token", perm: ENV_READ, handler: (ctx) => publicKey(ctx, envScope(ctx).scope) },
  { method: "GET", path: "/repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}", auth: "token", perm: ENV_READ, handler: (ctx) => ok(secretShape(findSecret(ctx, environmentOf(ctx).env.secrets))) },
  { method: "PUT", path: "/repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}", auth: "token", perm: ENV_WRITE, handler: (ctx) => { const { env, scope } = envScope(ctx); return putSecret(ctx, env.secrets, scope); } },
  { method: "DELETE", path: "/repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}", auth: "token", perm: ENV_WRITE, handler: (ctx) => deleteSecret(ctx, environmentOf(ctx).env.secrets) },
];
