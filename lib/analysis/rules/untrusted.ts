import { expressionRefs, isUntrustedPath } from "../expressions";
import { DEPLOY_IDENTITIES, PUBLISH_IDENTITIES } from "../phase";
import { writeScopes } from "../permissions";
import { actionName } from "../steps";
import { FORK_UNTRUSTED, PRIVILEGED_UNTRUSTED } from "../triggers";
import type { JobFacts, WorkflowFacts } from "../workflow-model";
import { credentialSummary, list, type WorkflowRule } from "./support";

/** Triggers of the workflow that can reach this job, judged from a plain `github.event_name` guard. */
export function reachingTriggers(wf: WorkflowFacts, j: JobFacts, set: Set<string>): string[] {
  const candidates = wf.model.untrustedTriggers.filter((t) => set.has(t));
  const cond = j.condition.map((c) => c.expr).join(" ");
  if (!/github\.event_name/.test(cond)) return candidates;
  const mentioned = candidates.filter((t) => cond.includes(`'${t}'`));
  const excludes = /github\.event_name\s*!=/.test(cond);
  return excludes ? candidates.filter((t) => !mentioned.includes(t)) : mentioned;
}

/** The job only runs for pull requests from branches of this repository (not forks). */
export function sameRepoOnly(j: JobFacts): boolean {
  return j.condition.some((c) =>
    /head\.repo\.full_name\s*==\s*github\.repository\b|github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name|head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork/.test(c.expr),
  );
}

/** The job runs only for the repository's own branches or for trusted actors. */
export function actorGated(j: JobFacts): boolean {
  return sameRepoOnly(j) || j.condition.some((c) => /author_association|github\.actor\s*==|github\.repository_owner|github\.event\.sender\.login\s*==/.test(c.expr));
}

export const untrustedTriggerWithCredentials: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    if (j.untrusted?.kind === "privileged") continue;
    const triggers = reachingTriggers(wf, j, PRIVILEGED_UNTRUSTED);
    if (triggers.length === 0) continue;
    const creds = credentialSummary(j.model);
    if (j.model.permissions === null) creds.push("the default GITHUB_TOKEN (read/write unless the repository restricts it)");
    if (creds.length === 0) continue;
    const gated = actorGated(j);
    const strong = triggers.some((t) => t === "pull_request_target" || t === "workflow_run");
    emit({
      rule: "untrusted-trigger-with-credentials",
      severity: gated ? "info" : strong ? "medium" : "low",
      line: j.model.line,
      job: j.model.id,
      message: `job ${j.model.id} runs on ${triggers.join(", ")} (startable by people without write access) and holds ${creds.join("; ")}${gated ? "; the job is gated on the actor" : ""}`,
    });
  }
};

export const untrustedCheckoutPrivileged: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    const u = j.untrusted;
    if (u === null || u.kind !== "privileged") continue;
    const creds = credentialSummary(j.model);
    const inherits = j.model.permissions === null;
    // Labeled/assigned-only triggers need a maintainer to act first: still PR code, but gated.
    const sameRepo = sameRepoOnly(j);
    const gated = !wf.model.untrustedTriggers.includes(u.trigger);
    emit({
      rule: "untrusted-checkout-privileged",
      severity: sameRepo ? "medium" : (creds.length > 0 || inherits) && !gated ? "critical" : "high",
      line: u.line,
      job: j.model.id,
      message: `job ${j.model.id} checks out pull-request code on ${u.trigger}${gated ? " (maintainer-triggered types only)" : ""}${sameRepo ? " (the job is limited to same-repository branches)" : ""} (step ${u.step}) while holding ${creds.length > 0 ? creds.join("; ") : inherits ? "the default GITHUB_TOKEN" : "a GITHUB_TOKEN and the base repository's cache"}`,
    });
  }
};

export const templateInjection: WorkflowRule = (wf, emit) => {
  const privileged = wf.model.untrustedTriggers.some((t) => PRIVILEGED_UNTRUSTED.has(t));
  const fork = wf.model.untrustedTriggers.some((t) => FORK_UNTRUSTED.has(t));
  if (!privileged && !fork) return;
  for (const j of wf.jobs) {
    const creds = credentialSummary(j.model);
    if (creds.length === 0 && j.model.permissions !== null) continue;
    for (const s of j.steps) {
      const script = s.run ?? (s.uses !== null && actionName(s.uses) === "actions/github-script" ? s.with.script : undefined);
      if (script === undefined || script === null) continue;
      const bad = script.exprs.flatMap((e) => expressionRefs(e.expr).paths.filter(isUntrustedPath).map((p) => ({ p, line: e.line })));
      const first = bad[0];
      if (first === undefined) continue;
      emit({
        rule: "template-injection-in-privileged-job",
        severity: privileged ? "critical" : "high",
        line: first.line,
        job: j.model.id,
        message: `step ${s.index} of job ${j.model.id} expands ${list([...new Set(bad.map((b) => b.p))], 2)} into a ${s.run ? "shell script" : "github-script"} while the job holds ${creds.length > 0 ? creds.join("; ") : "the default GITHUB_TOKEN"}`,
      });
    }
  }
};

export const selfHostedRunnerUntrusted: WorkflowRule = (wf, emit) => {
  const all = new Set([...PRIVILEGED_UNTRUSTED, ...FORK_UNTRUSTED]);
  for (const j of wf.jobs) {
    if (!j.model.selfHosted) continue;
    const triggers = reachingTriggers(wf, j, all);
    if (triggers.length === 0) continue;
    emit({
      rule: "self-hosted-runner-untrusted",
      severity: j.model.runsUntrustedCode ? "critical" : "high",
      line: j.model.line,
      job: j.model.id,
      message: `job ${j.model.id} runs on self-hosted runner [${j.model.runsOn.join(", ")}] for ${triggers.join(", ")}${j.model.runsUntrustedCode ? " and executes pull-request code there" : ""}`,
    });
  }
};

const AUTHORITY_SCOPES = new Set(["contents", "packages", "deployments", "actions", "id-token", "pages", "attestations"]);

export const phaseMixing: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    if (j.model.phase !== "build-untrusted" || j.untrusted === null) continue;
    // Fork pull requests get no OIDC token and a read-only GITHUB_TOKEN: there only static credentials count.
    const fork = j.untrusted.kind === "fork";
    const ids = j.model.identities.filter((i) => (DEPLOY_IDENTITIES.has(i.kind) || PUBLISH_IDENTITIES.has(i.kind)) && !(fork && i.oidc));
    const writes = writeScopes(j.model.permissions).filter((s) => AUTHORITY_SCOPES.has(s));
    if (ids.length === 0 && (writes.length === 0 || fork)) continue;
    const parts = [
      ...new Set(ids.map((i) => `${i.kind}${i.id ? ` ${i.id}` : ""}`)),
      ...(writes.length > 0 ? [`GITHUB_TOKEN write on ${writes.join(", ")}`] : []),
    ];
    emit({
      rule: "phase-mixing",
      severity: j.untrusted.kind === "privileged" && !sameRepoOnly(j) ? "high" : "medium",
      line: j.model.line,
      job: j.model.id,
      message: `job ${j.model.id} builds pull-request code (${j.untrusted.trigger}) and holds publish/deploy authority: ${list(parts, 3)}`,
    });
  }
};
