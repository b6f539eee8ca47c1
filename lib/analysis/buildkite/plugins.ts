import { isMap, isSeq, type Node } from "yaml";
import { entriesOf, getIn, itemsOf, scalarText, type YamlDoc } from "../yaml-docs";
import { isCredentialName } from "./commands";
import type { StepCreds } from "./creds";
import type { PluginRef } from "./plugin-ref";

// Credentials a plugin's configuration declares: the secrets it fetches (Vault paths, Secrets
// Manager ids and ARNs, SSM parameters, Buildkite secrets), the identities it assumes (AWS
// roles, Google workload identity, registry logins) and whether it mints a Buildkite OIDC
// token. Only the plugins listed in HANDLERS are read; others are inventoried as code the
// step runs (`uses`), nothing more.

interface PluginInput {
  doc: YamlDoc;
  config: Node | null;
  line: number;
  plugin: PluginRef;
  creds: StepCreds;
}

type Handler = (p: PluginInput) => void;

/**
 * A configuration key. The agent hands plugins their configuration as environment variables
 * (`BUILDKITE_PLUGIN_<NAME>_<KEY>`, `-` made `_`), so `role-arn` and `role_arn` are one key.
 */
function get(p: PluginInput, key: string, node: Node | null | undefined = p.config): Node | undefined {
  return getIn(p.doc, node, key) ?? getIn(p.doc, node, key.includes("-") ? key.replace(/-/g, "_") : key.replace(/_/g, "-"));
}

function str(p: PluginInput, ...keys: string[]): string | null {
  for (const key of keys) {
    const t = scalarText(p.doc, get(p, key));
    if (t !== null) return t;
  }
  return null;
}

function list(p: PluginInput, node: Node | undefined): string[] {
  if (node === undefined) return [];
  if (isSeq(node)) return itemsOf(p.doc, node).flatMap((n) => scalarText(p.doc, n) ?? []);
  const t = scalarText(p.doc, node);
  return t === null ? [] : t.split(",").map((x) => x.trim()).filter((x) => x !== "");
}

function numberOf(t: string | null): number | undefined {
  return t !== null && /^\d{1,9}$/.test(t) ? Number(t) : undefined;
}

function number(p: PluginInput, key: string): number | undefined {
  return numberOf(str(p, key));
}

/** `ENV: value` pairs of a mapping (values that are mappings give their `key` field). */
function pairs(p: PluginInput, node: Node | undefined, field?: string): Array<[string, string]> {
  return entriesOf(p.doc, node).flatMap(([env, value]) => {
    const t = scalarText(p.doc, value) ?? (field !== undefined && isMap(value) ? scalarText(p.doc, getIn(p.doc, value, field)) : null);
    return t === null ? [] : [[env, t] as [string, string]];
  });
}

function source(p: PluginInput): string {
  return p.plugin.key;
}

const awsWebIdentity: Handler = (p) => {
  const role = str(p, "role-arn");
  const lifetime = number(p, "role-session-duration");
  p.creds.oidc(p.line, source(p), { audience: "sts.amazonaws.com", ...(lifetime !== undefined ? { lifetime } : {}), sessionTags: list(p, get(p, "session-tags")) });
  p.creds.awsRole(role, true, p.line, source(p), "sts.amazonaws.com");
};

const IAM_PREFIX = /^(https:)?\/\/iam\.googleapis\.com\//;
const PROVIDER_PROJECT = /^projects\/(\d+)\/locations\/global\/workloadIdentityPools\//;
const SA_PROJECT = /@([a-z][a-z0-9-]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$/;

const gcpWif: Handler = (p) => {
  const audience = str(p, "audience");
  const sa = str(p, "service-account");
  const lifetime = number(p, "lifetime");
  p.creds.oidc(p.line, source(p), { ...(audience !== null ? { audience } : {}), ...(lifetime !== undefined ? { lifetime } : {}) });
  p.creds.identity("gcp-workload-identity", sa ?? audience, true, p.line, source(p), audience !== null ? { audience } : {});
  if (audience !== null) {
    const provider = audience.replace(IAM_PREFIX, "");
    p.creds.system("gcp-wif-provider", provider);
    const project = PROVIDER_PROJECT.exec(provider)?.[1];
    if (project !== undefined) p.creds.system("gcp-project", project);
  }
  const saProject = sa === null ? undefined : SA_PROJECT.exec(sa)?.[1];
  if (saProject !== undefined) p.creds.system("gcp-project", saProject);
};

/** A plugin that assumes an AWS role with the agent's own AWS credentials (no OIDC). */
const awsAssumeRole: Handler = (p) => {
  const role = str(p, "role", "role-arn");
  if (role !== null) p.creds.awsRole(role, false, p.line, source(p));
};

const awsSsm: Handler = (p) => {
  for (const [env, path] of pairs(p, get(p, "parameters"))) {
    p.creds.secret(path, "plugin", p.line);
    p.creds.provided.add(env);
  }
  p.creds.system("aws-account", null);
};

const awsSm: Handler = (p) => {
  const env = get(p, "env");
  for (const [name, id] of pairs(p, env, "secret-id")) {
    p.creds.secret(id, "plugin", p.line);
    p.creds.provided.add(name);
    p.creds.awsAccountOf(id);
  }
  for (const key of ["file", "json-to-env"]) {
    for (const item of itemsOf(p.doc, get(p, key))) {
      const id = scalarText(p.doc, get(p, "secret-id", item));
      if (id === null) continue;
      p.creds.secret(id, "plugin", p.line);
      p.creds.awsAccountOf(id);
    }
  }
  if (!p.creds.systems.some((s) => s.kind === "aws-account")) p.creds.system("aws-account", null);
};

/** buildkite-plugins/secrets and cluster-secrets: Buildkite secrets (or GCP Secret Manager). */
const buildkiteSecrets: Handler = (p) => {
  for (const [env, key] of pairs(p, get(p, "variables"))) {
    p.creds.secret(key, "plugin", p.line);
    p.creds.provided.add(env);
  }
  const batch = str(p, "env");
  if (batch !== null) p.creds.secret(batch, "plugin", p.line);
  if (str(p, "provider") === "gcp") p.creds.system("gcp-project", str(p, "gcp-project"));
};

/** buildkite-plugins/vault-secrets: secrets under `path` on `server`, with an auth method. */
const vaultSecrets: Handler = (p) => {
  const server = str(p, "server");
  for (const name of list(p, get(p, "secrets"))) p.creds.secret(name, "plugin", p.line);
  const auth = get(p, "auth");
  const method = scalarText(p.doc, get(p, "method", auth));
  if (method === "jwt") p.creds.identity("vault-jwt", scalarText(p.doc, get(p, "jwt-role", auth)), false, p.line, source(p));
  else if (method === "approle") {
    const secretEnv = scalarText(p.doc, get(p, "secret-env", auth));
    p.creds.identity("vault-static", scalarText(p.doc, get(p, "role-id", auth)) ?? "approle", false, p.line, source(p), secretEnv !== null ? { secrets: [secretEnv] } : {});
  }
  p.creds.system("vault", server);
};

/** elastic/vault-secrets: one secret at `path` exposed as `env_var`. */
const elasticVaultSecrets: Handler = (p) => {
  const path = str(p, "path");
  if (path !== null) p.creds.secret(path, "plugin", p.line);
  const env = str(p, "env_var");
  if (env !== null) p.creds.provided.add(env);
  p.creds.system("vault", null);
};

/** grapl-security/vault-env and the like: secret names read from Vault into the environment. */
const vaultEnv: Handler = (p) => {
  for (const name of list(p, get(p, "secrets"))) {
    p.creds.secret(name, "plugin", p.line);
    p.creds.provided.add(name.slice(name.lastIndexOf("/") + 1));
  }
  p.creds.system("vault", null);
};

const vaultLogin: Handler = (p) => {
  p.creds.system("vault", str(p, "address", "server"));
};

const dockerLogin: Handler = (p) => {
  const server = str(p, "server") ?? "docker.io";
  const passwordEnv = str(p, "password-env") ?? "DOCKER_LOGIN_PASSWORD";
  // The password is an environment variable: a secret of its own unless `secrets:` or an earlier plugin set it.
  if (!p.creds.provided.has(passwordEnv)) p.creds.secret(passwordEnv, "plugin", p.line);
  p.creds.identity("registry-login", server, false, p.line, source(p), { secrets: [passwordEnv] });
  p.creds.system("container-registry", server);
};

const ACCOUNT = /^\d{12}$/;

const ecr: Handler = (p) => {
  if (str(p, "login") === "false") return;
  const accounts = list(p, get(p, "account-ids"));
  const assume = get(p, "assume-role");
  const role = scalarText(p.doc, get(p, "role-arn", assume));
  const viaOidc = scalarText(p.doc, get(p, "oidc", assume)) === "true";
  if (role !== null) {
    if (viaOidc) p.creds.oidc(p.line, source(p), {});
    p.creds.awsRole(role, viaOidc, p.line, source(p));
  }
  const registry = accounts.length > 0 ? accounts.join(",") : "ecr";
  const oidc = viaOidc || p.creds.identities.some((i) => i.kind === "aws-role" && i.oidc);
  p.creds.identity("registry-login", registry, oidc, p.line, source(p));
  p.creds.system("container-registry", accounts.includes("public.ecr.aws") ? "public.ecr.aws" : "ecr");
  for (const a of accounts) if (ACCOUNT.test(a)) p.creds.system("aws-account", a);
};

/** Buildkite Packages: the plugin exchanges a Buildkite OIDC token for a publish token. */
const publishToPackages: Handler = (p) => {
  p.creds.oidc(p.line, source(p), {});
  p.creds.pluginPhase = "publish";
};

/** docker / docker-compose: credential-named variables passed into the container by name. */
const containerEnv: Handler = (p) => {
  for (const key of ["environment", "env"]) {
    const node = get(p, key);
    if (!isSeq(node)) continue;
    for (const item of itemsOf(p.doc, node)) {
      const t = scalarText(p.doc, item);
      if (t !== null && !t.includes("=") && isCredentialName(t)) p.creds.passedOn.push({ name: t, line: p.doc.lineOf(item, p.line) });
    }
  }
  if (p.plugin.key === "buildkite-plugins/docker-compose" && get(p, "push") !== undefined) p.creds.pluginPhase ??= "publish";
};

/** elastic/oblt-google-auth: a Buildkite OIDC token for a per-repository Google provider (30 minutes unless `lifetime`). */
const obltGoogleAuth: Handler = (p) => {
  const number = str(p, "project-number") ?? "8560181848";
  const project = str(p, "project-id") ?? "elastic-observability";
  const audience = `//iam.googleapis.com/projects/${number}/locations/global/workloadIdentityPools/buildkite/providers/repo-<hash>`;
  p.creds.oidc(p.line, source(p), { audience, audienceSymbolic: true, lifetime: numberOf(str(p, "lifetime")) ?? 1800 });
  p.creds.identity("gcp-workload-identity", project, true, p.line, source(p), { audience, audienceSymbolic: true });
  p.creds.system("gcp-project", number);
  p.creds.system("gcp-project", project);
};

/** elastic/vault-docker-login: registry credentials read from a Vault path. */
const vaultDockerLogin: Handler = (p) => {
  const path = str(p, "secret_path");
  if (path !== null) p.creds.secret(path, "plugin", p.line);
  p.creds.identity("registry-login", null, false, p.line, source(p), path !== null ? { secrets: [path] } : {});
  p.creds.system("vault", null);
  p.creds.system("container-registry", null);
};

const deployPlugin: Handler = (p) => {
  p.creds.pluginPhase = "deploy";
};

/** monorepo-diff: uploads the steps its `watch:` entries describe for the paths a change touches. */
const monorepoDiff: Handler = (p) => {
  p.creds.uploads = true;
};

const HANDLERS: Record<string, Handler> = {
  "buildkite-plugins/aws-assume-role-with-web-identity": awsWebIdentity,
  "buildkite-plugins/gcp-workload-identity-federation": gcpWif,
  "buildkite-plugins/aws-ssm": awsSsm,
  "seek-oss/aws-sm": awsSm,
  "buildkite-plugins/aws-sm": awsSm,
  "buildkite-plugins/secrets": buildkiteSecrets,
  "buildkite-plugins/cluster-secrets": buildkiteSecrets,
  "buildkite-plugins/vault-secrets": vaultSecrets,
  "elastic/vault-secrets": elasticVaultSecrets,
  "grapl-security/vault-env": vaultEnv,
  "grapl-security/vault-login": vaultLogin,
  "buildkite-plugins/docker-login": dockerLogin,
  "buildkite-plugins/ecr": ecr,
  "buildkite-plugins/publish-to-packages": publishToPackages,
  "buildkite-plugins/docker": containerEnv,
  "buildkite-plugins/docker-compose": containerEnv,
  "elastic/oblt-google-auth": obltGoogleAuth,
  "elastic/vault-docker-login": vaultDockerLogin,
  "buildkite-plugins/monorepo-diff": monorepoDiff,
  "chronotc/monorepo-diff": monorepoDiff,
};

/** Any `…/aws-assume-role` plugin other than the web-identity one assumes a role with the agent's credentials. */
const AWS_ASSUME_ROLE = /\/aws-assume-role$/;
/** Plugins named for deploying (`ecs-deploy`, `argocd-deployment`, `pulumi`, `terraform`, `helm`…) make their step a deploy. */
const DEPLOY_NAME = /\/([a-z0-9-]*-)?(deploy|deployment|pulumi|terraform|helm|cloudformation)(-[a-z0-9-]*)?$/;

export function readPlugin(doc: YamlDoc, config: Node | null, line: number, plugin: PluginRef, creds: StepCreds): void {
  const named = plugin.key.length <= 200;
  const handler = HANDLERS[plugin.key] ?? (named && AWS_ASSUME_ROLE.test(plugin.key) ? awsAssumeRole : named && DEPLOY_NAME.test(plugin.key) ? deployPlugin : undefined);
  handler?.({ doc, config, line, plugin, creds });
}
