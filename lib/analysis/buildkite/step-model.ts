import { runScripts } from "../identities/scripts";
import type { Extracted } from "../identities/common";
import { classifyPhase } from "../phase";
import type { StepModel, StepValue } from "../steps";
import type { JobModel, UsesRef } from "../types";
import { scanCommands, isCredentialName, type CommandFacts } from "./commands";
import { pullRequestGate, type PullRequestGate } from "./conditions";
import { StepCreds } from "./creds";
import { extensionSecrets } from "./extensions";
import { isPinnedPlugin, parsePluginRef, type PluginRef } from "./plugin-ref";
import { readPlugin } from "./plugins";
import type { EnvEntry, RawStep } from "./steps";

// One Buildkite step → one job of the JSON contract, with what the rules need beside it.

export interface StepFacts {
  raw: RawStep;
  model: JobModel;
  commands: CommandFacts;
  plugins: Array<{ ref: PluginRef; line: number }>;
  /** Credential-named variables the commands read that nothing in the file sets. */
  fromOutside: string[];
  /** How the step's conditions let pull-request builds in (a command step runs their code then). */
  pullRequests: PullRequestGate;
}

const VAR = /^\$\$?\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/;
/** Values no credential has: flags and numbers (`please` is SEEK's hooks' "fetch me a token" request, not a token). */
const NOT_A_SECRET = /^(true|false|yes|no|on|off|\d{1,12}|please)$/i;
const DEPLOY_GROUP = /deploy|release|prod/i;

/** Static cloud credentials by the variable the cloud's tools read them from. */
const STATIC_KEYS: Array<{ names: RegExp; kind: "aws-access-key" | "gcp-service-account-key" | "azure-client-secret" }> = [
  { names: /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)$/, kind: "aws-access-key" },
  { names: /^(GOOGLE_APPLICATION_CREDENTIALS(_JSON)?|GOOGLE_CREDENTIALS|GCP_SA_KEY|GCLOUD_SERVICE_KEY|GCP_SERVICE_ACCOUNT_KEY)$/, kind: "gcp-service-account-key" },
  { names: /^(AZURE|ARM)_CLIENT_SECRET$/, kind: "azure-client-secret" },
];

/** The step's env, a step entry replacing the pipeline's of the same name. */
function effectiveEnv(env: EnvEntry[]): Map<string, EnvEntry> {
  const out = new Map<string, EnvEntry>();
  for (const e of env) out.set(e.name, e);
  return out;
}

/** `$X`, `${X}` or `$$X` resolved from the step's env when it is a literal there. */
function resolveVar(value: string, env: Map<string, EnvEntry>): { text: string; symbolic: boolean } {
  const m = VAR.exec(value.trim());
  if (m?.[1] === undefined) return { text: value, symbolic: value.includes("$") };
  const set = env.get(m[1])?.value;
  return set !== undefined && set !== null && !set.includes("$") ? { text: set, symbolic: false } : { text: `$${m[1]}`, symbolic: true };
}

function stepValue(text: string, line: number): StepValue {
  return { text, line, exprs: [] };
}

/** The script heuristics shared with GitHub Actions (docker login, aws, gcloud, az, kubectl…). */
function scriptIdentities(raw: RawStep, env: Map<string, EnvEntry>, creds: StepCreds): StepModel | null {
  if (raw.commands === null) return null;
  const step: StepModel = {
    index: 1,
    line: raw.commands.line,
    id: raw.key,
    name: raw.label,
    uses: null,
    run: stepValue(raw.commands.text, raw.commands.line),
    with: {},
    env: Object.fromEntries([...env.values()].flatMap((e) => (e.value === null ? [] : [[e.name, stepValue(e.value, e.line)]]))),
    cond: null,
    origin: null,
  };
  const out: Extracted = { identities: [], systems: [] };
  // No Buildkite job is a trusted publisher to npm or PyPI: the extractor is told it holds no OIDC token.
  runScripts({ step, job: { idToken: false, secrets: [] }, out });
  for (const { step: _index, ...i } of out.identities) creds.identities.push(i);
  for (const s of out.systems) creds.system(s.kind, s.id, s.heuristic === true);
  return step;
}

function readEnv(env: Map<string, EnvEntry>, creds: StepCreds): void {
  for (const e of env.values()) {
    creds.provided.add(e.name);
    if (e.value === null || e.value.trim() === "" || NOT_A_SECRET.test(e.value.trim()) || !isCredentialName(e.name)) continue;
    const ref = VAR.exec(e.value.trim())?.[1];
    creds.secret(ref ?? e.name, "env", e.line);
  }
}

const AWS_SESSION = /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)$/;

/**
 * Variables a plugin passes into its container by name: a secret of the step unless the file
 * provides it already (`secrets:`, a plugin) or a role assumption of the step exported it.
 */
function passedOn(creds: StepCreds, env: Map<string, EnvEntry>, fromOutside: string[]): void {
  const assumesAwsRole = creds.identities.some((i) => i.kind === "aws-role");
  for (const { name, line } of creds.passedOn) {
    if (creds.provided.has(name) || env.has(name) || (assumesAwsRole && AWS_SESSION.test(name))) continue;
    creds.secret(name, "env", line);
    if (!fromOutside.includes(name)) fromOutside.push(name);
  }
}

/**
 * Static cloud keys the file itself hands the step (`secrets:`, `env:`, a plugin, `secret get`).
 * Keys a role assumption exports are never in `declared`: only passed on by name, if at all.
 */
function staticKeys(creds: StepCreds, declared: Map<string, number>): void {
  for (const { names, kind } of STATIC_KEYS) {
    const found = [...declared.entries()].filter(([name]) => names.test(name));
    if (found.length === 0 || creds.identities.some((i) => i.kind === kind)) continue;
    const [first, line] = found[0] as [string, number];
    creds.identity(kind, first, false, line, "env", { secrets: found.map(([n]) => n) });
    if (kind === "aws-access-key") creds.system("aws-account", null);
  }
}

function phaseOf(model: JobModel, step: StepModel | null, creds: StepCreds, raw: RawStep): JobModel["phase"] {
  // `helm lint` or `kubectl get` name a cluster without deploying: the script heuristics' cluster
  // does not make a step deploy (DEPLOY_SCRIPT still catches `kubectl apply`, `helm upgrade`…).
  const systems = model.systems.filter((s) => !(s.kind === "kubernetes" && s.heuristic === true));
  const phase = classifyPhase({ ...model, systems }, step === null ? [] : [step]);
  if (phase === "build-untrusted" || phase === "deploy") return phase;
  // A concurrency group or an agent queue named for deploys or releases is Buildkite's nearest
  // thing to a deployment environment (the GitHub classifier reads environment names alike).
  const queue = raw.agents.find((a) => a.startsWith("queue="));
  if (creds.pluginPhase === "deploy" || [raw.concurrencyGroup, queue].some((g) => g !== null && g !== undefined && DEPLOY_GROUP.test(g))) return "deploy";
  if (creds.pluginPhase === "publish") return "publish";
  return phase;
}

function subjectOf(key: string | null, subjectClaim: string | undefined): string {
  if (subjectClaim !== undefined) return `<${subjectClaim}>`;
  return `organization:<organization>:pipeline:<pipeline>:ref:<ref>:commit:<commit>:step:${key ?? ""}`;
}

export function buildStep(raw: RawStep, id: string): StepFacts {
  const { doc } = raw;
  const creds = new StepCreds();
  const env = effectiveEnv(raw.env);
  const declared = new Map<string, number>();
  for (const s of raw.secrets) {
    creds.secret(s.key, "secret-ref", s.line);
    creds.provided.add(s.env);
    declared.set(s.env, s.line);
  }
  extensionSecrets(doc, raw.kind === "command" ? [raw.pipelineNode, raw.node] : [], creds);
  const plugins: StepFacts["plugins"] = [];
  const uses: UsesRef[] = [];
  for (const p of raw.plugins) {
    const ref = parsePluginRef(p.ref);
    plugins.push({ ref, line: p.line });
    uses.push({ uses: p.ref, pinned: isPinnedPlugin(ref), line: p.line });
    const before = creds.provided.size;
    readPlugin(doc, p.config, p.line, ref, creds);
    if (creds.provided.size > before) for (const name of creds.provided) if (!declared.has(name)) declared.set(name, p.line);
  }
  readEnv(env, creds);
  for (const e of env.values()) if (e.value !== null && e.value.trim() !== "") declared.set(e.name, declared.get(e.name) ?? e.line);

  const commands = scanCommands(raw.commands);
  for (const g of commands.secretGets) {
    creds.secret(g.name, "run", g.line);
    declared.set(g.name.toUpperCase(), declared.get(g.name.toUpperCase()) ?? g.line);
  }
  for (const r of commands.oidc) {
    const audience = r.audience === null ? null : resolveVar(r.audience, env);
    creds.oidc(r.line, "run", {
      ...(audience !== null ? { audience: audience.text, ...(audience.symbolic ? { audienceSymbolic: true } : {}) } : {}),
      ...(r.lifetime !== null ? { lifetime: r.lifetime } : {}),
      claims: r.claims,
      sessionTags: r.sessionTags,
      ...(r.subjectClaim !== null ? { subjectClaim: r.subjectClaim } : {}),
    });
  }
  for (const r of commands.roles) {
    const arn = r.roleArn === null ? null : resolveVar(r.roleArn, env).text;
    creds.awsRole(arn, r.webIdentity, r.line, "run");
  }
  const fromOutside: string[] = [];
  for (const ref of commands.envRefs) {
    if (creds.provided.has(ref.name) || env.has(ref.name)) continue;
    creds.secret(ref.name, "run", ref.line);
    fromOutside.push(ref.name);
  }
  passedOn(creds, env, fromOutside);
  const synthetic = scriptIdentities(raw, env, creds);
  staticKeys(creds, declared);

  const key = raw.key;
  for (const i of creds.identities) if (i.kind === "buildkite-oidc") i.subject = subjectOf(key, i.subjectClaim);
  const queue = raw.agents.find((a) => a.startsWith("queue="))?.slice("queue=".length);
  const condition = raw.conditions.map((c) => c.text.trim()).join(" && ");
  const gates = raw.conditions.map((c) => pullRequestGate(c.text));
  // Every condition must hold: one that admits only labelled pull requests gates the step.
  const pullRequests: PullRequestGate = gates.includes("label") ? "label" : gates.includes("pull-request") ? "pull-request" : "none";
  const model: JobModel = {
    id,
    name: raw.label,
    line: raw.line,
    permissions: null,
    permissionsSource: "default",
    githubToken: false,
    idToken: creds.idToken,
    environment: null,
    runsOn: raw.agents,
    selfHosted: raw.kind === "command",
    secrets: creds.secrets,
    vars: [],
    identities: creds.identities,
    systems: creds.systems,
    phase: "verify",
    // Only a command step runs code; a block, input or trigger step on a pull request runs none.
    runsUntrustedCode: raw.kind === "command" && pullRequests !== "none",
    uses,
    calls: null,
    stepType: raw.kind,
    ...(raw.group !== null ? { group: raw.group } : {}),
    ...(condition !== "" ? { condition } : {}),
    ...(raw.branches !== null ? { branches: raw.branches } : {}),
    ...(queue !== undefined ? { queue } : {}),
    ...(raw.concurrencyGroup !== null ? { concurrencyGroup: raw.concurrencyGroup } : {}),
    ...(raw.dependsOn.length > 0 ? { dependsOn: raw.dependsOn } : {}),
    ...(raw.trigger !== null ? { triggersPipeline: raw.trigger } : {}),
    ...(commands.uploads.length > 0 || creds.uploads ? { uploadsPipeline: true } : {}),
  };
  model.phase = phaseOf(model, synthetic, creds, raw);
  return { raw, model, commands, plugins, fromOutside, pullRequests };
}
