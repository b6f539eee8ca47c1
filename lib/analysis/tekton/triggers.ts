import type { TriggerFilter } from "../types";
import { readCel, type CelReading } from "./cel";
import type { Resource } from "./read";
import type { LighthouseJob } from "./repository";
import type { TemplateTrigger } from "./trigger-wiring";

// When a PipelineRun or TaskRun starts, from what the repository says:
// - Pipelines-as-Code annotations: `on-event` ([pull_request, push, incoming]), `on-target-branch`
//   (the base branch of a pull request, the pushed branch or `refs/tags/…`), `on-comment`, and
//   `on-cel-expression`, which takes priority over on-event and on-target-branch.
// - Lighthouse (Jenkins X): the `presubmits` (pull requests) and `postsubmits` (pushes) of a
//   `.lighthouse/*/triggers.yaml` that name the file as their `source`.
// - Tekton Triggers: the EventListeners of the repository that reach the run's TriggerTemplate,
//   with the events their interceptors admit (trigger-wiring.ts); `webhook` when they admit any.
// Anything else is started by whoever creates it in the cluster (kubectl, tkn, a controller, a
// listener kept elsewhere): no trigger is known.

export const PAC = "pipelinesascode.tekton.dev/";

export interface RunTriggers {
  triggers: string[];
  filters: Record<string, TriggerFilter>;
  /** Triggers whose runs execute a pull request's code and definitions (see README: trust). */
  untrusted: string[];
  source: "pipelines-as-code" | "lighthouse" | "tekton-triggers" | null;
  /** tekton-triggers: the EventListeners that start the run. */
  listeners?: string[];
  cel?: { reading: CelReading; line: number };
  /** Line of the annotation (or the run) the triggers come from. */
  line: number;
}

/** `[a, b]`, `"a"`, `["a", 'b']` → its items. */
export function listValue(value: string): string[] {
  return value
    .trim()
    .replace(/^\[/, "")
    .replace(/\]$/, "")
    .split(",")
    .map((s) => s.trim().replace(/^["']/, "").replace(/["']$/, "").trim())
    .filter((s) => s !== "");
}

/**
 * A pull request's events run its code; so does a comment that starts a run on it (`comment`, or
 * GitHub's `issue_comment` behind a Tekton Triggers listener: `/test` on a pull request).
 */
export function isUntrustedEvent(event: string): boolean {
  return event.startsWith("pull_request") || event === "comment" || event === "issue_comment";
}

function filterOf(refs: string[], ignore: string[] = []): TriggerFilter {
  const f: TriggerFilter = {};
  const branches: string[] = [];
  const tags: string[] = [];
  for (const r of refs) {
    if (r.startsWith("refs/tags/")) tags.push(r.slice("refs/tags/".length));
    else branches.push(r.startsWith("refs/heads/") ? r.slice("refs/heads/".length) : r);
  }
  if (branches.length > 0) f.branches = branches;
  if (tags.length > 0) f.tags = tags;
  if (ignore.length > 0) f.branchesIgnore = ignore;
  return f;
}

function pacTriggers(run: Resource): RunTriggers | null {
  const a = (key: string) => run.annotations.get(PAC + key);
  const cel = a("on-cel-expression");
  const onEvent = a("on-event");
  const onComment = a("on-comment");
  if (cel === undefined && onEvent === undefined && onComment === undefined) return null;
  const triggers: string[] = [];
  const filters: Record<string, TriggerFilter> = {};
  let celInfo: RunTriggers["cel"];
  if (cel !== undefined) {
    const reading = readCel(cel.value);
    celInfo = { reading, line: cel.line };
    for (const event of reading.events) {
      triggers.push(event);
      const b = reading.branches[event];
      if (b !== undefined) filters[event] = filterOf(b);
    }
  } else if (onEvent !== undefined) {
    const branches = listValue(a("on-target-branch")?.value ?? "");
    for (const event of listValue(onEvent.value)) {
      triggers.push(event);
      if (branches.length > 0) filters[event] = filterOf(branches);
    }
  }
  if (onComment !== undefined && !triggers.includes("comment")) triggers.push("comment");
  const line = (cel ?? onEvent ?? onComment)?.line ?? run.line;
  return {
    triggers,
    filters,
    untrusted: triggers.filter(isUntrustedEvent),
    source: "pipelines-as-code",
    ...(celInfo !== undefined ? { cel: celInfo } : {}),
    line,
  };
}

const LIGHTHOUSE_EVENT: Record<LighthouseJob["type"], string> = { presubmit: "pull_request", postsubmit: "push", periodic: "schedule" };

function lighthouseTriggers(run: Resource, jobs: LighthouseJob[]): RunTriggers | null {
  if (jobs.length === 0) return null;
  const triggers: string[] = [];
  const filters: Record<string, TriggerFilter> = {};
  for (const job of jobs) {
    const event = LIGHTHOUSE_EVENT[job.type];
    if (!triggers.includes(event)) triggers.push(event);
    if (job.branches.length > 0 || job.skipBranches.length > 0) filters[event] = filterOf(job.branches, job.skipBranches);
  }
  return { triggers, filters, untrusted: triggers.filter(isUntrustedEvent), source: "lighthouse", line: run.line };
}

/** `webhook`: a listener whose interceptors do not look at the event starts the run on any it receives. */
function listenerTriggers(run: Resource, wired: TemplateTrigger[]): RunTriggers | null {
  if (wired.length === 0) return null;
  const triggers = [...new Set(wired.flatMap((w) => w.events ?? ["webhook"]))];
  const listeners = [...new Set(wired.map((w) => w.listener))];
  return { triggers, filters: {}, untrusted: triggers.filter(isUntrustedEvent), source: "tekton-triggers", listeners, line: run.line };
}

export function runTriggers(run: Resource, lighthouse: LighthouseJob[], wired: TemplateTrigger[] = []): RunTriggers {
  return pacTriggers(run) ?? lighthouseTriggers(run, lighthouse) ?? listenerTriggers(run, wired) ?? { triggers: [], filters: {}, untrusted: [], source: null, line: run.line };
}
