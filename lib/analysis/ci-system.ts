// Which CI system a file belongs to — the one place that decides, for the CLI, the sync and
// the worker pool alike. Pure: path and text only. Every pattern here is linear (anchored
// lines, no nested quantifiers), since the text comes from repositories we do not control.

export const CI_SYSTEMS = ["github-actions", "buildkite", "tekton"] as const;
export type CiSystem = (typeof CI_SYSTEMS)[number];

/** What a file is to the analysis: a pipeline of one system, a local action manifest, or nothing. */
export type FileKind = CiSystem | "action" | null;

const ACTION_FILE = /(^|\/)action\.ya?ml$/;
const IN_WORKFLOWS_DIR = /(^|\/)\.github\/workflows\/[^/]+$/;
const YAML = /\.ya?ml$/i;
const IN_BUILDKITE_DIR = /(^|\/)\.buildkite\//;
const BUILDKITE_NAME = /(^|\/)buildkite\.ya?ml$/i;
/** Pipelines-as-Code's and Lighthouse's directories: what the sync fetches for Tekton. */
const IN_TEKTON_DIR = /(^|\/)\.(tekton|lighthouse)\//;
const TOP_LEVEL_JOBS = /^["']?jobs["']?\s*:/m;
const TOP_LEVEL_RUNS = /^["']?runs["']?\s*:/m;
const TOP_LEVEL_ON = /^["']?(on|true)["']?\s*:/m;
const TOP_LEVEL_STEPS = /^["']?steps["']?\s*:/m;
/** A top-level sequence whose first item is a Buildkite step (`- command:`, `- label:`, `- wait`…). */
const TOP_LEVEL_STEP_ITEM = /^- ["']?(command|commands|label|key|wait|block|input|trigger|group|plugins|name)\b/m;
// Tekton documents may sit at the top level, as items of a `kind: List` (`- apiVersion: …`) or
// inside a TriggerTemplate's `resourcetemplates` (indented): leading blanks and one `- ` are
// allowed. `[ \t]*` is followed by `-`, a quote or a letter, never by more blanks, so a line of
// spaces is scanned once.
const TEKTON_API = /^[ \t]*(?:-[ \t]+)?["']?apiVersion["']?[ \t]*:[ \t]*["']?tekton\.dev\/v[0-9a-z]+["']?[ \t]*\r?$/m;
const TEKTON_KIND = /^[ \t]*(?:-[ \t]+)?["']?kind["']?[ \t]*:[ \t]*["']?(PipelineRun|Pipeline|TaskRun|Task|ClusterTask|StepAction)["']?[ \t]*\r?$/m;
/** Pipelines-as-Code's Repository CRD, Lighthouse's TriggerConfig, Tekton Triggers' EventListener and Trigger (what starts a TriggerTemplate's runs). */
const TEKTON_CONFIG = [
  [/^["']?apiVersion["']?[ \t]*:[ \t]*["']?triggers\.tekton\.dev\/v[0-9a-z]+["']?[ \t]*\r?$/m, /^["']?kind["']?[ \t]*:[ \t]*["']?(EventListener|Trigger)["']?[ \t]*\r?$/m],
  [/^["']?apiVersion["']?[ \t]*:[ \t]*["']?pipelinesascode\.tekton\.dev\/v[0-9a-z]+["']?[ \t]*\r?$/m, /^["']?kind["']?[ \t]*:[ \t]*["']?Repository["']?[ \t]*\r?$/m],
  [/^["']?apiVersion["']?[ \t]*:[ \t]*["']?config\.lighthouse\.jenkins-x\.io\/v[0-9a-z]+["']?[ \t]*\r?$/m, /^["']?kind["']?[ \t]*:[ \t]*["']?TriggerConfig["']?[ \t]*\r?$/m],
] as const;

/**
 * Where the sync looks for other systems' pipelines in a repository (the GitHub fetch's tree
 * expressions, lib/github/fetch/graphql-query.ts): a push touching one of these re-syncs it.
 */
export const SYNCED_PIPELINE_PLACES = /^(\.buildkite\/|buildkite\.ya?ml$|\.tekton\/|\.lighthouse\/)/;

const SYNCED_GITHUB_FILE = /^\.github\/(workflows\/[^/]+|actions\/.+\/action)\.ya?ml$/;

/** The files of a repository the sync analyses: GitHub workflows and local actions, and YAML in the other systems' places. */
export function isSyncedFile(path: string): boolean {
  return SYNCED_GITHUB_FILE.test(path) || (SYNCED_PIPELINE_PLACES.test(path) && YAML.test(path));
}

function decode(content: string | Uint8Array): string {
  return typeof content === "string" ? content : new TextDecoder("utf-8", { fatal: false }).decode(content);
}

/**
 * A local action manifest rather than a workflow. GitHub runs every YAML file directly inside
 * `.github/workflows/` as a workflow, whatever its name, so `action.yml` there is a workflow.
 * A bare `action.yml` (a scan of the workflows directory itself, or of one file) is a workflow
 * when its text has a top-level `jobs:` and no top-level `runs:`.
 */
export function isActionFile(path: string, content?: string | Uint8Array): boolean {
  if (!ACTION_FILE.test(path) || IN_WORKFLOWS_DIR.test(path)) return false;
  if (path.includes("/") || content === undefined) return true;
  const text = decode(content);
  return !(TOP_LEVEL_JOBS.test(text) && !TOP_LEVEL_RUNS.test(text));
}

/**
 * Tekton resources: any YAML whose documents are `tekton.dev` kinds (PipelineRun, Pipeline,
 * TaskRun, Task, ClusterTask, StepAction — also as `List` items or a TriggerTemplate's resource
 * templates), wherever it lies; and the configuration that says when and how they run:
 * Pipelines-as-Code's `Repository` (group `pipelinesascode.tekton.dev`) and Lighthouse's
 * `TriggerConfig` (`.lighthouse/<name>/triggers.yaml`). Which documents count is decided again,
 * exactly, when the file is read (tekton/read.ts): a match here that holds none is no pipeline.
 */
export function looksLikeTekton(text: string): boolean {
  if (TEKTON_API.test(text) && TEKTON_KIND.test(text)) return true;
  return TEKTON_CONFIG.some(([api, kind]) => api.test(text) && kind.test(text));
}

/** A step item as the first thing of a list: `- label:`, `- command:`, `- wait`… (any indentation). */
const STEP_ITEM = /^[ \t]*- ["']?(command|commands|label|key|wait|waiter|block|input|trigger|group|plugins|name)\b/;
/** The same, without the keys other CI systems' steps start with too (`name`, `key`, `plugins`). */
const BUILDKITE_ONLY_ITEM = /^[ \t]*- ["']?(command|commands|label|wait|waiter|block|input|trigger|group)\b/;
const STEPS_LINE = /^["']?steps["']?[ \t]*:[ \t]*(#.*)?$/m;
const TOP_LEVEL_KIND = /^["']?kind["']?\s*:/m;
/** How many lines are looked at for the first content line (comments and blank lines skipped). */
const SCAN_LINES = 200;

/** The first line from `from` that is neither blank, a comment nor a document marker; null when none nearby. */
function firstContentLine(text: string, from: number): string | null {
  let pos = from;
  for (let n = 0; n < SCAN_LINES && pos < text.length; n++) {
    const end = text.indexOf("\n", pos);
    const line = text.slice(pos, end < 0 ? text.length : end);
    const trimmed = line.trim();
    if (trimmed !== "" && !trimmed.startsWith("#") && trimmed !== "---") return line;
    if (end < 0) return null;
    pos = end + 1;
  }
  return null;
}

/**
 * A Buildkite pipeline's shape: a top-level `steps:` (and no `jobs:`), a top-level list of
 * steps, or a file that starts with a list of steps at any indentation (a fragment a script
 * concatenates before `pipeline upload`).
 */
export function looksLikeBuildkite(text: string): boolean {
  if (TOP_LEVEL_JOBS.test(text)) return false;
  if (TOP_LEVEL_STEPS.test(text) || TOP_LEVEL_STEP_ITEM.test(text)) return true;
  const first = firstContentLine(text, 0);
  return first !== null && STEP_ITEM.test(first);
}

/**
 * A Buildkite pipeline outside the usual places (`ci/workflows/`, `.expeditor/`…): a top-level
 * `steps:` whose first step starts with a key only Buildkite steps have first (`label`,
 * `command`, `group`, `wait`, `block`, `trigger`…), in a file with no `jobs:`, `on:` or `kind:`
 * — Azure Pipelines, Drone, Woodpecker and Cloud Build steps start otherwise.
 */
function looksLikeBuildkiteAnywhere(text: string): boolean {
  if (TOP_LEVEL_JOBS.test(text) || TOP_LEVEL_ON.test(text) || TOP_LEVEL_KIND.test(text)) return false;
  const steps = STEPS_LINE.exec(text);
  if (steps === null) return false;
  const first = firstContentLine(text, steps.index + steps[0].length + 1);
  return first !== null && BUILDKITE_ONLY_ITEM.test(first);
}

/** A GitHub Actions workflow's shape, for YAML found outside `.github/workflows/`. */
function looksLikeWorkflow(text: string): boolean {
  return TOP_LEVEL_JOBS.test(text) || (TOP_LEVEL_ON.test(text) && !TOP_LEVEL_STEPS.test(text));
}

/**
 * What a file found in a repository or a scanned tree is.
 * - `.github/workflows/*` (directly inside) is a GitHub Actions workflow, whatever it holds.
 * - `action.yml` elsewhere is a local action manifest (see `isActionFile`).
 * - Tekton resources are recognised by content anywhere (`apiVersion: tekton.dev/…` and a
 *   Tekton kind, or a Pipelines-as-Code Repository / Lighthouse TriggerConfig / Tekton Triggers EventListener or Trigger, see
 *   `looksLikeTekton`), so Pipelines-as-Code's `.tekton/` and Lighthouse's `.lighthouse/` alike;
 *   other YAML in those two directories is nothing.
 * - Buildkite pipelines by place and shape: YAML under `.buildkite/` at any depth, or named
 *   `buildkite.yml`, that has a pipeline's shape (a `docker-compose.yml` beside it is nothing);
 *   elsewhere, YAML whose top-level `steps:` start as only Buildkite steps do (`ci/workflows/`,
 *   Chef's `.expeditor/`, a `buildkite/` directory).
 * - Other YAML is a GitHub workflow when it has a workflow's shape (`jobs:`); else nothing.
 * `explicit` is a file the user named: it is analysed whatever its shape (a Buildkite
 * pipeline if it has that shape, else a workflow, so a broken one still gets its error).
 */
export function fileKindOf(path: string, content: string | Uint8Array, explicit = false): FileKind {
  if (IN_WORKFLOWS_DIR.test(path)) return YAML.test(path) || explicit ? "github-actions" : null;
  if (isActionFile(path, content)) return "action";
  if (!YAML.test(path) && !explicit) return null;
  const text = decode(content);
  if (looksLikeTekton(text)) return "tekton";
  if (IN_TEKTON_DIR.test(path)) return null;
  const buildkitePlace = IN_BUILDKITE_DIR.test(path) || BUILDKITE_NAME.test(path);
  if ((buildkitePlace || explicit) && looksLikeBuildkite(text)) return "buildkite";
  if (buildkitePlace) return null;
  if (!explicit && looksLikeBuildkiteAnywhere(text)) return "buildkite";
  if (explicit || looksLikeWorkflow(text)) return "github-actions";
  return null;
}
