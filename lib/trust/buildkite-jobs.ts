import type { Identity, JobModel, WorkflowModel } from "../analysis/types";
import type { JobTokens, TokenVariant } from "./jobs";
import type { RunContext } from "./refs";
import { cat, DIGITS, hole, lit, NO_COLON, UUID_CHARS, type Sym } from "./symbolic";
import { BUILDKITE_ISSUER, type ClaimValue, type Token } from "./token";

// The tokens a Buildkite step can get with `buildkite-agent oidc request-token` (or a plugin
// that runs it): one per request the analyser found (`buildkite-oidc` identities), per kind of
// build the step runs in. Buildkite's OIDC reference (buildkite/docs pages/agent/cli/reference/oidc.md,
// cloud-trust.md §6): `iss` https://agent.buildkite.com for every organization; `aud` the
// `--audience` given, else `https://buildkite.com/ORGANIZATION_SLUG`; `sub`
// `organization:ORG:pipeline:PIPELINE:ref:REF:commit:SHA:step:KEY` (REF `refs/tags/TAG` for a
// tag build, else `refs/heads/BRANCH`; an empty KEY when the step has none), or the one claim
// `--subject-claim` names. The organization and the pipeline live in Buildkite, not in the
// file: unknown unless given; the commit, ids and agent are always unknown.

export interface BuildkiteSettings {
  /** The Buildkite organization's slug; absent or null: unknown. */
  orgSlug?: string | null;
  /**
   * The pipelines that build the repository; the file runs in one of them, which one is not
   * known (they are alternatives, which must agree). Absent or empty: unknown.
   */
  pipelineSlugs?: readonly string[] | null;
}

/** Optional claims `--claim` adds; every one an id or name Buildkite assigns. */
const OPTIONAL_CLAIMS = ["organization_id", "pipeline_id", "build_id", "cluster_id", "cluster_name", "queue_id", "queue_key"];
const BRANCH_TEST = /^\(?\s*build\.branch\s*==\s*(["'])([^"'\\]*)\1\s*\)?$/;

interface BuildRun {
  context: RunContext;
  branch: Sym;
  tag: Sym | null;
  /** Tag builds depend on a pipeline setting the file does not show. */
  cap: "yes" | "possibly";
}

/** A branch filter pattern (`main`, `release/*`): `*` stands for any run of characters. */
function patternSym(pattern: string): Sym {
  const parts = pattern.split("*");
  return cat(...parts.flatMap((p, i) => (i === 0 ? [p] : [hole("branch", NO_COLON), p])));
}

/** The branches a step runs on: its `branches:` positive patterns, or a plain `build.branch == "x"` conjunct of its `if:`; null = any. */
function branchPatterns(job: JobModel): string[] | null {
  const condition = job.condition;
  if (condition !== undefined && !condition.includes("||")) {
    for (const term of condition.split("&&")) {
      const m = BRANCH_TEST.exec(term.trim());
      if (m !== null) return [m[2] as string];
    }
  }
  // `!pattern` only excludes: leaving it out keeps every branch the step can run on.
  const positive = (job.branches ?? []).flatMap((b) => b.split(/\s+/)).filter((p) => p !== "" && !p.startsWith("!"));
  return positive.length > 0 ? positive : null;
}

function runsOf(job: JobModel): BuildRun[] {
  const patterns = branchPatterns(job) ?? ["*"];
  const context = (ref: Sym, refType: string): RunContext => ({ event: "buildkite", ref, refType: lit(refType), pullRequest: "no", baseRef: [], headRef: [] });
  return patterns.flatMap((p): BuildRun[] => {
    const name = patternSym(p);
    return [
      { context: context(cat("refs/heads/", name), "branch"), branch: name, tag: null, cap: "yes" },
      // A tag build's branch is its tag name, and the filter applies to it.
      { context: context(cat("refs/tags/", name), "tag"), branch: name, tag: name, cap: "possibly" },
    ];
  });
}

/** The step's key as the `sub` shows it (empty: no key), or null when the request replaced the `sub`. */
function stepKey(identity: Identity): string | null {
  const m = /:step:(.*)$/.exec(identity.subject ?? "");
  return m === null ? null : (m[1] as string);
}

function slugOf(value: string | null | undefined, label: string): Sym {
  return value === null || value === undefined || value === "" ? hole(label, NO_COLON) : lit(value);
}

function tokenFor(identity: Identity, run: BuildRun, org: Sym, pipeline: Sym): Token {
  const key = stepKey(identity);
  const commit = hole("commit");
  const claims: Record<string, ClaimValue> = {
    iss: { v: lit(BUILDKITE_ISSUER) },
    aud: { v: identity.audience === undefined ? cat("https://buildkite.com/", org) : identity.audienceSymbolic ? hole("audience") : lit(identity.audience) },
    organization_slug: { v: org },
    pipeline_slug: { v: pipeline },
    build_number: { v: hole("build number", DIGITS) },
    build_branch: { v: run.branch },
    build_commit: { v: commit },
    job_id: { v: hole("job id", UUID_CHARS) },
    agent_id: { v: hole("agent id", UUID_CHARS) },
    build_source: { v: hole("build source") },
    runner_environment: { v: hole("runner environment") },
  };
  if (run.tag !== null) claims.build_tag = { v: run.tag };
  // A step without a key has `step_key: null`, which no condition on a string accepts (read
  // as absent); a request that replaced the `sub` does not show the key (unknown).
  if (key === null) claims.step_key = { v: hole("step key"), maybeAbsent: true };
  else if (key !== "") claims.step_key = { v: lit(key) };
  for (const name of identity.claims ?? []) {
    if (OPTIONAL_CLAIMS.includes(name) || name.startsWith("agent_tag:")) claims[name] = { v: name.endsWith("_id") ? hole(name, UUID_CHARS) : hole(name) };
  }
  const sub =
    identity.subjectClaim !== undefined
      ? (claims[identity.subjectClaim]?.v ?? hole(identity.subjectClaim, UUID_CHARS))
      : cat("organization:", org, ":pipeline:", pipeline, ":ref:", run.context.ref, ":commit:", commit, ":step:", key ?? hole("step key"));
  return { claims: { ...claims, sub: { v: sub } } };
}

/** Every Buildkite step that requests an OIDC token, with the tokens it can get. */
export function buildkiteJobTokens(workflows: WorkflowModel[], settings: BuildkiteSettings | undefined): JobTokens[] {
  const org = slugOf(settings?.orgSlug, "organization");
  const pipelines = (settings?.pipelineSlugs ?? []).filter((s) => s !== "");
  const pipelineSyms = pipelines.length > 0 ? pipelines.map((p) => lit(p)) : [hole("pipeline", NO_COLON)];
  const out: JobTokens[] = [];
  for (const workflow of workflows.filter((w) => w.system === "buildkite")) {
    for (const job of workflow.jobs) {
      const requests = job.identities.filter((i) => i.kind === "buildkite-oidc");
      if (requests.length === 0) continue;
      const variants: TokenVariant[] = requests.flatMap((identity) =>
        runsOf(job).map((run) => ({ context: run.context, cap: run.cap, alternatives: pipelineSyms.map((p) => tokenFor(identity, run, org, p)) })),
      );
      out.push({ path: workflow.path, job: job.id, model: job, variants, cap: "yes", ownAudience: true });
    }
  }
  return out;
}
