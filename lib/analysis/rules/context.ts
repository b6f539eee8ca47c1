import type { ContextSecret, RepoContext } from "../context";
import type { WorkflowFacts } from "../workflow-model";
import type { SecretRef } from "../types";
import { calendarDaysBetween } from "../dates";
import { list, type Emit, type RuleFinding } from "./support";

// Rules that need repository context. They see every workflow of the repository at once.

const OVERSHARED_SELECTED = 10;

function available(context: RepoContext, name: string, environment: string | null): ContextSecret | undefined {
  const upper = name.toUpperCase();
  const candidates = context.secrets.filter((s) => s.name.toUpperCase() === upper);
  return (
    candidates.find((s) => s.scope === "environment" && s.environment === environment) ??
    candidates.find((s) => s.scope === "repo") ??
    candidates.find((s) => s.scope === "org")
  );
}

function isCalled(wf: WorkflowFacts): boolean {
  return wf.model.triggers.includes("workflow_call");
}

export function contextRules(workflows: WorkflowFacts[], context: RepoContext, emitFor: (wf: WorkflowFacts | null) => Emit): void {
  const now = context.now !== undefined ? Date.parse(context.now) : undefined;
  const referenced = new Set<string>();
  let everything = false;
  const staleReported = new Set<string>();
  const overshareReported = new Set<string>();

  for (const wf of workflows) {
    const emit = emitFor(wf);
    const inheriting = wf.jobs.filter((j) => j.model.permissionsSource === "default");
    if (context.defaultWorkflowPermissions === "write" && inheriting.length > 0 && !(isCalled(wf) && wf.model.triggers.length === 1)) {
      emit({
        rule: "repo-default-token-write",
        line: inheriting[0]?.model.line ?? wf.onLine,
        job: inheriting.length === 1 ? (inheriting[0]?.model.id ?? null) : null,
        message: `the repository default GITHUB_TOKEN is read/write and job${inheriting.length > 1 ? "s" : ""} ${list(inheriting.map((j) => j.model.id))} set no permissions, so they get write on every scope`,
      });
    }
    for (const j of wf.jobs) {
      if (j.model.secrets.some((s) => s.name === "*")) everything = true;
      const seen = new Set<string>();
      for (const ref of j.model.secrets) {
        if (ref.name === "*" || ref.name.toUpperCase() === "GITHUB_TOKEN" || seen.has(ref.name)) continue;
        seen.add(ref.name);
        referenced.add(ref.name.toUpperCase());
        const secret = available(context, ref.name, j.model.environment);
        if (secret === undefined) {
          if (isCalled(wf)) continue; // a called workflow's secrets come from its caller
          const envOnly = context.secrets.find((s) => s.name.toUpperCase() === ref.name.toUpperCase() && s.scope === "environment");
          emit({
            rule: "secret-missing",
            line: ref.line,
            job: j.model.id,
            message: envOnly
              ? `secret ${ref.name} exists only in environment ${envOnly.environment ?? "?"}, but job ${j.model.id} runs ${j.model.environment ? `in ${j.model.environment}` : "without an environment"} and gets an empty string`
              : `secret ${ref.name} is not defined for this repository; job ${j.model.id} gets an empty string`,
          });
          continue;
        }
        checkStale(secret, ref, j.model.id, now, context.staleAfterDays, staleReported, emit);
        checkOvershared(secret, ref, j.model.id, overshareReported, emit);
      }
      const envName = j.model.environment;
      if (envName !== null && !envName.includes("${{")) {
        const env = context.environments.find((e) => e.name === envName);
        const rules = env?.protectionRules;
        if (rules === undefined || (rules.requiredReviewers === 0 && rules.waitTimer === 0 && rules.branchPolicy === null)) {
          emit({
            rule: "environment-unprotected",
            severity: j.model.phase === "deploy" || j.model.phase === "publish" ? "medium" : "low",
            line: j.model.line,
            job: j.model.id,
            message: env === undefined
              ? `environment ${envName} used by job ${j.model.id} does not exist yet; GitHub creates it on first run with no protection rules`
              : `environment ${envName} used by job ${j.model.id} has no required reviewers, wait timer or branch policy`,
          });
        }
      }
    }
  }

  if (everything) return;
  const repoEmit = emitFor(null);
  for (const s of context.secrets) {
    if (s.scope === "org" || referenced.has(s.name.toUpperCase())) continue;
    repoEmit({
      rule: "secret-unused",
      line: 0,
      job: null,
      repoLevel: true,
      message: `${s.scope === "environment" ? `environment ${s.environment ?? "?"} secret` : "repository secret"} ${s.name} is not referenced by any workflow`,
    });
  }
}

function checkStale(secret: ContextSecret, ref: SecretRef, job: string, now: number | undefined, days: number, reported: Set<string>, emit: Emit): void {
  if (now === undefined || reported.has(secret.name)) return;
  const age = calendarDaysBetween(Date.parse(secret.updatedAt), now);
  if (age < days) return;
  reported.add(secret.name);
  emit({ rule: "secret-stale", line: ref.line, job, message: `${secret.scope} secret ${secret.name} was last updated ${age} days ago (${secret.updatedAt.slice(0, 10)})` });
}

function checkOvershared(secret: ContextSecret, ref: SecretRef, job: string, reported: Set<string>, emit: Emit): void {
  if (secret.scope !== "org" || reported.has(secret.name)) return;
  const wide = secret.visibility === "all" || secret.visibility === "private" || (secret.visibility === "selected" && (secret.selectedRepoCount ?? 0) > OVERSHARED_SELECTED);
  if (!wide) return;
  reported.add(secret.name);
  const f: RuleFinding = {
    rule: "org-secret-overshared",
    line: ref.line,
    job,
    message: `organisation secret ${secret.name} is visible to ${secret.visibility === "selected" ? `${secret.selectedRepoCount ?? "?"} repositories` : `${secret.visibility} repositories`}; a compromise of any of them leaks it`,
  };
  emit(f);
}
