import { list, type Emit } from "../rules/support";
import type { JobModel, Severity } from "../types";
import type { StepFacts } from "./step-model";

// The checks of BUILDKITE_RULES (rules/catalog-buildkite.ts) over one file's steps.

/** An hour: the longest an OIDC exchange needs (README "buildkite-oidc-long-lifetime"). */
const MAX_LIFETIME = 3600;

/** What a step holds, in words; empty when nothing. */
export function holdings(job: JobModel): string[] {
  const parts: string[] = [];
  const names = [...new Set(job.secrets.map((s) => s.name))];
  if (names.length > 0) parts.push(`secret${names.length > 1 ? "s" : ""} ${list(names)}`);
  if (job.idToken) parts.push("a Buildkite OIDC token");
  const roles = job.identities.filter((i) => i.kind !== "buildkite-oidc" && i.kind !== "registry-login").map((i) => (i.id !== null ? `${i.kind} ${i.id}` : `an ${i.kind}`));
  if (roles.length > 0) parts.push(list([...new Set(roles)], 2));
  return parts;
}

function holdsCredentials(job: JobModel): boolean {
  return job.secrets.length > 0 || job.idToken || job.identities.length > 0;
}

function oidcAudience(steps: StepFacts[], emit: Emit): void {
  for (const s of steps) {
    for (const r of s.commands.oidc) {
      if (r.audience !== null) continue;
      emit({
        rule: "buildkite-oidc-no-audience",
        line: r.line,
        job: s.model.id,
        message: `step ${s.model.id} requests a Buildkite OIDC token without --audience: the token carries the organization's default audience, accepted by every service set up for it`,
      });
    }
  }
}

function oidcLifetime(steps: StepFacts[], emit: Emit): void {
  for (const s of steps) {
    for (const i of s.model.identities) {
      if (i.kind !== "buildkite-oidc" || i.lifetime === undefined || i.lifetime <= MAX_LIFETIME) continue;
      const hours = Math.round((i.lifetime / 3600) * 10) / 10;
      emit({
        rule: "buildkite-oidc-long-lifetime",
        line: i.line,
        job: s.model.id,
        message: `step ${s.model.id} requests a Buildkite OIDC token valid for ${i.lifetime} s (${hours} h)${i.source === "run" ? "" : ` through ${i.source}`}; the exchange needs minutes`,
      });
    }
  }
}

function isSensitive(job: JobModel): boolean {
  return holdsCredentials(job) || job.phase === "deploy" || job.phase === "publish";
}

/** One finding per plugin reference of the file, at its first use, as severe as its most sensitive step. */
function unpinnedPlugins(steps: StepFacts[], emit: Emit): void {
  const byRef = new Map<string, { pin: string; version: string | null; uses: StepFacts[]; line: number }>();
  for (const s of steps) {
    for (const p of s.plugins) {
      if (p.ref.pin !== "floating" && p.ref.pin !== "version") continue;
      const entry = byRef.get(p.ref.ref) ?? { pin: p.ref.pin, version: p.ref.version, uses: [], line: p.line };
      if (!entry.uses.includes(s)) entry.uses.push(s);
      byRef.set(p.ref.ref, entry);
    }
  }
  for (const [ref, e] of byRef) {
    const sensitive = e.uses.find((s) => isSensitive(s.model));
    const first = sensitive ?? e.uses[0];
    if (first === undefined) continue;
    const severity: Severity = e.pin === "version" ? "low" : sensitive !== undefined ? "high" : "medium";
    const what = e.pin === "version" ? `is pinned to tag ${e.version}, which its owner can move, not to a commit` : e.version === null ? "has no version: every build runs its default branch" : `follows ${e.version}, a branch, not a commit`;
    const steps = e.uses.length > 1 ? ` (${e.uses.length} steps)` : "";
    const held = sensitive !== undefined ? `; step ${sensitive.model.id} holds ${holdings(sensitive.model).join(", ") || `a ${sensitive.model.phase} job's access`}` : "";
    emit({ rule: "buildkite-plugin-unpinned", severity, line: sensitive !== undefined ? (sensitive.plugins.find((p) => p.ref.ref === ref)?.line ?? e.line) : e.line, job: first.model.id, message: `plugin ${ref} ${what}${steps}${held}` });
  }
}

const STATIC_WHAT: Record<string, string> = {
  "aws-access-key": "a static AWS access key",
  "gcp-service-account-key": "a Google service-account key",
  "azure-client-secret": "an Azure client secret",
};

function staticCloudKeys(steps: StepFacts[], emit: Emit): void {
  for (const s of steps) {
    for (const i of s.model.identities) {
      const what = STATIC_WHAT[i.kind];
      if (what === undefined) continue;
      emit({
        rule: "buildkite-static-cloud-key",
        line: i.line,
        job: s.model.id,
        message: `step ${s.model.id} is given ${what} (${list(i.secrets ?? [i.id ?? "?"])}); a Buildkite OIDC token can be exchanged for short-lived credentials instead`,
      });
    }
  }
}

function pipelineUploads(steps: StepFacts[], emit: Emit): void {
  for (const s of steps) {
    for (const u of s.commands.uploads) {
      if (u.untrusted.length > 0) {
        emit({
          rule: "buildkite-pipeline-upload-untrusted",
          line: u.line,
          job: s.model.id,
          message: `step ${s.model.id} uploads steps from ${u.source}, built from ${list(u.untrusted)}: whoever names the branch or writes the commit writes the steps`,
        });
      } else if (s.model.runsUntrustedCode && holdsCredentials(s.model)) {
        emit({
          rule: "buildkite-pipeline-upload-untrusted",
          line: u.line,
          job: s.model.id,
          message: `step ${s.model.id} runs on pull-request builds and uploads steps from ${u.source}, which the pull request controls, while it holds ${holdings(s.model).join(", ")}`,
        });
      }
    }
  }
}

function commandInterpolation(steps: StepFacts[], emit: Emit): void {
  for (const s of steps) {
    const seen = new Set<string>();
    for (const v of s.commands.interpolated) {
      if (seen.has(v.name)) continue;
      seen.add(v.name);
      const exposed = holdsCredentials(s.model) || s.model.runsUntrustedCode;
      emit({
        rule: "buildkite-command-interpolation",
        severity: exposed ? "high" : "medium",
        line: v.line,
        job: s.model.id,
        message: `step ${s.model.id} writes $${v.name} into its command at upload: its text runs as shell${holdsCredentials(s.model) ? ` in a step holding ${holdings(s.model).join(", ")}` : ""}; escape it as $$${v.name}`,
      });
    }
  }
}

function shortCondition(job: JobModel): string {
  const c = (job.condition ?? "?").replace(/\s+/g, " ").trim();
  return c.length > 120 ? `${c.slice(0, 117)}...` : c;
}

function secretsInUntrustedSteps(steps: StepFacts[], emit: Emit): void {
  for (const s of steps) {
    if (!s.model.runsUntrustedCode || !holdsCredentials(s.model)) continue;
    const cond = s.raw.conditions.find((c) => c.text.includes("pull_request"));
    const labelled = s.pullRequests === "label";
    emit({
      rule: "buildkite-secrets-untrusted-step",
      // A label is an approval someone with triage access gives; the code can still change after it.
      severity: labelled ? "medium" : "high",
      line: s.model.secrets[0]?.line ?? s.model.identities[0]?.line ?? cond?.line ?? s.model.line,
      job: s.model.id,
      message: `step ${s.model.id} runs on pull-request builds${labelled ? " once someone labels them" : ""} (if: ${shortCondition(s.model)}) and holds ${holdings(s.model).join(", ")}`,
    });
  }
}

export const BUILDKITE_CHECKS: ReadonlyArray<(steps: StepFacts[], emit: Emit) => void> = [
  oidcAudience,
  oidcLifetime,
  unpinnedPlugins,
  staticCloudKeys,
  pipelineUploads,
  commandInterpolation,
  secretsInUntrustedSteps,
];
