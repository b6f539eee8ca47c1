import "server-only";
import { SKIPPABLE_PARTS, type RepoFile, type SkippablePart } from "../facts";

// Which optional REST calls a repository needs, decided from the text of its workflow files and
// local composite actions (regexes on the text, no YAML parse: a false "needed" costs one request,
// a false "not needed" loses a fact, so every pattern errs towards "needed").
// Invariant: when the text is not known (no files, a file too large or binary) everything is needed.
//
// - OIDC sub template: only a job granted `id-token: write` can mint an OIDC token. The default
//   GITHUB_TOKEN (permissive or restricted) never has id-token, and a called reusable workflow gets
//   at most what its caller's job grants, so the grant is always in this repository's files:
//   `id-token: write` (any quoting, block or flow style) or `write-all`.
// - Repository runners: a job can only land on a repository self-hosted runner through `runs-on`.
//   Skipped when every `runs-on` is one of GitHub's hosted image labels (`ubuntu-latest`,
//   `ubuntu-24.04(-arm)`, `windows-2022`, `macos-15(-large|-xlarge|-intel)` …). `self-hosted`, any
//   other label, an expression (`${{ matrix.os }}`), a `group:`/`labels:` mapping, or a job calling
//   another repository's reusable workflow (its jobs' `runs-on` are not in these files) → needed.
// - Default workflow permissions: a job inherits the repository default only when neither its
//   workflow nor the job sets `permissions:`. Skipped when every workflow file has a top-level
//   `permissions:` key (column 0); a file relying on job-level blocks only still fetches it.
// - Variables (repository and environment): their only use is resolving `vars.X`. Skipped when no
//   file contains the word `vars` and no job calls another repository's reusable workflow (a
//   called workflow reads the caller's `vars`).

export type Skips = ReadonlyMap<SkippablePart, string>;

export const NOTHING_SKIPPED: Skips = new Map();

const WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;
const ACTION = /^\.github\/actions\/(?:[^/]+\/){1,2}action\.ya?ml$/;

/** Files the decisions read: workflow files and local composite actions (not CODEOWNERS). */
export function isDecisionFile(path: string): boolean {
  return WORKFLOW.test(path) || ACTION.test(path);
}

const ID_TOKEN_WRITE = /["']?\bid-token["']?\s*:\s*["']?write\b/;
const WRITE_ALL = /\bwrite-all\b/;
const VARS = /\bvars\b/;
const TOP_LEVEL_PERMISSIONS = /^["']?permissions["']?\s*:/m;
/** `uses: owner/repo/.github/workflows/x.yml@ref` — a reusable workflow of another repository. */
const REMOTE_REUSABLE = /\buses["']?\s*:\s*["']?(?!\.\/)[^\s"'/]+\/[^\s"'/]+\/\.github\/workflows\/[^\s"'@]+@/;
const HOSTED_LABEL = /^(?:ubuntu-(?:latest|slim|\d{2}\.\d{2})(?:-arm)?|windows-(?:latest|\d{4}|11-arm)|macos-(?:latest|\d{2})(?:-(?:large|xlarge|intel))?)$/i;

function unquote(label: string): string {
  return label.trim().replace(/^["']|["']$/g, "").trim();
}

function stripComment(value: string): string {
  const hash = value.search(/(^|\s)#/);
  return hash === -1 ? value : value.slice(0, hash);
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * The label sets of every `runs-on` in `text`; null for a value that cannot be read as labels
 * (expression, `group:` mapping, anything unexpected).
 */
export function runsOnLabels(text: string): (string[] | null)[] {
  const lines = text.split(/\r?\n/);
  const found: (string[] | null)[] = [];
  lines.forEach((line, i) => {
    const re = /["']?\bruns-on["']?\s*:(.*)$/g;
    for (let m = re.exec(line); m !== null; m = re.exec(line)) {
      const rest = stripComment(m[1] ?? "").trim();
      if (rest.includes("${{")) {
        found.push(null);
      } else if (rest === "") {
        // Block value: a `- label` sequence, or a mapping (`group:`, `labels:`) → unknown.
        const keyIndent = indentOf(line);
        const labels: string[] = [];
        let readable = true;
        for (let j = i + 1; j < lines.length; j++) {
          const next = lines[j] ?? "";
          const body = stripComment(next).trim();
          if (body === "") continue;
          if (indentOf(next) <= keyIndent && !body.startsWith("-")) break;
          if (indentOf(next) < keyIndent) break;
          const item = /^-\s+(.*)$/.exec(body);
          if (!item) {
            readable = false;
            break;
          }
          labels.push(unquote(item[1] ?? ""));
        }
        found.push(readable && labels.length > 0 ? labels : null);
      } else if (rest.startsWith("[")) {
        const close = rest.indexOf("]");
        found.push(close === -1 ? null : rest.slice(1, close).split(",").map(unquote).filter((l) => l !== ""));
      } else if (rest.startsWith("{")) {
        found.push(null);
      } else {
        // Scalar; in flow style (`{ runs-on: x, steps: … }`) it ends at `,` or `}`.
        const label = unquote(rest.split(/[,}]/)[0] ?? "");
        found.push(label === "" ? null : [label]);
      }
    }
  });
  return found;
}

function mayUseSelfHosted(text: string): boolean {
  return runsOnLabels(text).some((labels) => labels === null || labels.length === 0 || !labels.every((l) => HOSTED_LABEL.test(l)));
}

/**
 * Parts of one repository that need not be fetched, with the reason. `files` null: the text is
 * not known, nothing is skipped. `hasWorkflows` comes from the GraphQL tree, so it is always known.
 */
export function decideSkips(files: readonly RepoFile[] | null, hasWorkflows: boolean): Map<SkippablePart, string> {
  const skips = new Map<SkippablePart, string>();
  if (!hasWorkflows) {
    const why = "no workflow files";
    for (const part of SKIPPABLE_PARTS) skips.set(part, why);
    return skips;
  }
  if (files === null) return skips;
  const relevant = files.filter((f) => isDecisionFile(f.path));
  const texts: string[] = [];
  for (const f of relevant) {
    if (f.text === null) return skips; // a file we cannot read could ask for anything
    texts.push(f.text);
  }
  const workflows = relevant.filter((f) => WORKFLOW.test(f.path));
  const any = (re: RegExp) => texts.some((t) => re.test(t));
  const callsRemote = any(REMOTE_REUSABLE);

  if (!any(ID_TOKEN_WRITE) && !any(WRITE_ALL)) skips.set("oidcSubTemplate", "no workflow or composite action grants id-token: write");
  if (!callsRemote && !texts.some(mayUseSelfHosted)) skips.set("runners", "every runs-on is a GitHub-hosted label");
  if (workflows.length > 0 && workflows.every((f) => TOP_LEVEL_PERMISSIONS.test(f.text ?? ""))) {
    skips.set("defaultWorkflowPermissions", "every workflow sets top-level permissions, no job inherits the default");
  }
  if (!callsRemote && !any(VARS)) {
    skips.set("variables", "no file mentions vars");
    skips.set("environments.variables", "no file mentions vars");
  }
  return skips;
}

/** `"<part>: <why>"` entries of RepoFacts.skipped, in SKIPPABLE_PARTS order. */
export function describeSkips(skips: Skips): string[] {
  return SKIPPABLE_PARTS.filter((p) => skips.has(p)).map((p) => `${p}: ${skips.get(p) ?? ""}`);
}
