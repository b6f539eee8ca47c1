import { expressionRefs } from "./expressions";
import { embeddedExpressions } from "./line-scan";
import { actionName, type StepModel, type StepValue } from "./steps";

// Publishing to a package registry that offers OIDC trusted publishing (npm, PyPI, RubyGems,
// crates.io, NuGet) with a long-lived token instead. A publish is a `run:` command (`npm publish`,
// `twine upload`, `gem push`, `cargo publish`, `dotnet nuget push`…) or a known publishing
// action; its token is a secret in the step's, job's or workflow's `env`, on the command line,
// or in a credentials file an earlier step of the job wrote. Registries without trusted
// publishing (Maven Central, the Gradle Plugin Portal, Docker Hub, private registries, GitHub
// Packages with GITHUB_TOKEN) are not publishes here: there is no tokenless alternative to
// point at. Script text is untrusted: every scan below is one pass over lines and tokens.

export type TrustedPublishingRegistry = "npm" | "pypi" | "rubygems" | "crates" | "nuget";

export interface PublishSite {
  registry: TrustedPublishingRegistry;
  /** The command (`npm publish`) or action (`pypa/gh-action-pypi-publish`). */
  via: string;
  step: number;
  line: number;
  /** Long-lived secrets that authenticate the publish (never GITHUB_TOKEN); empty when none is visible. */
  secrets: string[];
  /** Where the token comes from, in words: "the step's env", "a credentials file written by step 2"… */
  source: string;
}

export const REGISTRY_NAMES: Record<TrustedPublishingRegistry, string> = {
  npm: "npm (registry.npmjs.org)",
  pypi: "PyPI",
  rubygems: "RubyGems.org",
  crates: "crates.io",
  nuget: "nuget.org",
};

/** Env var or secret names that carry a registry token. */
const TOKEN_NAME: Record<TrustedPublishingRegistry, RegExp> = {
  npm: /NPM|NODE_AUTH|YARN|BUN_AUTH/i,
  pypi: /PYPI|TWINE|UV_PUBLISH|POETRY|FLIT|HATCH|PDM_PUBLISH|MATURIN/i,
  rubygems: /GEM|RUBYGEMS/i,
  crates: /CARGO|CRATES/i,
  nuget: /NUGET/i,
};

/** Text of an earlier step that writes credentials for the registry (a file, a CLI config, GITHUB_ENV). */
const CONFIG_WRITE: Record<TrustedPublishingRegistry, RegExp> = {
  npm: /_authToken|\.npmrc|\bnpm\s+(config\s+)?set\b|NODE_AUTH_TOKEN|NPM_TOKEN|npmAuthToken/,
  pypi: /\.pypirc|TWINE_PASSWORD|UV_PUBLISH_TOKEN|POETRY_PYPI_TOKEN|pypi-token|HATCH_INDEX_AUTH/,
  rubygems: /\.gem\/credentials|GEM_HOST_API_KEY|rubygems_api_key/,
  crates: /\bcargo\s+login\b|CARGO_REGISTRY_TOKEN|credentials\.toml/,
  nuget: /\bnuget\s+(add\s+source|sources\s+add|setapikey)\b|NuGet\.Config|NUGET_AUTH_TOKEN/i,
};

/** The public registry a `--registry`/`--repository-url`/`--source`… value must name to count. */
const PUBLIC_REGISTRY: Record<TrustedPublishingRegistry, RegExp> = {
  npm: /^https?:\/\/registry\.npmjs\.org\/?$/i,
  pypi: /^(https?:\/\/(upload\.|test\.)?pypi\.org(\/legacy)?\/?|pypi|testpypi)$/i,
  rubygems: /^https?:\/\/rubygems\.org\/?$/i,
  crates: /^crates-io$/i,
  nuget: /^(https?:\/\/(api|www)\.nuget\.org(\/v3\/index\.json|\/api\/v2\/package)?\/?|nuget\.org)$/i,
};

const TARGET_FLAGS: Record<TrustedPublishingRegistry, Set<string>> = {
  npm: new Set(["--registry"]),
  pypi: new Set(["--repository-url", "--repository", "-r", "--publish-url", "--index", "--repo"]),
  rubygems: new Set(["--host"]),
  crates: new Set(["--registry", "--index"]),
  nuget: new Set(["--source", "-s", "-source"]),
};

/** Env vars that point a tool at another registry than the public one. */
const TARGET_ENV: Record<TrustedPublishingRegistry, string[]> = {
  npm: ["NPM_CONFIG_REGISTRY", "npm_config_registry"],
  pypi: ["TWINE_REPOSITORY_URL", "TWINE_REPOSITORY", "UV_PUBLISH_URL", "HATCH_INDEX_REPO", "PDM_PUBLISH_REPO"],
  rubygems: ["RUBYGEMS_HOST"],
  crates: [],
  nuget: [],
};

interface Command {
  registry: TrustedPublishingRegistry;
  via: string;
  /** 0-based line of the script. */
  row: number;
  /** Tokens of the shell command (quotes and `${{ }}` kept). */
  tokens: string[];
  text: string;
}

/** Lowercased program name of a token: path, `.exe`, version suffix (`twine==5`, `npm@11`) removed. */
function program(token: string): string {
  const bare = token.replace(/^["']|["']$/g, "");
  const base = bare.slice(Math.max(bare.lastIndexOf("/"), bare.lastIndexOf("\\")) + 1).toLowerCase();
  const cut = base.search(/[@=<>~]/);
  return (cut > 0 ? base.slice(0, cut) : base).replace(/\.exe$/, "");
}

const SEPARATORS = new Set([";", "&&", "||", "|", "&"]);

/** Shell commands of a script, one pass: lines joined at `\` continuations, split at separators. */
function shellCommands(script: string): { row: number; tokens: string[]; text: string }[] {
  const out: { row: number; tokens: string[]; text: string }[] = [];
  const lines = script.split("\n");
  let pending: string[] = [];
  let pendingText = "";
  let row = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (row < 0) row = i;
    const continued = line.trimEnd().endsWith("\\");
    const body = continued ? line.trimEnd().slice(0, -1) : line;
    pendingText += `${body} `;
    for (const raw of body.split(/\s+/)) {
      if (raw === "" || raw.startsWith("#")) continue;
      if (SEPARATORS.has(raw)) {
        out.push({ row, tokens: pending, text: pendingText });
        pending = [];
        continue;
      }
      const ends = raw.endsWith(";");
      pending.push(ends ? raw.slice(0, -1) : raw);
      if (ends) {
        out.push({ row, tokens: pending, text: pendingText });
        pending = [];
      }
    }
    if (!continued) {
      if (pending.length > 0) out.push({ row, tokens: pending, text: pendingText });
      pending = [];
      pendingText = "";
      row = -1;
    }
  }
  if (pending.length > 0) out.push({ row: Math.max(row, 0), tokens: pending, text: pendingText });
  return out;
}

/** First and last position of each program/argument of one command: "X then Y" is first(X) < last(Y). */
function positions(tokens: string[]): { first: Map<string, number>; last: Map<string, number>; names: string[] } {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  const names = tokens.map(program);
  names.forEach((n, i) => {
    if (!first.has(n)) first.set(n, i);
    last.set(n, i);
  });
  return { first, last, names };
}

function publishOf(tokens: string[]): { registry: TrustedPublishingRegistry; via: string } | null {
  const { first, last, names } = positions(tokens);
  const then = (a: string, b: string) => (first.get(a) ?? Infinity) < (last.get(b) ?? -1);
  const next = (a: string) => names[(first.get(a) ?? -2) + 1];
  const dry = first.has("--dry-run");
  const notScript = (a: string) => next(a) !== "run" && next(a) !== "run-script";
  if (!dry) {
    if (then("yarn", "publish") && notScript("yarn")) return { registry: "npm", via: then("yarn", "npm") ? "yarn npm publish" : "yarn publish" };
    for (const tool of ["npm", "pnpm", "bun"]) if (then(tool, "publish") && notScript(tool)) return { registry: "npm", via: `${tool} publish` };
    for (const tool of ["changeset", "lerna"]) if (then(tool, "publish")) return { registry: "npm", via: `${tool} publish` };
    if (then("twine", "upload")) return { registry: "pypi", via: "twine upload" };
    for (const tool of ["uv", "poetry", "hatch", "flit", "pdm"]) if (then(tool, "publish")) return { registry: "pypi", via: `${tool} publish` };
    if (then("maturin", "publish") || then("maturin", "upload")) return { registry: "pypi", via: "maturin publish" };
    if (then("gem", "push")) return { registry: "rubygems", via: "gem push" };
    if (then("cargo", "publish") && !first.has("-n")) return { registry: "crates", via: "cargo publish" };
  }
  if (then("nuget", "push")) return { registry: "nuget", via: first.has("dotnet") ? "dotnet nuget push" : "nuget push" };
  return null;
}

/** The value of a target flag (`--registry x`, `--registry=x`), or undefined. */
function flagValue(tokens: string[], flags: Set<string>): string | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? "";
    const eq = t.indexOf("=");
    if (eq > 0 && flags.has(t.slice(0, eq))) return t.slice(eq + 1).replace(/^["']|["']$/g, "");
    if (flags.has(t)) return (tokens[i + 1] ?? "").replace(/^["']|["']$/g, "");
  }
  return undefined;
}

/** A value names the public registry, or is computed (then it is taken at its word: public). */
function isPublic(registry: TrustedPublishingRegistry, value: string | undefined): boolean {
  if (value === undefined || value === "" || value.includes("${{") || value.startsWith("$")) return true;
  return PUBLIC_REGISTRY[registry].test(value);
}

/** Every publish command has one of these words: scripts without them are not split at all. */
const PUBLISH_WORD = /publish|upload|push/;

function commandsIn(run: StepValue): Command[] {
  const out: Command[] = [];
  if (!PUBLISH_WORD.test(run.text)) return out;
  for (const c of shellCommands(run.text)) {
    const hit = publishOf(c.tokens);
    if (hit === null) continue;
    if (!isPublic(hit.registry, flagValue(c.tokens, TARGET_FLAGS[hit.registry]))) continue;
    out.push({ ...hit, row: c.row, tokens: c.tokens, text: c.text });
  }
  return out;
}

function isStatic(name: string): boolean {
  return name.toUpperCase() !== "GITHUB_TOKEN";
}

/** Secrets named in `${{ }}` of a text (the command line). */
function secretsInText(text: string): string[] {
  const out = new Set<string>();
  for (const e of embeddedExpressions(text)) for (const s of expressionRefs(e.inner).secrets) if (isStatic(s)) out.add(s);
  return [...out];
}

/** Secrets in env values whose variable or secret name looks like the registry's token. */
function envTokens(env: Record<string, StepValue>, registry: TrustedPublishingRegistry, referenced: string[] | null): string[] {
  const out = new Set<string>();
  for (const [key, v] of Object.entries(env)) {
    for (const e of v.exprs) {
      for (const s of expressionRefs(e.expr).secrets) {
        if (!isStatic(s)) continue;
        if (TOKEN_NAME[registry].test(key) || TOKEN_NAME[registry].test(s) || referenced?.includes(key)) out.add(s);
      }
    }
  }
  return [...out];
}

function targetsElsewhere(registry: TrustedPublishingRegistry, envs: Record<string, StepValue>[]): boolean {
  for (const env of envs) for (const key of TARGET_ENV[registry]) if (env[key] !== undefined && !isPublic(registry, env[key]?.text)) return true;
  return false;
}

/** `$NAME` / `${NAME}` shell references of a command line. */
function shellVars(text: string): string[] {
  return [...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? "");
}

interface ConfigWrite {
  step: number;
  secrets: string[];
}

/** Earlier steps that wrote the registry's credentials with a long-lived secret. */
function configWrite(step: StepModel, registry: TrustedPublishingRegistry): ConfigWrite | null {
  if (step.run !== null && CONFIG_WRITE[registry].test(step.run.text)) {
    const secrets = new Set<string>();
    for (const v of [step.run, ...Object.values(step.env)]) for (const e of v.exprs) for (const s of expressionRefs(e.expr).secrets) if (isStatic(s)) secrets.add(s);
    if (secrets.size > 0) return { step: step.index, secrets: [...secrets] };
  }
  if (step.uses !== null && registry === "nuget" && actionName(step.uses) === "actions/setup-dotnet" && step.with["source-url"] !== undefined) {
    const secrets = envTokens(step.env, "nuget", null);
    if (secrets.length > 0 && isPublic("nuget", step.with["source-url"].text)) return { step: step.index, secrets };
  }
  return null;
}

function secretsOf(v: StepValue | undefined): string[] {
  if (v === undefined) return [];
  return [...new Set(v.exprs.flatMap((e) => expressionRefs(e.expr).secrets).filter(isStatic))];
}

/** Publishing actions that take a long-lived token as an input. */
function actionSite(step: StepModel): PublishSite | null {
  if (step.uses === null) return null;
  const name = actionName(step.uses);
  const site = (registry: TrustedPublishingRegistry, secrets: string[], input: string): PublishSite | null =>
    secrets.length === 0 ? null : { registry, via: name ?? step.uses ?? "", step: step.index, line: step.with[input]?.line ?? step.line, secrets, source: `its \`${input}\` input` };
  switch (name) {
    case "pypa/gh-action-pypi-publish": {
      const url = step.with["repository-url"] ?? step.with.repository_url;
      return isPublic("pypi", url?.text) ? site("pypi", secretsOf(step.with.password), "password") : null;
    }
    case "js-devtools/npm-publish":
      return isPublic("npm", step.with.registry?.text) ? site("npm", secretsOf(step.with.token), "token") : null;
    case "rubygems/configure-rubygems-credentials":
      return isPublic("rubygems", step.with["gem-server"]?.text) ? site("rubygems", secretsOf(step.with["api-token"]), "api-token") : null;
    case "katyo/publish-crates":
      return site("crates", secretsOf(step.with["registry-token"]), "registry-token");
    case "changesets/action": {
      if (step.with.publish === undefined) return null;
      const secrets = envTokens(step.env, "npm", null);
      return secrets.length === 0 ? null : { registry: "npm", via: "changesets/action", step: step.index, line: step.line, secrets, source: "the step's env" };
    }
    case "rubygems/release-gem": {
      if (step.with["setup-trusted-publisher"]?.text !== "false") return null;
      const secrets = envTokens(step.env, "rubygems", null);
      return secrets.length === 0 ? null : { registry: "rubygems", via: "rubygems/release-gem", step: step.index, line: step.line, secrets, source: "the step's env" };
    }
    default:
      return null;
  }
}

/** Where a non-npmjs `registry-url` of actions/setup-node points npm for the rest of the job. */
function npmElsewhere(step: StepModel): boolean | undefined {
  if (step.uses === null || actionName(step.uses) !== "actions/setup-node") return undefined;
  const url = step.with["registry-url"]?.text;
  if (url === undefined) return undefined;
  return !isPublic("npm", url);
}

/**
 * Every publish of a job to a trusted-publishing registry, with the long-lived secrets that
 * authenticate it (none when the workflow shows none: trusted publishing when the job has
 * `id-token: write`, else a credential from outside the workflow). `jobEnv` and `workflowEnv`
 * give the job's and workflow's `env:`, read only when a step publishes.
 */
export function publishSites(steps: StepModel[], jobEnvOf: () => Record<string, StepValue>, workflowEnvOf: () => Record<string, StepValue>): PublishSite[] {
  const out: PublishSite[] = [];
  let npmOther = false;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step === undefined) continue;
    const setupNode = npmElsewhere(step);
    if (setupNode !== undefined) npmOther = setupNode;
    const fromAction = actionSite(step);
    if (fromAction !== null) {
      out.push(fromAction);
      continue;
    }
    if (step.run === null) continue;
    const block = step.run.text.includes("\n");
    const commands = commandsIn(step.run);
    if (commands.length === 0) continue;
    // Read only for the rare step that publishes.
    const jobEnv = jobEnvOf();
    const workflowEnv = workflowEnvOf();
    for (const c of commands) {
      if (c.registry === "npm" && npmOther) continue;
      if (targetsElsewhere(c.registry, [step.env, jobEnv, workflowEnv])) continue;
      const vars = shellVars(c.text);
      const line = step.run.line + (block ? 1 : 0) + c.row;
      const onLine = secretsInText(c.text);
      const inStep = envTokens(step.env, c.registry, vars);
      const inJob = envTokens(jobEnv, c.registry, vars);
      const inWorkflow = envTokens(workflowEnv, c.registry, vars);
      let source = onLine.length > 0 ? "the command line" : inStep.length > 0 ? "the step's env" : inJob.length > 0 ? "the job's env" : "the workflow's env";
      let secrets = [...new Set([...onLine, ...inStep, ...inJob, ...inWorkflow])];
      if (secrets.length === 0) {
        for (let k = i - 1; k >= 0 && secrets.length === 0; k--) {
          const earlier = steps[k];
          const written = earlier === undefined ? null : configWrite(earlier, c.registry);
          if (written === null) continue;
          secrets = written.secrets;
          source = `credentials written by step ${written.step}`;
        }
      }
      if (secrets.length === 0) source = "outside the workflow";
      out.push({ registry: c.registry, via: c.via, step: step.index, line, secrets, source });
    }
  }
  return out;
}
