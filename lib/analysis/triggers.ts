import { entries, get, isString, items, type TemplateToken } from "./tree";
import type { TriggerFilter } from "./types";

// Which events can be started by someone without write access to the repository,
// and which of those also run with the repository's secrets and a write-capable token.

/** Runs for outsiders, with secrets and the base repository's token. */
export const PRIVILEGED_UNTRUSTED = new Set([
  "pull_request_target",
  "workflow_run",
  "issue_comment",
  "issues",
  "discussion",
  "discussion_comment",
  "fork",
  "watch",
]);

/** Runs for outsiders with fork code but without secrets and with a read-only token (fork PRs). */
export const FORK_UNTRUSTED = new Set(["pull_request", "pull_request_review", "pull_request_review_comment"]);

/** Events whose job may execute code a pull request controls once it checks it out. */
export const PR_CODE_EVENTS = new Set(["pull_request_target", "workflow_run", "issue_comment"]);

export function readTriggers(on: TemplateToken | undefined): string[] {
  if (on === undefined) return [];
  if (isString(on)) return [on.value];
  const seq = items(on);
  if (seq.length > 0) return seq.filter(isString).map((t) => t.value);
  return [...entries(on)].map(([k]) => k);
}

/** Activity types only people with triage or write access can cause (labeling, assigning…). */
const MAINTAINER_TYPES = new Set([
  "labeled",
  "unlabeled",
  "assigned",
  "unassigned",
  "milestoned",
  "demilestoned",
  "locked",
  "unlocked",
  "pinned",
  "unpinned",
  "transferred",
  "review_requested",
  "review_request_removed",
  "auto_merge_enabled",
  "auto_merge_disabled",
  "enqueued",
  "dequeued",
  "category_changed",
  "answered",
  "unanswered",
]);

/** `types:` filter per event; null when the event takes its default types. */
export function readTriggerTypes(on: TemplateToken | undefined): Map<string, string[] | null> {
  const out = new Map<string, string[] | null>();
  for (const t of readTriggers(on)) out.set(t, null);
  for (const [event, config] of entries(on)) {
    const types = items(get(config, "types")).filter(isString).map((x) => x.value);
    const single = get(config, "types");
    if (types.length > 0) out.set(event, types);
    else if (single !== undefined && isString(single)) out.set(event, [single.value]);
  }
  return out;
}

export function untrustedTriggers(types: Map<string, string[] | null>): string[] {
  return [...types.entries()]
    .filter(([event, t]) => (PRIVILEGED_UNTRUSTED.has(event) || FORK_UNTRUSTED.has(event)) && (t === null || t.some((x) => !MAINTAINER_TYPES.has(x))))
    .map(([event]) => event);
}

/** Each filter key as written in the workflow, and its field in TriggerFilter. */
const FILTER_KEYS = [
  ["branches", "branches"],
  ["branches-ignore", "branchesIgnore"],
  ["tags", "tags"],
  ["tags-ignore", "tagsIgnore"],
] as const satisfies readonly (readonly [string, keyof TriggerFilter])[];

function strings(token: TemplateToken | undefined): string[] | undefined {
  if (token === undefined) return undefined;
  if (isString(token)) return [token.value];
  return items(token).filter(isString).map((t) => t.value);
}

/** `branches`/`branches-ignore`/`tags`/`tags-ignore` of each trigger that has any, as written. */
export function readTriggerFilters(on: TemplateToken | undefined): Record<string, TriggerFilter> {
  const out: Record<string, TriggerFilter> = {};
  for (const [event, config] of entries(on)) {
    const filter: TriggerFilter = {};
    for (const [key, field] of FILTER_KEYS) {
      const values = strings(get(config, key));
      if (values !== undefined) filter[field] = values;
    }
    if (Object.keys(filter).length > 0) out[event] = filter;
  }
  return out;
}

/** How a workflow's events relate to releases: what cache-poisoning and release rules look at. */
export type ReleaseTrigger = "release" | "tag-push" | "release-branch" | "default-branch";

const DEFAULT_BRANCHES = new Set(["main", "master", "trunk", "*", "**"]);

const patterns = (token: TemplateToken | undefined): string[] => strings(token) ?? [];

/**
 * `release` events; pushes of tags; pushes to branches named like releases; pushes that reach
 * the default branch (main, master, trunk, a wildcard, or no branch filter at all).
 */
export function releaseTriggers(on: TemplateToken | undefined): Set<ReleaseTrigger> {
  const out = new Set<ReleaseTrigger>();
  const events = readTriggers(on);
  if (events.includes("release")) out.add("release");
  if (!events.includes("push")) return out;
  const push = get(on, "push");
  const tags = get(push, "tags") ?? get(push, "tags-ignore");
  const branches = patterns(get(push, "branches"));
  const ignored = get(push, "branches-ignore");
  if (tags !== undefined) out.add("tag-push");
  if (branches.some((b) => b.toLowerCase().includes("release"))) out.add("release-branch");
  const filtered = branches.length > 0 || (tags !== undefined && ignored === undefined);
  if (!filtered || branches.some((b) => DEFAULT_BRANCHES.has(b))) out.add("default-branch");
  return out;
}
