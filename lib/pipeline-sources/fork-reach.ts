import { parse } from "yaml";
import type { JobModel } from "@/lib/analysis/types";
import type { BuildkiteCluster, BuildkitePipeline } from "@/lib/buildkite/types";

// What a fork's pull request reaches in a Buildkite pipeline: which builds happen, which steps
// run in them, on which queue, and which cluster secrets their policies hand out. Conditions
// are scanned, not evaluated; where a test is not understood the answer is "reaches" for steps
// (a finding to check) and "does not admit" for secret policies (JOIN.md, "Fork reach").

/** Comparisons that are false on every fork pull-request build. */
const EXCLUDES_FORKS = [
  /\bbuild\.pull_request\.id\s*==\s*(null|nil)\b/,
  /!\s*\(?\s*build\.pull_request\.id\b(?!\s*[=!]=)/,
  /\bbuild\.pull_request\.repository\.fork\s*(==\s*false|!=\s*true)\b/,
  /!\s*\(?\s*build\.pull_request\.repository\.fork\b(?!\s*[=!]=)/,
  /\bbuild\.source\s*==\s*["'](ui|api|schedule|trigger_job)["']/,
];
/** `build.branch == "main"`: false on a fork's prefixed branch (`owner:main`). */
const BRANCH_EQUALS = /\bbuild\.branch\s*==\s*["'][^"':]+["']/;

/** A condition that cannot be true on a fork's pull-request build (a conjunction holding one of EXCLUDES_FORKS). */
function excludesForkBuilds(condition: string, prefixed: boolean): boolean {
  if (/\|\|/.test(condition)) return false;
  return EXCLUDES_FORKS.some((re) => re.test(condition)) || (prefixed && BRANCH_EQUALS.test(condition));
}

/** Fork branches are `owner:branch` unless the pipeline turned the prefix off. */
const prefixesForkBranches = (p: BuildkitePipeline): boolean => p.triggers.settings.prefix_pull_request_fork_branch_names !== false;

/**
 * Whether branch patterns (`main release/*`, `!wip/*`) can admit a fork's branch. With the
 * prefix a fork's branch is `owner:branch`: only a pattern with `:` or starting with `*` matches
 * it. Without it the fork's author names the branch, so any positive pattern can be matched.
 */
function branchesAdmitForks(patterns: string[], prefixed: boolean): boolean {
  const positive = patterns.flatMap((p) => p.split(/\s+/)).filter((p) => p !== "" && !p.startsWith("!"));
  if (positive.length === 0 || !prefixed) return true;
  return positive.some((p) => p.startsWith("*") || p.includes(":"));
}

/** The pipeline builds pull requests from forks at all: the setting, and no filter that turns them away. */
export function buildsForks(p: BuildkitePipeline): boolean {
  if (p.archivedAt !== null || !p.triggers.pullRequests || !p.triggers.pullRequestsFromForks) return false;
  if (p.triggers.filterCondition !== null && excludesForkBuilds(p.triggers.filterCondition, prefixesForkBranches(p))) return false;
  return p.branchFilter === null || branchesAdmitForks([p.branchFilter], prefixesForkBranches(p));
}

/** A command step runs in a fork's pull-request build unless its `if:` or `branches:` keeps it out. */
export function stepRunsForForks(job: JobModel, p: BuildkitePipeline): boolean {
  if (job.stepType !== undefined && job.stepType !== "command") return false;
  if (job.condition !== undefined && excludesForkBuilds(job.condition, prefixesForkBranches(p))) return false;
  return job.branches === undefined || branchesAdmitForks(job.branches, prefixesForkBranches(p));
}

/** The queue a step's agents come from: its own, else the cluster's default (`default` unclustered). */
export function queueOf(job: JobModel, cluster: BuildkiteCluster | null): string {
  if (job.queue !== undefined) return job.queue;
  const fallback = cluster?.queues.find((q) => q.isDefault || q.id === cluster.defaultQueueId);
  return fallback?.key ?? "default";
}

/**
 * The step holds a credential: secrets, an OIDC token, an identity (plugins' included). Not the
 * analyser's `deploy` phase alone: a step on a queue named `deploy` gets that phase by its name.
 */
export function holdsCredentials(job: JobModel): boolean {
  return job.secrets.length > 0 || job.idToken || job.identities.length > 0;
}

/** A credential that reaches a cloud (an OIDC token, a role, a registry login): worse than a secret alone. */
export const assumesIdentity = (job: JobModel): boolean => job.idToken || job.identities.length > 0;

/** What a step holds, for a message: `OIDC token, role arn:…, secrets A, B`. */
export function heldBy(job: JobModel): string {
  const parts: string[] = [];
  if (job.idToken) parts.push("a Buildkite OIDC token");
  const ids = [...new Set(job.identities.filter((i) => i.kind !== "buildkite-oidc").map((i) => (i.id ? `${i.kind} ${i.id}` : i.kind)))];
  if (ids.length) parts.push(ids.join(", "));
  const secrets = [...new Set(job.secrets.map((s) => s.name))];
  if (secrets.length) parts.push(`secret${secrets.length > 1 ? "s" : ""} ${secrets.join(", ")}`);
  return parts.join(", ");
}

const asList = (v: unknown): string[] | null => (typeof v === "string" ? [v] : Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : null);

/**
 * Whether a cluster secret's access policy lets the pipeline's fork builds read it. A policy is a
 * list of rules, any of which admits; a rule admits when each claim it tests does:
 * `pipeline_slug` / `pipeline_id` naming the pipeline, `build_branch` patterns a fork's branch can
 * match. Any other claim (`build_creator`, `build_source`…) is taken as keeping forks out. No
 * policy: every pipeline of the cluster reads it. An unreadable policy admits nothing.
 */
export function policyAdmitsForks(policy: string | null, p: BuildkitePipeline): boolean {
  if (policy === null) return true;
  let rules: unknown;
  try {
    rules = parse(policy);
  } catch {
    return false;
  }
  if (!Array.isArray(rules)) return false;
  return rules.some((rule) => {
    if (rule === null || typeof rule !== "object") return false;
    return Object.entries(rule as Record<string, unknown>).every(([claim, value]) => {
      const list = asList(value);
      if (list === null) return false;
      if (claim === "pipeline_slug") return list.includes(p.slug);
      if (claim === "pipeline_id") return list.includes(p.id);
      if (claim === "build_branch") return branchesAdmitForks(list, prefixesForkBranches(p));
      return false;
    });
  });
}
