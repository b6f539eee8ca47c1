import type { RepoContext } from "./context";
import { expressionRefs } from "./expressions";
import { extractIdentities } from "./identities";
import { effectivePermissions, hasIdToken, readPermissions } from "./permissions";
import { classifyPhase } from "./phase";
import { publishSites, type PublishSite } from "./publish";
import { readSteps, isPinned, valueOf, type ActionResolver, type StepModel, type StepValue } from "./steps";
import { readTriggerFilters, readTriggers, readTriggerTypes, untrustedTriggers } from "./triggers";
import { conditionExpressions, entries, expressionsIn, get, isMapping, isString, items, lineOf, text, type ExprAt, type MappingToken, type TemplateToken } from "./tree";
import { untrustedCheckout, type UntrustedCheckout } from "./untrusted";
import type { CallInfo, JobModel, Permissions, SecretRef, SecretVia, UsesRef, VarRef, WorkflowModel } from "./types";

// Builds the per-job credential model of one workflow from GitHub's token tree.

export interface JobFacts {
  model: JobModel;
  steps: StepModel[];
  /** Line of the job's own `permissions:` key, when present. */
  permissionsLine: number | null;
  condition: ExprAt[];
  untrusted: UntrustedCheckout | null;
  /** Ids of the jobs this one `needs:`. */
  needs: string[];
  /** Publishes to trusted-publishing registries that authenticate with a long-lived secret. */
  publishes: PublishSite[];
}

export interface WorkflowFacts {
  model: WorkflowModel;
  tree: MappingToken;
  jobs: JobFacts[];
  workflowPermissions: Permissions | undefined;
  workflowPermissionsLine: number | null;
  onLine: number;
}

function envMap(token: TemplateToken | undefined): Record<string, StepValue> {
  const out: Record<string, StepValue> = {};
  for (const [key, value] of entries(token)) {
    const v = valueOf(value);
    if (v !== null) out[key] = v;
  }
  return out;
}

function needsOf(token: TemplateToken | undefined): string[] {
  if (token === undefined) return [];
  if (isString(token)) return [token.value];
  return items(token).flatMap((t) => (isString(t) ? [t.value] : []));
}

class RefCollector {
  secrets: SecretRef[] = [];
  vars: VarRef[] = [];
  private seen = new Set<string>();
  add(exprs: ExprAt[], via: SecretVia, step?: number, action?: string): void {
    for (const e of exprs) {
      const refs = expressionRefs(e.expr);
      for (const name of refs.secrets) this.push({ name, via, line: e.line, ...(step ? { step } : {}), ...(action ? { action } : {}) });
      if (refs.allSecrets) this.push({ name: "*", via: "all", line: e.line, ...(step ? { step } : {}), ...(action ? { action } : {}) });
      for (const name of refs.vars) {
        const key = `v:${name}:${e.line}`;
        if (!this.seen.has(key)) {
          this.seen.add(key);
          this.vars.push({ name, line: e.line });
        }
      }
    }
  }
  push(ref: SecretRef): void {
    const key = `${ref.name}:${ref.via}:${ref.step ?? 0}:${ref.line}:${ref.action ?? ""}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.secrets.push(ref);
  }
}

function collectStep(c: RefCollector, s: StepModel): void {
  const origin = s.origin ?? undefined;
  for (const v of Object.values(s.with)) c.add(v.exprs, "with", s.index, origin);
  for (const v of Object.values(s.env)) c.add(v.exprs, "env", s.index, origin);
  if (s.run) c.add(s.run.exprs, "run", s.index, origin);
  if (s.cond) c.add(s.cond.exprs, "if", s.index, origin);
}

function runsOnLabels(token: TemplateToken | undefined): string[] {
  if (token === undefined) return [];
  if (isString(token)) return [token.value];
  const seq = items(token);
  if (seq.length > 0) return seq.map((t) => text(t) ?? "").filter((t) => t !== "");
  const labels = get(token, "labels");
  const group = text(get(token, "group"));
  const out = labels !== undefined ? runsOnLabels(labels) : [];
  if (group !== undefined) out.push(`group:${group}`);
  if (out.length === 0) {
    const t = text(token);
    if (t !== undefined) out.push(t);
  }
  return out;
}

const HOSTED = /^(ubuntu|windows|macos)-[\w.-]+$|^(ubuntu|windows|macos)-latest(-[\w-]+)?$/i;
/** Third-party services that run ephemeral VMs per job (registered as self-hosted with GitHub). */
const MANAGED_EPHEMERAL = /^(depot|buildjet|blacksmith|namespace-profile|warp|ubicloud|cirrus|runs-on)[-=/]/i;

function isSelfHosted(labels: string[]): boolean {
  if (labels.length === 0) return false;
  return labels.some((l) => {
    const lower = l.toLowerCase();
    if (lower === "self-hosted" || lower.startsWith("group:")) return true;
    if (lower.includes("${{")) return false;
    return !HOSTED.test(lower) && !MANAGED_EPHEMERAL.test(lower);
  });
}

function readCall(job: MappingToken, permissions: Permissions): CallInfo | null {
  const uses = text(get(job, "uses"));
  if (uses === undefined) return null;
  const secretsToken = get(job, "secrets");
  const map: Record<string, string[]> = {};
  let secrets: CallInfo["secrets"] = [];
  if (secretsToken !== undefined && isString(secretsToken) && secretsToken.value === "inherit") secrets = "inherit";
  else {
    const names = new Set<string>();
    for (const [input, value] of entries(secretsToken)) {
      const refs = expressionsIn(value).flatMap((e) => {
        const r = expressionRefs(e.expr);
        return r.allSecrets ? ["*", ...r.secrets] : r.secrets;
      });
      map[input] = refs;
      refs.forEach((r) => names.add(r));
    }
    secrets = [...names];
  }
  return { workflow: uses, pinned: isPinned(uses), local: uses.startsWith("./"), secrets, secretMap: map, permissions };
}

export function buildWorkflow(
  root: string,
  path: string,
  tree: MappingToken,
  warnings: string[],
  resolve: ActionResolver,
  context: RepoContext | undefined,
): WorkflowFacts {
  const triggers = readTriggers(get(tree, "on"));
  const outsiderTriggers = untrustedTriggers(readTriggerTypes(get(tree, "on")));
  const triggerFilters = readTriggerFilters(get(tree, "on"));
  const wfPermToken = get(tree, "permissions");
  const workflowPermissions = readPermissions(wfPermToken);
  const wfEnv = get(tree, "env");
  const wfEnvExprs = wfEnv !== undefined ? expressionsIn(wfEnv) : [];
  let wfEnvMap: Record<string, StepValue> | undefined;
  const workflowEnv = () => (wfEnvMap ??= envMap(wfEnv));
  const jobs: JobFacts[] = [];

  for (const [id, job, keyLine] of entries(get(tree, "jobs"))) {
    if (!isMapping(job)) continue;
    const jobMap = job;
    const c = new RefCollector();
    c.add(wfEnvExprs, "env");
    const permToken = get(jobMap, "permissions");
    const jobPermissions = readPermissions(permToken);
    const eff = effectivePermissions(jobPermissions, workflowPermissions, context);
    const steps = readSteps(get(jobMap, "steps"), resolve);
    const condition = conditionExpressions(get(jobMap, "if"));
    c.add(condition, "if");
    for (const [key, value] of entries(jobMap)) {
      if (key === "steps" || key === "if" || key === "permissions") continue;
      if (key === "env") c.add(expressionsIn(value), "env");
      else if (key === "with") c.add(expressionsIn(value), "with");
      else if (key === "secrets") {
        if (isString(value) && value.value === "inherit") c.push({ name: "*", via: "inherit", line: lineOf(value) });
        else c.add(expressionsIn(value), "call");
      } else c.add(expressionsIn(value), "other");
    }
    for (const s of steps) collectStep(c, s);

    const uses: UsesRef[] = steps
      .filter((s): s is StepModel & { uses: string } => s.uses !== null)
      .map((s) => ({ uses: s.uses, pinned: isPinned(s.uses), line: s.line, step: s.index, ...(s.origin ? { action: s.origin } : {}) }));
    const call = readCall(jobMap, eff.permissions);
    if (call !== null) uses.push({ uses: call.workflow, pinned: call.pinned, line: lineOf(get(jobMap, "uses")) });

    const envToken = get(jobMap, "environment");
    const environment = envToken === undefined ? null : (text(isMapping(envToken) ? get(envToken, "name") : envToken) ?? null);
    const runsOn = runsOnLabels(get(jobMap, "runs-on"));
    const idToken = hasIdToken(eff.permissions);
    const { identities, systems } = extractIdentities(steps, { idToken, secrets: c.secrets });
    const untrusted = untrustedCheckout(triggers, outsiderTriggers, steps);
    const model: JobModel = {
      id,
      name: text(get(jobMap, "name")) ?? null,
      line: keyLine,
      permissions: eff.permissions,
      permissionsSource: eff.source,
      idToken,
      environment,
      runsOn,
      selfHosted: isSelfHosted(runsOn),
      secrets: c.secrets,
      vars: c.vars,
      identities,
      systems,
      phase: "verify",
      runsUntrustedCode: untrusted !== null,
      uses,
      calls: call,
    };
    const jobEnv = () => envMap(get(jobMap, "env"));
    const publishes = publishSites(steps, jobEnv, workflowEnv);
    model.phase = classifyPhase(model, steps, publishes.length > 0);
    jobs.push({
      model,
      steps,
      permissionsLine: permToken !== undefined ? lineOf(permToken) : null,
      condition,
      untrusted,
      needs: needsOf(get(jobMap, "needs")),
      publishes,
    });
  }

  const model: WorkflowModel = {
    system: "github-actions",
    root,
    path,
    name: text(get(tree, "name")) ?? null,
    triggers,
    ...(Object.keys(triggerFilters).length > 0 ? { triggerFilters } : {}),
    untrustedTriggers: outsiderTriggers,
    jobs: jobs.map((j) => j.model),
    warnings,
  };
  return {
    model,
    tree,
    jobs,
    workflowPermissions,
    workflowPermissionsLine: wfPermToken !== undefined ? lineOf(wfPermToken) : null,
    onLine: lineOf(get(tree, "on"), 1),
  };
}

