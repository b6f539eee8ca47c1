import { hasIdToken, writeScopes } from "../permissions";
import { actionName } from "../steps";
import type { JobFacts } from "../workflow-model";
import { list, type WorkflowRule } from "./support";

export const tokenInheritsDefault: WorkflowRule = (wf, emit, context) => {
  if (context?.defaultWorkflowPermissions !== undefined) return;
  // A called workflow's jobs are capped by the caller's permissions, not the repository default.
  if (wf.model.triggers.length === 1 && wf.model.triggers[0] === "workflow_call") return;
  const inheriting = wf.jobs.filter((j) => j.model.permissionsSource === "default");
  if (inheriting.length === 0) return;
  const ids = inheriting.map((j) => j.model.id);
  emit({
    rule: "token-inherits-default",
    line: inheriting.length === 1 ? (inheriting[0]?.model.line ?? wf.onLine) : wf.onLine,
    job: inheriting.length === 1 ? (ids[0] ?? null) : null,
    message: `GITHUB_TOKEN permissions of job${ids.length > 1 ? "s" : ""} ${list(ids)} are not set at workflow or job level, so they inherit the repository/organisation default (read/write unless restricted)`,
  });
};

export const tokenWriteAtWorkflowLevel: WorkflowRule = (wf, emit) => {
  const p = wf.workflowPermissions;
  if (p === undefined || p === null || typeof p === "string") return;
  const writes = writeScopes(p).filter((s) => s !== "id-token");
  if (writes.length === 0) return;
  const inheriting = wf.jobs.filter((j) => j.model.permissionsSource === "workflow");
  if (inheriting.length === 0) return;
  emit({
    rule: "token-write-at-workflow-level",
    severity: inheriting.length === 1 ? "low" : "medium",
    line: wf.workflowPermissionsLine ?? wf.onLine,
    job: null,
    message: `workflow-level permissions grant GITHUB_TOKEN write on ${writes.join(", ")} to ${inheriting.length === 1 ? "job" : "all jobs"} ${list(inheriting.map((j) => j.model.id))}`,
  });
};

export const tokenBlanket: WorkflowRule = (wf, emit) => {
  const report = (value: unknown, line: number, job: string | null) => {
    if (value !== "read-all" && value !== "write-all") return;
    emit({
      rule: "token-blanket",
      severity: value === "write-all" ? "high" : "low",
      line,
      job,
      message: `\`permissions: ${value}\` gives GITHUB_TOKEN ${value === "write-all" ? "write on every scope, including id-token" : "read on every scope"}${job ? ` in job ${job}` : " to every job without its own block"}`,
    });
  };
  if (wf.jobs.some((j) => j.model.permissionsSource === "workflow")) report(wf.workflowPermissions, wf.workflowPermissionsLine ?? wf.onLine, null);
  for (const j of wf.jobs) if (j.model.permissionsSource === "job") report(j.model.permissions, j.permissionsLine ?? j.model.line, j.model.id);
};

const OIDC_ACTIONS = new Set([
  "aws-actions/configure-aws-credentials",
  "google-github-actions/auth",
  "azure/login",
  "hashicorp/vault-action",
  "pypa/gh-action-pypi-publish",
  "rust-lang/crates-io-auth-action",
  "actions/attest-build-provenance",
  "actions/attest",
  "actions/attest-sbom",
  "sigstore/gh-action-sigstore-python",
  "codecov/codecov-action",
]);

/** Actions known not to request an OIDC token. Anything else might. */
const NO_OIDC_ACTIONS = new Set([
  "actions/checkout",
  "actions/setup-node",
  "actions/setup-python",
  "actions/setup-go",
  "actions/setup-java",
  "actions/setup-dotnet",
  "actions/cache",
  "actions/upload-artifact",
  "actions/download-artifact",
  "actions/labeler",
  "actions/stale",
  "actions/dependency-review-action",
  "docker/setup-buildx-action",
  "docker/setup-qemu-action",
  "docker/metadata-action",
  "dtolnay/rust-toolchain",
  "swatinem/rust-cache",
  "golangci/golangci-lint-action",
  "pnpm/action-setup",
  "astral-sh/setup-uv",
  "actions-rust-lang/setup-rust-toolchain",
]);

const OIDC_SCRIPT = /ACTIONS_ID_TOKEN_REQUEST|\bbun\s+publish|--provenance|\bnpm\s+publish|\bcosign\b|\bgetIDToken\b|\buv\s+publish|\btwine\b|\bgh\s+attestation|\bslsa/i;

/** Some step of the job might request an OIDC token (an unknown action counts). */
export function couldUseOidc(j: JobFacts): boolean {
  if (j.model.calls !== null) return true;
  if (j.model.identities.some((i) => i.oidc)) return true;
  return j.steps.some((s) => {
    if (s.uses !== null) {
      const name = actionName(s.uses);
      if (name === null) return true;
      if (OIDC_ACTIONS.has(name)) return true;
      return !NO_OIDC_ACTIONS.has(name);
    }
    // A script that is itself an expression (`run: ${{ matrix.command }}`) is opaque.
    return s.run !== null && (OIDC_SCRIPT.test(s.run.text) || /^\s*\$\{\{[^}]*\}\}\s*$/.test(s.run.text));
  });
}

export const idTokenAtWorkflowLevel: WorkflowRule = (wf, emit) => {
  const p = wf.workflowPermissions;
  if (p === undefined || p === null || p === "write-all" || !hasIdToken(p)) return;
  const inheriting = wf.jobs.filter((j) => j.model.permissionsSource === "workflow");
  const needless = inheriting.filter((j) => !couldUseOidc(j));
  if (needless.length === 0 || inheriting.length < 2) return;
  emit({
    rule: "id-token-at-workflow-level",
    line: wf.workflowPermissionsLine ?? wf.onLine,
    job: null,
    message: `workflow-level \`id-token: write\` lets job${needless.length > 1 ? "s" : ""} ${list(needless.map((j) => j.model.id))} mint OIDC tokens they do not use`,
  });
};

export const idTokenUnused: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    if (!j.model.idToken || couldUseOidc(j)) continue;
    if (j.model.permissionsSource === "workflow" && wf.jobs.filter((x) => x.model.permissionsSource === "workflow").length > 1) continue;
    emit({
      rule: "id-token-unused",
      line: j.permissionsLine ?? wf.workflowPermissionsLine ?? j.model.line,
      job: j.model.id,
      message: `job ${j.model.id} holds \`id-token: write\` but none of its steps can use an OIDC token`,
    });
  }
};
