import type { TriggerFilter, WorkflowModel } from "../analysis/types";
import { cat, hole, lit, NO_COLON, SEGMENT, type Sym } from "./symbolic";

// What a run of a workflow looks like to the token service, per trigger: the event name,
// the ref the run is on, and whether the `sub` takes the pull-request context. Filters
// narrow the refs; anything a filter or trigger leaves open stays an unknown part.

export interface RunContext {
  event: string;
  ref: Sym;
  refType: Sym;
  /** Whether the default `sub` context is `pull_request` (instead of `ref:…`): yes, no, or unknown. */
  pullRequest: "yes" | "no" | "unknown";
  baseRef: Sym;
  headRef: Sym;
}

export interface RefSettings {
  /** The repository's default branch, when known. */
  defaultBranch: string | null;
}

/** Events whose runs use the last commit on the default branch. */
const DEFAULT_BRANCH_EVENTS = new Set([
  "schedule",
  "issues",
  "issue_comment",
  "discussion",
  "discussion_comment",
  "fork",
  "watch",
  "label",
  "milestone",
  "project",
  "project_card",
  "project_column",
  "public",
  "gollum",
  "page_build",
  "status",
  "check_run",
  "check_suite",
  "workflow_run",
  "repository_dispatch",
  "branch_protection_rule",
  "delete",
  "member",
]);

/** Events that can run on any branch or tag the person starting them picks. */
const ANY_REF_EVENTS = new Set(["workflow_dispatch", "create", "deployment", "deployment_status", "registry_package"]);

/**
 * Pull-request events other than `pull_request`: GitHub's documentation names the
 * `pull_request` context only for "a pull request event" without listing which, so
 * both contexts stay possible (cloud-trust.md §7.1).
 */
const PR_LIKE_EVENTS = new Set(["pull_request_target", "pull_request_review", "pull_request_review_comment"]);

const BRANCH = "branch";
const TAG = "tag";
const EMPTY = lit("");

/**
 * A GitHub filter pattern as a partly known ref name: literal text stays literal, `*` is
 * one path segment, `**` anything; `?`, `+`, `[…]` and escapes end the literal part (the
 * rest is unknown). Over-approximates, which only costs precision.
 */
export function filterPattern(pattern: string, label: string): Sym {
  let out: Sym = [];
  let literal = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") {
      const double = pattern[i + 1] === "*";
      out = cat(out, literal, hole(label, double ? NO_COLON : SEGMENT));
      literal = "";
      if (double) i++;
    } else if (c === "?" || c === "+") {
      // Quantifiers of the previous character: it may be absent or repeated.
      return cat(out, literal.slice(0, -1), hole(label, NO_COLON));
    } else if (c === "[" || c === "\\") {
      return cat(out, literal, hole(label, NO_COLON));
    } else literal += c;
  }
  return cat(out, literal);
}

function refsFor(kind: "heads" | "tags", patterns: string[] | undefined, label: string): Sym[] {
  const positive = (patterns ?? []).filter((p) => !p.startsWith("!"));
  if (patterns === undefined || positive.length === 0) return [cat(`refs/${kind}/`, hole(label, NO_COLON))];
  return positive.map((p) => cat(`refs/${kind}/`, filterPattern(p, label)));
}

function onRef(event: string, ref: Sym, refType: string | null): RunContext {
  return { event, ref, refType: refType === null ? hole("ref type") : lit(refType), pullRequest: "no", baseRef: EMPTY, headRef: EMPTY };
}

function anyRef(event: string): RunContext[] {
  return [onRef(event, refsFor("heads", undefined, BRANCH)[0] as Sym, "branch"), onRef(event, refsFor("tags", undefined, TAG)[0] as Sym, "tag")];
}

function pushContexts(filter: TriggerFilter | undefined): RunContext[] {
  const branchFilter = filter?.branches !== undefined || filter?.branchesIgnore !== undefined;
  const tagFilter = filter?.tags !== undefined || filter?.tagsIgnore !== undefined;
  const out: RunContext[] = [];
  // With only branch (or only tag) filters, pushes of the other kind do not run the workflow.
  if (branchFilter || !tagFilter) for (const r of refsFor("heads", filter?.branches, BRANCH)) out.push(onRef("push", r, "branch"));
  if (tagFilter || !branchFilter) for (const r of refsFor("tags", filter?.tags, TAG)) out.push(onRef("push", r, "tag"));
  return out;
}

function baseBranches(filter: TriggerFilter | undefined): Sym[] {
  const positive = (filter?.branches ?? []).filter((p) => !p.startsWith("!"));
  return positive.length === 0 ? [hole(BRANCH)] : positive.map((p) => filterPattern(p, BRANCH));
}

function pullRequestContexts(event: string, filter: TriggerFilter | undefined): RunContext[] {
  const merge = cat("refs/pull/", hole("number", SEGMENT), "/merge");
  return baseBranches(filter).map((base) => {
    // pull_request_target runs on the base branch; the other pull-request events on the merge ref.
    const ref = event === "pull_request_target" ? cat("refs/heads/", base) : merge;
    return {
      event,
      ref,
      refType: event === "pull_request_target" ? lit("branch") : hole("ref type"),
      pullRequest: event === "pull_request" ? "yes" : "unknown",
      baseRef: base,
      headRef: hole(BRANCH),
    };
  });
}

/** Every kind of run the workflow's triggers can start (none for `workflow_call` alone). */
export function runContexts(workflow: WorkflowModel, settings: RefSettings): RunContext[] {
  const defaultBranch = settings.defaultBranch !== null ? lit(`refs/heads/${settings.defaultBranch}`) : cat("refs/heads/", hole("default branch"));
  const out: RunContext[] = [];
  for (const event of workflow.triggers) {
    const filter = workflow.triggerFilters?.[event];
    if (event === "workflow_call") continue;
    if (event === "push") out.push(...pushContexts(filter));
    else if (event === "pull_request" || PR_LIKE_EVENTS.has(event)) out.push(...pullRequestContexts(event, filter));
    else if (event === "merge_group") out.push(onRef(event, cat("refs/heads/gh-readonly-queue/", hole(BRANCH)), "branch"));
    else if (event === "release") out.push(onRef(event, refsFor("tags", undefined, TAG)[0] as Sym, "tag"));
    else if (DEFAULT_BRANCH_EVENTS.has(event)) out.push(onRef(event, defaultBranch, "branch"));
    else if (ANY_REF_EVENTS.has(event)) out.push(...anyRef(event));
    else out.push(onRef(event, cat("refs/", hole("ref")), null));
  }
  return out;
}
