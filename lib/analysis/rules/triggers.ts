import { writeScopes } from "../permissions";
import { actionName } from "../steps";
import { entries, get } from "../tree";
import { PRIVILEGED_UNTRUSTED } from "../triggers";
import type { JobFacts } from "../workflow-model";
import type { Severity } from "../types";
import { credentialSummary, holdsAllSecrets, staticSecretNames, type WorkflowRule } from "./support";
import { actorGated, reachingTriggers } from "./untrusted";

// A privileged trigger is a hazard by itself: every job it starts runs for an outsider with the
// base repository's GITHUB_TOKEN (often write), its secrets and its Actions cache, and "the job
// never runs pull-request code" is hard to prove (argument injection, LD_PRELOAD through
// GITHUB_ENV, symlinks to runner files). One finding per trigger, rated by what its jobs hold;
// untrusted-trigger-with-credentials and untrusted-checkout-privileged keep the per-job detail.

const WHO: Record<string, string> = {
  pull_request_target: "anyone who opens a pull request, from a fork included",
  workflow_run: "whoever can start the workflow it follows (a fork pull request can)",
  issue_comment: "anyone who comments on an issue or pull request",
  issues: "anyone who opens or edits an issue",
  discussion: "anyone who starts or edits a discussion",
  discussion_comment: "anyone who comments on a discussion",
  fork: "anyone who forks the repository",
  watch: "anyone who stars the repository",
};

/** Actions built to run on privileged triggers without executing pull-request content. */
const SAFE_ALONE = new Set(["actions/labeler", "actions/first-interaction"]);

const STRONG = new Set(["pull_request_target", "workflow_run"]);

type Power = "secrets" | "write" | "default" | "read" | "none";

function power(j: JobFacts): Power {
  const m = j.model;
  if (holdsAllSecrets(m) || staticSecretNames(m).length > 0 || m.idToken) return "secrets";
  if (m.permissions === null) return "default";
  if (writeScopes(m.permissions).length > 0) return "write";
  if (m.permissions === "read-all" || Object.values(m.permissions).some((l) => l === "read")) return "read";
  return "none";
}

function severity(p: Power, strong: boolean, gated: boolean): Severity {
  if (gated) return "info";
  if (p === "secrets" || p === "write") return strong ? "high" : "medium";
  if (p === "default") return strong ? "medium" : "low";
  return "low";
}

const RANK: Severity[] = ["critical", "high", "medium", "low", "info"];

export const privilegedTrigger: WorkflowRule = (wf, emit) => {
  const privileged = wf.model.untrustedTriggers.filter((t) => PRIVILEGED_UNTRUSTED.has(t));
  if (privileged.length === 0) return;
  const triggerLines = new Map([...entries(get(wf.tree, "on"))].map(([k, , line]) => [k, line]));
  for (const trigger of privileged) {
    const jobs = wf.jobs
      .filter((j) => reachingTriggers(wf, j, new Set([trigger])).length > 0)
      .filter((j) => !(j.model.calls === null && j.steps.length > 0 && j.steps.every((s) => s.uses !== null && SAFE_ALONE.has(actionName(s.uses) ?? ""))));
    const rated = jobs
      .map((j) => ({ j, p: power(j), sev: severity(power(j), STRONG.has(trigger), actorGated(j)) }))
      .filter((x) => x.p !== "none" || x.j.model.calls !== null);
    if (rated.length === 0) continue;
    rated.sort((a, b) => RANK.indexOf(a.sev) - RANK.indexOf(b.sev));
    const worst = rated[0];
    if (worst === undefined) continue;
    const holds = rated.slice(0, 3).map(({ j, p }) => {
      const creds = credentialSummary(j.model);
      const what = p === "default" ? "the default GITHUB_TOKEN (read/write unless the repository restricts it)" : creds.length > 0 ? creds.join(", ") : j.model.calls !== null ? "what it passes to its reusable workflow" : "a read-only GITHUB_TOKEN";
      return `${j.model.id} (${what})`;
    });
    const more = rated.length > 3 ? ` and ${rated.length - 3} more job${rated.length > 4 ? "s" : ""}` : "";
    emit({
      rule: "privileged-trigger",
      severity: worst.sev,
      line: triggerLines.get(trigger) ?? wf.onLine,
      job: rated.length === 1 ? worst.j.model.id : null,
      message: `${trigger} runs job${rated.length > 1 ? "s" : ""} ${holds.join("; ")}${more} for ${WHO[trigger] ?? "people without write access"}, with the base repository's token, secrets and Actions cache${rated.every((x) => actorGated(x.j)) ? ", though every job is gated on the actor" : ""}`,
    });
  }
};


