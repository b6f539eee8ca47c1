// What a step's `if:` says about the builds it runs in. Buildkite's conditionals are C-like
// (`build.pull_request.id != null && build.branch != "main"`); these are plain, linear scans
// for the comparisons that name pull-request builds or a build source, not an evaluator.

/**
 * Comparisons true only on pull-request builds. The field is one or two names
 * (`base_branch`, `repository.fork`): a bounded pattern, so a run of `build.pull_request.`
 * repeated is not rescanned from each occurrence.
 */
const FIELD = String.raw`build\.pull_request\.[a-z_]{1,32}(?:\.[a-z_]{1,32})?`;
const PR_TESTS = [
  /\bbuild\.pull_request\.id\s*!=\s*(null|nil)\b/g,
  new RegExp(String.raw`\b${FIELD}\s*(==|=~)\s*(["'/]|true\b|\d)`, "g"),
  new RegExp(String.raw`\b${FIELD}\s*!=\s*(["']|false\b)`, "g"),
];
/** True only on pull requests someone with triage access labelled. */
const LABEL_TEST = /\bbuild\.pull_request\.labels\s+includes\b/g;
const SOURCE = /\bbuild\.source\s*==\s*["'](ui|api|webhook|trigger_job|schedule)["']/g;

/**
 * How a condition lets pull-request builds in: `pull-request` (any pull request), `label`
 * (only one a maintainer labelled — `build.pull_request.labels includes "…"`), or `none`
 * (nothing in the condition names pull requests positively; the step may still run on them).
 */
export type PullRequestGate = "pull-request" | "label" | "none";

/** A match right after `!` or `!(` is negated: it admits the builds that are not pull requests. */
function negated(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && (text[i] === " " || text[i] === "(")) i--;
  return text[i] === "!";
}

function positive(text: string, re: RegExp): boolean {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) if (!negated(text, m.index)) return true;
  return false;
}

export function pullRequestGate(condition: string): PullRequestGate {
  if (PR_TESTS.some((re) => positive(condition, re))) return "pull-request";
  return positive(condition, LABEL_TEST) ? "label" : "none";
}

/** `build.source == "schedule"` and the like: the build sources a condition names. */
export function buildSources(condition: string): string[] {
  const out = new Set<string>();
  SOURCE.lastIndex = 0;
  for (let m = SOURCE.exec(condition); m !== null; m = SOURCE.exec(condition)) if (m[1] !== undefined) out.add(m[1]);
  return [...out];
}
