import { hasIdToken } from "../analysis/permissions";
import type { CallInfo, JobModel, WorkflowModel } from "../analysis/types";
import type { Decision } from "./decision";
import { runContexts, type RunContext } from "./refs";
import { composeSubject, ownerRepo, type SubjectFormat, type SubjectSettings, type TokenRepo } from "./subject";
import { ANY_CHAR, cat, concrete, DIGITS, display, hole, lit, type Sym } from "./symbolic";
import type { ClaimValue, Token } from "./token";

// The tokens each job of the analysed workflows can get: one variant per kind of run its
// triggers allow, each with the alternatives that settings we do not know leave open.
// Jobs of a reusable workflow get the caller's run context and their own
// `job_workflow_ref`; a job calling a workflow we cannot read gets a capped, open token.

export interface TokenSettings {
  repo: TokenRepo;
  subject: SubjectSettings;
  issuer: string;
  defaultBranch: string | null;
}

export interface TokenVariant {
  context: RunContext;
  /** The job's token is one of these; which one depends on settings we were not given. */
  alternatives: Token[];
  /** Verdicts for this kind of run are at most this: `possibly` when the run depends on a setting we cannot see. */
  cap?: Decision;
}

export interface JobTokens {
  path: string;
  /** Job id; `caller/called` for a job of a reusable workflow. */
  job: string;
  /** The job whose steps request tokens (the called one for a reusable workflow); null when not readable. */
  model: JobModel | null;
  variants: TokenVariant[];
  /** Verdicts for this job are at most this: `possibly` when the called workflow is unknown. */
  cap: Decision;
  /** The tokens carry the audience their request names (Buildkite), instead of the one each provider's login action asks for. */
  ownAudience?: boolean;
}

const HOSTED = /^(ubuntu|windows|macos)-[\w.-]+$|^(ubuntu|windows|macos)-latest(-[\w-]+)?$/i;
const MAX_CALL_DEPTH = 10;
const SHA = /^[0-9a-f]{40}$/;
const REMOTE_CALL = /^([^/]+)\/([^/]+)\/(.+)@([^@]+)$/;

/** The workflow file's path in its repository, whatever root it was read from. */
export function workflowFile(path: string): string {
  if (path.startsWith(".github/workflows/")) return path;
  return `.github/workflows/${path.split("/").pop() ?? path}`;
}

function runnerEnvironment(labels: string[]): Sym {
  if (labels.length === 0 || labels.some((l) => l.includes("${{"))) return hole("runner environment");
  if (labels.some((l) => l.toLowerCase() === "self-hosted")) return lit("self-hosted");
  // Larger runners and runner groups carry custom labels but may be GitHub-hosted.
  return labels.every((l) => HOSTED.test(l)) ? lit("github-hosted") : hole("runner environment");
}

function environmentOf(env: string | null): Sym | null {
  if (env === null) return null;
  return env.includes("${{") ? hole("environment", ANY_CHAR) : lit(env);
}

interface JobShape {
  environment: Sym | null;
  runner: Sym;
  /** `job_workflow_ref` alternatives for a run on `ref`. */
  jobWorkflowRef: (ref: Sym) => Sym[];
}

function buildTokens(settings: TokenSettings, workflow: WorkflowModel, shape: JobShape, ctx: RunContext): Token[] {
  const { repo } = settings;
  const file = workflowFile(workflow.path);
  const workflowRef = cat(repo.owner, "/", repo.name, `/${file}@`, ctx.ref);
  const claims: Record<string, ClaimValue> = {
    iss: { v: lit(settings.issuer) },
    repository: { v: cat(repo.owner, "/", repo.name) },
    repository_owner: { v: repo.owner },
    repository_id: { v: repo.repoId },
    repository_owner_id: { v: repo.ownerId },
    repository_visibility: { v: hole("visibility") },
    actor: { v: hole("actor") },
    actor_id: { v: hole("actor id", DIGITS) },
    run_id: { v: hole("run id", DIGITS) },
    run_number: { v: hole("run number", DIGITS) },
    run_attempt: { v: hole("run attempt", DIGITS) },
    sha: { v: hole("sha") },
    workflow_sha: { v: hole("sha") },
    job_workflow_sha: { v: hole("sha") },
    jti: { v: hole("jti") },
    check_run_id: { v: hole("check run id", DIGITS), maybeAbsent: true },
    enterprise: { v: hole("enterprise"), maybeAbsent: true },
    enterprise_id: { v: hole("enterprise id", DIGITS), maybeAbsent: true },
    event_name: { v: lit(ctx.event) },
    ref: { v: ctx.ref },
    ref_type: { v: ctx.refType },
    ref_protected: { v: hole("ref protected") },
    base_ref: { v: ctx.baseRef },
    head_ref: { v: ctx.headRef },
    // An unnamed workflow's `workflow` claim has been seen to carry its file path.
    workflow: { v: lit(workflow.name ?? file) },
    workflow_ref: { v: workflowRef },
    runner_environment: { v: shape.runner },
  };
  if (shape.environment !== null) {
    claims.environment = { v: shape.environment };
    claims.environment_node_id = { v: hole("environment node id") };
  }
  const prChoices = ctx.pullRequest === "unknown" ? [true, false] : [ctx.pullRequest === "yes"];
  const out: Token[] = [];
  const seen = new Set<string>();
  for (const jobWorkflowRef of shape.jobWorkflowRef(ctx.ref)) {
    const withRef: Record<string, ClaimValue> = { ...claims, job_workflow_ref: { v: jobWorkflowRef } };
    for (const format of settings.subject.formats as SubjectFormat[]) {
      for (const pullRequest of prChoices) {
        const sub = composeSubject(settings.subject.keys, {
          ownerRepo: ownerRepo(repo, format),
          environment: shape.environment,
          pullRequest,
          ref: ctx.ref,
          claim: (name) => withRef[name]?.v ?? hole(name),
        });
        // Formats that do not show in the template give the same token once.
        const key = `${display(sub ?? [])}\n${display(jobWorkflowRef)}`;
        if (sub !== null && !seen.has(key)) {
          seen.add(key);
          out.push({ claims: { ...withRef, sub: { v: sub } } });
        }
      }
    }
  }
  return out;
}

function variants(settings: TokenSettings, workflow: WorkflowModel, contexts: RunContext[], shape: JobShape): TokenVariant[] {
  return contexts.map((context) => ({ context, alternatives: buildTokens(settings, workflow, shape, context) })).filter((v) => v.alternatives.length > 0);
}

interface Caller {
  workflow: WorkflowModel;
  contexts: RunContext[];
  jobName: string;
  depth: number;
}

function calledRefs(atRef: string, fileRef: Sym): Sym[] {
  if (SHA.test(atRef) || atRef.startsWith("refs/")) return [cat(fileRef, `@${atRef}`)];
  // `@main` or `@v1`: a branch or a tag, GitHub does not say which in the workflow file.
  return [cat(fileRef, `@refs/heads/${atRef}`), cat(fileRef, `@refs/tags/${atRef}`)];
}

function expandCall(settings: TokenSettings, byPath: Map<string, WorkflowModel>, caller: Caller, call: CallInfo, out: JobTokens[]): void {
  const { repo } = settings;
  let called: WorkflowModel | undefined;
  let atRef: string | null = null;
  let fileRef: Sym;
  if (call.local) {
    const file = workflowFile(call.workflow.slice(2));
    called = byPath.get(file);
    fileRef = cat(repo.owner, "/", repo.name, `/${file}`);
  } else {
    const m = REMOTE_CALL.exec(call.workflow);
    if (m === null) return;
    const [, owner, name, file, ref] = m as unknown as [string, string, string, string, string];
    fileRef = lit(`${owner}/${name}/${file}`);
    atRef = ref;
    const same = (a: string, b: Sym): boolean => a.toLowerCase() === concrete(b)?.toLowerCase();
    if (same(owner, repo.owner) && same(name, repo.name)) called = byPath.get(file);
  }
  const jobWorkflowRef = (ref: Sym): Sym[] => (atRef === null ? [cat(fileRef, "@", ref)] : calledRefs(atRef, fileRef));
  if (called === undefined || caller.depth >= MAX_CALL_DEPTH) {
    // Unknown jobs, with or without an environment, may request a token.
    const open = [null, hole("environment", ANY_CHAR)].flatMap((environment) =>
      variants(settings, caller.workflow, caller.contexts, { environment, runner: hole("runner environment"), jobWorkflowRef }),
    );
    if (open.length > 0) out.push({ path: caller.workflow.path, job: caller.jobName, model: null, variants: open, cap: "possibly" });
    return;
  }
  for (const job of called.jobs) {
    const name = `${caller.jobName}/${job.id}`;
    // A called job without its own `permissions:` keeps what the caller passed on.
    if (job.calls !== null) {
      if (job.permissionsSource !== "default" && !hasIdToken(job.calls.permissions)) continue;
      expandCall(settings, byPath, { ...caller, jobName: name, depth: caller.depth + 1 }, job.calls, out);
      continue;
    }
    if (job.permissionsSource !== "default" && !job.idToken) continue;
    const shape: JobShape = { environment: environmentOf(job.environment), runner: runnerEnvironment(job.runsOn), jobWorkflowRef };
    const vs = variants(settings, caller.workflow, caller.contexts, shape);
    if (vs.length > 0) out.push({ path: caller.workflow.path, job: name, model: job, variants: vs, cap: "yes" });
  }
}

/** Every job that can get an OIDC token, with the tokens it can get. */
export function jobTokens(workflows: WorkflowModel[], settings: TokenSettings): JobTokens[] {
  const byPath = new Map(workflows.map((w) => [workflowFile(w.path), w]));
  const out: JobTokens[] = [];
  // GitHub's OIDC tokens only: a Buildkite step's or a Tekton task's token has other claims.
  for (const workflow of workflows.filter((w) => w.system === "github-actions")) {
    const contexts = runContexts(workflow, { defaultBranch: settings.defaultBranch });
    if (contexts.length === 0) continue;
    for (const job of workflow.jobs) {
      if (job.calls !== null) {
        if (hasIdToken(job.calls.permissions)) expandCall(settings, byPath, { workflow, contexts, jobName: job.id, depth: 0 }, job.calls, out);
        continue;
      }
      if (!job.idToken) continue;
      const file = workflowFile(workflow.path);
      const shape: JobShape = {
        environment: environmentOf(job.environment),
        runner: runnerEnvironment(job.runsOn),
        // Observed: a top-level job's `job_workflow_ref` equals its `workflow_ref`.
        jobWorkflowRef: (ref) => [cat(settings.repo.owner, "/", settings.repo.name, `/${file}@`, ref)],
      };
      const vs = variants(settings, workflow, contexts, shape);
      if (vs.length > 0) out.push({ path: workflow.path, job: job.id, model: job, variants: vs, cap: "yes" });
    }
  }
  return out;
}
