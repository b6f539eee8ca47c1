import type { Decision } from "./decision";
import type { JobVerdict } from "./evaluate-job";
import type { Reference } from "./match";
import type { OutsiderVerdicts } from "./outsiders";
import { display, type Sym } from "./symbolic";
import { trustRule, type TrustRuleId } from "./catalog";
import type { Trust, TrustFinding } from "./types";

// The findings of one trust, from its verdicts against our jobs, against synthetic runs of
// our repository, and against other repositories' tokens.

export interface FindingInput {
  trust: Trust;
  repo: string;
  owner: string;
  jobs: { verdict: JobVerdict; reference: Reference }[];
  outsiders: OutsiderVerdicts;
  /** A pull_request run of our repository with no environment (any workflow file). */
  pullRequestRun: Decision;
  /** A push run of our repository on any branch, with no environment. */
  unprotectedRun: Decision;
  /** Our matching runs and the synthetic ones, with GitHub's default audience instead. */
  defaultAudience: { decision: Decision; audience: Sym };
  expectedAudience: Sym;
  /** Google Cloud: the grants naming the provider's pool, when read. */
  poolBindings: readonly string[] | null;
}

const LABEL: Record<Trust["provider"], string> = { aws: "AWS role", gcp: "Google Cloud provider", azure: "Entra federated credential", vault: "Vault role" };
const MAX_LISTED = 5;

export function trustLabel(trust: Trust): string {
  return `${LABEL[trust.provider]} ${trust.name}`;
}

function listJobs(names: string[]): string {
  const shown = names.slice(0, MAX_LISTED).join(", ");
  return names.length > MAX_LISTED ? `${shown} and ${names.length - MAX_LISTED} more` : shown;
}

function jobName(v: JobVerdict): string {
  return `${v.job.path}:${v.job.job}`;
}

export function trustFindings(input: FindingInput): TrustFinding[] {
  const { trust, outsiders, jobs } = input;
  const label = trustLabel(trust);
  const out: TrustFinding[] = [];
  const add = (id: TrustRuleId, message: string): void => {
    out.push({ rule: id, severity: trustRule(id).severity, message });
  };
  if (outsiders.anyRepository) add("trust-any-repository", `${label} accepts tokens from any GitHub repository: nothing in it pins the owner or the repository.`);
  if (outsiders.wildcardOwner !== null) add("trust-wildcard-owner", `${label} accepts tokens from owners other than ${input.owner}, for example ${outsiders.wildcardOwner}.`);
  if (!outsiders.anyRepository && outsiders.wildcardRepo !== null) add("trust-wildcard-repo", `${label} accepts tokens from other repositories of ${input.owner} (${outsiders.wildcardRepo}), not only ${input.repo}.`);

  const prJobs = jobs.filter((j) => j.verdict.variants.some((v) => v.decision !== "no" && v.variant.context.event.startsWith("pull_request")));
  if (prJobs.length > 0) {
    const sure = prJobs.some((j) => j.verdict.variants.some((v) => v.decision === "yes" && v.variant.context.event.startsWith("pull_request")));
    add("trust-pull-request", `${label} ${sure ? "accepts" : "may accept"} pull-request tokens of ${listJobs(prJobs.map((j) => jobName(j.verdict)))}.`);
  } else if (input.pullRequestRun === "yes") {
    add("trust-pull-request", `${label} accepts the token of any pull_request workflow in ${input.repo}, which anyone with write access can add.`);
  }

  const broader = jobs.filter((j) => j.verdict.decision !== "no" && j.reference === "no");
  if (broader.length > 0) {
    add("trust-broader-than-use", `${broader.length} job(s) can get a token ${label} accepts without using it: ${listJobs(broader.map((j) => `${jobName(j.verdict)} (${j.verdict.decision})`))}.`);
  }

  if (outsiders.nameBased) add("trust-name-based", `${label} trusts ${input.repo} by name only: a re-created owner or repository with that name, and new ids, would be accepted.`);

  const users = jobs.filter((j) => j.reference === "yes");
  const deploys = /prod/i.test(`${trust.name} ${trust.id}`) || users.some((j) => j.verdict.job.model?.environment != null || j.verdict.job.model?.phase === "deploy");
  if (deploys && input.unprotectedRun !== "no") {
    add("trust-no-environment", `${label} does not require an environment: a run of ${input.repo} without one ${input.unprotectedRun === "yes" ? "can" : "may"} assume it.`);
  }

  if (trust.provider !== "vault" && input.defaultAudience.decision !== "no") {
    add("trust-audience-default", `${label} accepts GitHub's default audience ${display(input.defaultAudience.audience)} instead of requiring ${display(input.expectedAudience)}.`);
  }

  if (trust.provider === "gcp" && trust.disabled && input.poolBindings !== null && input.poolBindings.length > 0) {
    add("trust-disabled-provider-still-bound", `${label} is disabled, but its pool still grants ${listJobs([...input.poolBindings])}.`);
  }

  if (jobs.every((j) => j.verdict.decision === "no")) add("trust-unused", `No job in the given workflows can get a token ${label} accepts.`);
  return out;
}
