import { expressionRefs } from "../expressions";
import { actionName, type StepValue } from "../steps";
import { identity, idOf, secretsIn, system, type Extractor } from "./common";

/** Secrets other than the job's own ephemeral GITHUB_TOKEN. */
export function staticSecrets(...values: (StepValue | undefined)[]): string[] {
  return secretsIn(...values).filter((s) => s.toUpperCase() !== "GITHUB_TOKEN");
}

function usesGithubToken(v: StepValue | undefined): boolean {
  if (v === undefined) return false;
  return v.exprs.some((e) => {
    const r = expressionRefs(e.expr);
    return r.secrets.some((s) => s.toUpperCase() === "GITHUB_TOKEN") || r.paths.includes("github.token");
  });
}

function registryHost(v: StepValue | undefined): { id: string | null; symbolic: boolean } {
  const ref = idOf(v);
  if (ref.id === null) return { id: "docker.io", symbolic: false };
  return ref;
}

/** docker/login-action: a registry login; Docker Hub when no registry is given. */
export const dockerLogin: Extractor = (input) => {
  const { step } = input;
  if (step.uses === null || actionName(step.uses) !== "docker/login-action") return;
  const host = registryHost(step.with.registry);
  const password = step.with.password;
  const secrets = staticSecrets(password, step.with.username);
  const ephemeral = usesGithubToken(password);
  const ecr = host.id !== null && /\.ecr\.|public\.ecr\.aws/.test(host.id) && password === undefined;
  const gcpToken = password !== undefined && password.exprs.some((e) => /^steps\.[^.]+\.outputs\.access_token$/.test(e.expr.trim()));
  const oidc = (ecr && input.out.identities.some((i) => i.kind === "aws-role" && i.oidc)) ||
    (gcpToken && input.out.identities.some((i) => i.kind === "gcp-workload-identity"));
  identity(input, "registry-login", host, oidc, { secrets: ephemeral && secrets.length === 0 ? ["GITHUB_TOKEN"] : secrets });
  system(input, "container-registry", host.id, host.symbolic);
};

const NPM_ENV = ["NODE_AUTH_TOKEN", "NPM_TOKEN", "NPM_AUTH_TOKEN", "NPM_CONFIG_TOKEN"];

/** actions/setup-node `registry-url` and npm tokens handed to later steps. */
export const npmRegistry: Extractor = (input) => {
  const { step } = input;
  if (step.uses !== null && actionName(step.uses) === "actions/setup-node" && step.with["registry-url"] !== undefined) {
    const url = idOf(step.with["registry-url"]);
    system(input, "npm", url.id === null ? null : url.id.replace(/^https?:\/\//, "").replace(/\/$/, ""), url.symbolic);
  }
  const tokens = new Set<string>();
  for (const key of NPM_ENV) for (const s of staticSecrets(step.env[key])) tokens.add(s);
  if (step.uses !== null && actionName(step.uses) === "js-devtools/npm-publish") {
    for (const s of staticSecrets(step.with.token)) tokens.add(s);
  }
  for (const name of tokens) {
    if (input.out.identities.some((i) => i.kind === "npm-token" && i.id === name)) continue;
    identity(input, "npm-token", { id: name, symbolic: false }, false, { secrets: [name] });
    system(input, "npm", "registry.npmjs.org");
  }
};

/** pypa/gh-action-pypi-publish: trusted publishing unless an API token is passed. */
export const pypiPublish: Extractor = (input) => {
  const { step } = input;
  if (step.uses === null || actionName(step.uses) !== "pypa/gh-action-pypi-publish") return;
  const password = step.with.password;
  const repo = idOf(step.with["repository-url"] ?? step.with.repository_url);
  const host = repo.id === null ? "upload.pypi.org" : repo.symbolic ? repo.id : repo.id.replace(/^https?:\/\//, "").split("/")[0] ?? repo.id;
  if (password !== undefined) identity(input, "pypi-token", { id: host, symbolic: repo.symbolic }, false, { secrets: secretsIn(password) });
  else identity(input, "pypi-trusted-publishing", { id: host, symbolic: repo.symbolic }, true);
  system(input, "pypi", host, repo.symbolic);
};

/** crates.io: rust-lang/crates-io-auth-action (trusted publishing) or CARGO_REGISTRY_TOKEN. */
export const cratesPublish: Extractor = (input) => {
  const { step } = input;
  if (step.uses !== null && actionName(step.uses) === "rust-lang/crates-io-auth-action") {
    identity(input, "crates-trusted-publishing", { id: "crates.io", symbolic: false }, true);
    system(input, "crates", "crates.io");
  }
  const token = staticSecrets(step.env.CARGO_REGISTRY_TOKEN);
  if (token.length > 0) {
    identity(input, "crates-token", { id: token[0] ?? null, symbolic: false }, false, { secrets: token });
    system(input, "crates", "crates.io");
  }
};

