import { expressionRefs } from "../expressions";
import { SCOPES, writeScopes } from "../permissions";
import type { StepModel, StepValue } from "../steps";
import { entries, expressionsIn, get } from "../tree";
import type { Permissions } from "../types";
import type { JobFacts, WorkflowFacts } from "../workflow-model";
import { list, type WorkflowRule } from "./support";
import { couldUseOidc } from "./token";

// token-write-unused: a job granted GITHUB_TOKEN write scopes whose steps are all known not to
// write with it. Heuristic, and conservative by construction:
// - a job is judged only when every step is understood: an action from KNOWN_ACTIONS (with the
//   write scopes it may use), a local composite action whose steps were inlined, or a `run:`
//   script we can read. Any other action, a `docker://` step, an unresolved local action, a
//   reusable-workflow call, or a script that is one expression makes the job unknown: no finding;
// - the token reaching a script (`GITHUB_TOKEN`, `GH_TOKEN`, `github.token`,
//   `secrets.GITHUB_TOKEN` in its text or env, or in the job's or workflow's env, where every
//   script sees it), the `gh` CLI, or a call to the GitHub API makes every scope used: no finding;
// - `contents` is used when a checkout persists the token in .git/config and a script pushes,
//   tags, commits, releases, publishes or deploys (any git remote operation reaches the token);
//   `packages` when a script logs in to or pushes to a registry;
// - `id-token` is id-token-unused's, and `models` has no write level: neither is reported here.

/** Write scopes a well-known action may use with GITHUB_TOKEN (by lower-case `owner/repo[/path]`). */
const KNOWN_ACTIONS: Record<string, readonly string[]> = {
  "actions/checkout": [],
  "actions/cache": [],
  "actions/cache/restore": [],
  "actions/cache/save": [],
  "actions/upload-artifact": [],
  "actions/download-artifact": [],
  "actions/upload-pages-artifact": [],
  "actions/configure-pages": ["pages"],
  "actions/deploy-pages": ["pages"],
  "actions/labeler": ["pull-requests", "issues"],
  "actions/stale": ["issues", "pull-requests", "actions"], // + contents with `delete-branch` (writesOf)
  "actions/dependency-review-action": ["pull-requests"],
  "actions/attest-build-provenance": ["attestations", "packages"],
  "actions/attest": ["attestations", "packages"],
  "actions/attest-sbom": ["attestations", "packages"],
  "step-security/harden-runner": [],
  "docker/setup-buildx-action": [],
  "docker/setup-qemu-action": [],
  "docker/metadata-action": [],
  "docker/login-action": ["packages"],
  "docker/build-push-action": ["packages"],
  "docker/bake-action": ["packages"],
  "github/codeql-action/init": ["security-events"],
  "github/codeql-action/autobuild": [],
  "github/codeql-action/analyze": ["security-events"],
  "github/codeql-action/upload-sarif": ["security-events"],
  "sigstore/cosign-installer": [],
  "anchore/sbom-action/download-syft": [],
  "codecov/codecov-action": [],
  "ossf/scorecard-action": [],
  "zizmorcore/zizmor-action": ["security-events"],
  "aquasecurity/trivy-action": ["contents", "security-events"],
  "anchore/scan-action": [],
  "golang/govulncheck-action": [],
  "actions/create-github-app-token": [],
  "crazy-max/ghaction-upx": [],
  "codecov/test-results-action": [],
  "dtolnay/rust-toolchain": [],
  "swatinem/rust-cache": [],
  "actions-rust-lang/setup-rust-toolchain": [],
  "taiki-e/install-action": [],
  "golangci/golangci-lint-action": [],
  "pnpm/action-setup": [],
  "astral-sh/setup-uv": [],
  "oven-sh/setup-bun": [],
  "denoland/setup-deno": [],
  "ruby/setup-ruby": [],
  "shivammathur/setup-php": [],
  "hashicorp/setup-terraform": [],
  "azure/setup-helm": [],
  "azure/setup-kubectl": [],
  "ko-build/setup-ko": [],
  "go-task/setup-task": [],
  "cachix/install-nix-action": [],
  "google-github-actions/setup-gcloud": [],
  "depot/setup-action": [],
  "microsoft/setup-msbuild": [],
  "softprops/action-gh-release": ["contents"],
  "peter-evans/create-pull-request": ["contents", "pull-requests"],
  "peter-evans/create-or-update-comment": ["issues", "pull-requests"],
  "marocchino/sticky-pull-request-comment": ["pull-requests", "issues"],
};

/** First-party toolchain installers (`actions/setup-node`, `actions/setup-go` …) only read. */
const FIRST_PARTY_SETUP = /^actions\/setup-[a-z]+$/;

function knownWrites(s: StepModel & { uses: string }): readonly string[] | undefined {
  const at = s.uses.indexOf("@");
  const path = (at >= 0 ? s.uses.slice(0, at) : s.uses).toLowerCase();
  const writes = KNOWN_ACTIONS[path] ?? (FIRST_PARTY_SETUP.test(path) ? [] : undefined);
  // actions/stale deletes the branches of the pull requests it closes with `delete-branch`.
  const deletes = s.with["delete-branch"];
  if (path === "actions/stale" && writes !== undefined && deletes !== undefined && deletes.text.trim().toLowerCase() !== "false") return [...writes, "contents"];
  return writes;
}

// Linear: alternations of fixed words, no unbounded repetition next to another.
const TOKEN_NAMES = /\bGITHUB_TOKEN\b|\bGH_TOKEN\b|\bACTIONS_RUNTIME_TOKEN\b/;
const TOKEN_USE = /github\.token|\bgh\b|\bhub\b|api\.github\.com|uploads\.github\.com/i;
const CONTENTS_TEXT = /\bpush\b|--push|\bcommit\b|\btag\b|\brelease|\bpublish|\bdeploy|\bchangesets?\b|\blerna\b|\bghp-import\b|\bgoreleaser\b|\bbump|\bgh-pages\b|\bupload\b|\bremote\b|\bcredential/i;
/** Programs of the repository (make targets, package scripts, script files) a script runs: any may `git push` with the persisted token. */
const PROGRAM_TEXT = /\bgit\b|\bmake\b|\bmage\b|\bjust\b|\btask\b|\brake\b|\bnpm\s+run\b|\byarn\b|\bpnpm\b|\bnpx\b|\bbunx?\b|\bgo\s+run\b|\bcargo\b|\bnox\b|\btox\b|\bgradlew?\b|\bmvnw?\b|\.sh\b|\.py\b|\.ps1\b|\.rb\b|\.m?js\b|\.ts\b|\.\/\w|\bscripts?\//i;
const PACKAGES_TEXT = /\bpush\b|--push|\bpublish|\blogin\b|\bdeploy|ghcr\.io|\.pkg\.github\.com|\bcosign\b|\bgoreleaser\b|\bko\b|\bupload\b|\bcrane\b|\boras\b|\bskopeo\b/i;
const WHOLE_EXPRESSION = /^\s*\$\{\{[^}]*\}\}\s*$/;

function namesToken(v: StepValue): boolean {
  if (TOKEN_NAMES.test(v.text) || TOKEN_USE.test(v.text)) return true;
  return v.exprs.some((e) => {
    const r = expressionRefs(e.expr);
    return r.allSecrets || r.secrets.some((s) => s.toUpperCase() === "GITHUB_TOKEN") || r.paths.includes("github.token");
  });
}

/** The token reaches every script of the job through the job's or the workflow's env (or another job-level key). */
function tokenInJobScope(wf: WorkflowFacts, jobId: string): boolean {
  const scoped = [get(wf.tree, "env")];
  for (const [key, value] of entries(get(get(wf.tree, "jobs"), jobId))) if (key !== "steps" && key !== "permissions") scoped.push(value);
  return scoped.some((t) => t !== undefined && expressionsIn(t).some((e) => namesToken({ text: e.expr, line: e.line, exprs: [e] })));
}

/** actions/checkout leaves GITHUB_TOKEN in the git config (its default), not another token given as `token:`. */
function persistsGithubToken(s: StepModel): boolean {
  if (s.uses === null || !/^actions\/checkout@/i.test(s.uses)) return false;
  if (s.with["persist-credentials"]?.text.trim().toLowerCase() === "false") return false;
  const token = s.with.token;
  return token === undefined || namesToken(token);
}

/** The write scopes the job's steps may use; null when some step is unknown or the token reaches a script. */
function usedWrites(wf: WorkflowFacts, j: JobFacts): Set<string> | null {
  if (j.model.calls !== null || j.steps.length === 0) return null;
  if (tokenInJobScope(wf, j.model.id)) return null;
  const used = new Set<string>();
  const persisted = j.steps.some(persistsGithubToken);
  for (const s of j.steps) {
    if (s.uses !== null) {
      if (s.uses.startsWith("./")) {
        // Known only when inlined: its steps follow with the same index and are judged themselves.
        if (!j.steps.some((x) => x.index === s.index && x.origin !== null)) return null;
        continue;
      }
      const writes = knownWrites({ ...s, uses: s.uses });
      if (writes === undefined) return null;
      writes.forEach((w) => used.add(w));
      continue;
    }
    if (s.run === null) return null;
    if (WHOLE_EXPRESSION.test(s.run.text) || namesToken(s.run) || Object.values(s.env).some(namesToken)) return null;
    if (persisted && (CONTENTS_TEXT.test(s.run.text) || PROGRAM_TEXT.test(s.run.text))) used.add("contents");
    if (PACKAGES_TEXT.test(s.run.text)) used.add("packages");
  }
  return used;
}

/**
 * The `permissions:` block that keeps what the job uses: from a map, unused writes become read
 * (reads still work) and `none` entries and an id-token no step can use go; from write-all or a
 * write default (which lists every scope), contents: read plus the writes used.
 */
function narrowedPermissions(p: Permissions, unused: string[], idToken: boolean, fromDefault: boolean): string {
  const parts: string[] = [];
  if (p !== null && typeof p === "object" && !fromDefault) {
    for (const [scope, level] of Object.entries(p)) {
      if (level === "none" || (scope === "id-token" && !idToken)) continue;
      parts.push(`${scope}: ${unused.includes(scope) ? "read" : level}`);
    }
  } else {
    const kept = writeScopes(p).filter((s) => !unused.includes(s) && s !== "id-token" && s !== "models");
    if (!kept.includes("contents")) parts.push("contents: read");
    for (const s of kept) parts.push(`${s}: write`);
    if (idToken) parts.push("id-token: write");
  }
  return `permissions: { ${parts.join(", ")} }`;
}

const REPORTED: ReadonlySet<string> = new Set(SCOPES.filter((s) => s !== "id-token" && s !== "models"));

export const tokenWriteUnused: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    const granted = writeScopes(j.model.permissions).filter((s) => REPORTED.has(s));
    if (granted.length === 0) continue;
    const used = usedWrites(wf, j);
    if (used === null) continue;
    const unused = granted.filter((s) => !used.has(s));
    if (unused.length === 0) continue;
    const p = j.model.permissions;
    const source = j.model.permissionsSource;
    const grant = p === "write-all" ? "`permissions: write-all`" : source === "default" ? "the repository's read/write default GITHUB_TOKEN" : `GITHUB_TOKEN write on ${unused.join(", ")}${source === "workflow" ? " (from the workflow's permissions)" : ""}`;
    const what = p === "write-all" || source === "default" ? `, and none of its steps writes with ${list(unused, 3)}` : ", which none of its steps uses";
    const block = narrowedPermissions(p, unused, j.model.idToken && couldUseOidc(j), source === "default");
    emit({
      rule: "token-write-unused",
      line: source === "job" ? (j.permissionsLine ?? j.model.line) : source === "workflow" ? (wf.workflowPermissionsLine ?? j.model.line) : j.model.line,
      job: j.model.id,
      message: `job ${j.model.id} holds ${grant}${what} (its steps are known actions and scripts that never use the token) [heuristic]`,
      fix: `Set \`${block}\` on job ${j.model.id}: it never writes with GITHUB_TOKEN on ${unused.join(", ")}.`,
    });
  }
};
