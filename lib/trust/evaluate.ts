import type { JobModel, WorkflowModel } from "../analysis/types";
import { best, type Decision } from "./decision";
import { buildkiteJobTokens, type BuildkiteSettings } from "./buildkite-jobs";
import { buildkiteOutsideTokens, trustsBuildkiteIssuer } from "./buildkite-outsiders";
import { trustRule } from "./catalog";
import { evaluateJob, type JobVerdict, type MatchContext } from "./evaluate-job";
import { trustFindings, trustLabel } from "./findings";
import { jobTokens, type JobTokens, type TokenSettings } from "./jobs";
import { githubDefaultAudience, jobReference, matchTrust, providerAudience } from "./match";
import { openOutsiderTokens, outsiderVerdicts, witnessSets } from "./outsiders";
import { tokenRepo, type RepoIdentity, type SubjectSettings } from "./subject";
import { hole, lit } from "./symbolic";
import { withClaims } from "./token";
import { TRUST_SCHEMA_VERSION, type Trust, type TrustEntry, type TrustError, type TrustReport } from "./types";

// Every trust against every job of the analysed workflows. Pure: the workflows come from
// lib/analysis, the trusts from load.ts, the rest from the options.

export interface TrustOptions {
  repo: RepoIdentity;
  subject: SubjectSettings;
  /** The `iss` of the tokens (github.com, a GHEC enterprise issuer, GHE.com, or GHES). */
  issuer: string;
  defaultBranch: string | null;
  /** GitHub claims besides aud and sub that AWS STS is known to put in the request context. */
  awsKnownKeys?: readonly string[];
  /** Per Google Cloud trust id, the grants that name its pool (a reader's TrustDetails.permissions); absent = not read. */
  poolBindings?: Readonly<Record<string, readonly string[]>>;
  /** What Buildkite knows of the repository's Buildkite pipeline files: organization and pipeline slugs; absent = unknown. */
  buildkite?: BuildkiteSettings;
}

export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

export function isGhesIssuer(issuer: string): boolean {
  return /\/_services\/token\/?$/.test(issuer);
}

function syntheticJob(id: string, environment: string | null): JobModel {
  return {
    id,
    name: null,
    line: 0,
    permissions: { "id-token": "write" },
    permissionsSource: "job",
    idToken: true,
    environment,
    runsOn: [],
    selfHosted: false,
    secrets: [],
    vars: [],
    identities: [],
    systems: [],
    phase: "verify",
    runsUntrustedCode: false,
    uses: [],
    calls: null,
  };
}

function syntheticWorkflow(path: string, triggers: string[], filters: WorkflowModel["triggerFilters"]): WorkflowModel {
  return { system: "github-actions", root: "", path, name: null, triggers, ...(filters ? { triggerFilters: filters } : {}), untrustedTriggers: [], jobs: [syntheticJob("any", null)], warnings: [] };
}

/** Runs any workflow file of the repository could start: the file, its name and job are unknown. */
function anyWorkflow(jobs: JobTokens[]): JobTokens[] {
  return jobs.map((j) => ({
    ...j,
    job: "<any job>",
    variants: j.variants.map((v) => ({
      ...v,
      alternatives: v.alternatives.map((t) =>
        withClaims(t, { workflow: { v: hole("workflow") }, workflow_ref: { v: hole("workflow_ref") }, job_workflow_ref: { v: hole("job_workflow_ref") } }),
      ),
    })),
  }));
}

export function evaluateTrusts(trusts: Trust[], workflows: WorkflowModel[], options: TrustOptions): TrustEntry[] {
  const ghes = isGhesIssuer(options.issuer);
  const repo = tokenRepo(options.repo);
  const settings: TokenSettings = { repo, subject: options.subject, issuer: options.issuer, defaultBranch: options.defaultBranch };
  const ours = { owner: options.repo.owner, name: options.repo.name, ownerId: options.repo.ownerId, repoId: options.repo.repoId };
  const repoName = `${options.repo.owner}/${options.repo.name}`;
  const ctx: MatchContext = { issuer: options.issuer, aws: { knownKeys: new Set(options.awsKnownKeys ?? []) }, audienceOwner: lit(options.repo.owner) };

  const jobs = [...jobTokens(workflows, settings), ...buildkiteJobTokens(workflows, options.buildkite)];
  const onDefaultBranch = syntheticWorkflow(".github/workflows/<any>.yml", ["push"], { push: { branches: [options.defaultBranch ?? "main"] } });
  const witnesses = witnessSets([...workflows, onDefaultBranch], settings, ours, ghes);
  const open = openOutsiderTokens(options.issuer, ours);
  const pullRequestRuns = anyWorkflow(jobTokens([syntheticWorkflow(".github/workflows/<any>.yml", ["pull_request"], undefined)], settings));
  const unprotectedRuns = anyWorkflow(jobTokens([syntheticWorkflow(".github/workflows/<any>.yml", ["push"], { push: { branches: ["**"] } })], settings));
  const defaultAud = githubDefaultAudience(options.issuer, lit(options.repo.owner));
  const ourBuildkiteAudiences = jobs.filter((j) => j.ownAudience === true).flatMap((j) => j.variants.flatMap((v) => v.alternatives.map((t) => t.claims.aud?.v ?? [])));

  return trusts.map((trust): TrustEntry => {
    const verdicts: JobVerdict[] = jobs.map((j) => evaluateJob(trust, j, ctx));
    const runDecision = (runs: JobTokens[]): Decision => best(runs.map((j) => evaluateJob(trust, j, ctx).decision));
    // Our runs that match, and the synthetic ones, sent with GitHub's default audience instead.
    // GitHub's runs only: a Buildkite token's audience is the one its request names.
    const matching = [...verdicts.filter((v) => v.job.ownAudience !== true), ...pullRequestRuns.map((j) => evaluateJob(trust, j, ctx)), ...unprotectedRuns.map((j) => evaluateJob(trust, j, ctx))]
      .flatMap((v) => v.variants)
      .filter((v) => v.decision !== "no");
    const withDefault = best(matching.map((v) => matchTrust(trust, withClaims(v.token, { aud: { v: defaultAud } }), ctx.aws)));
    const outsiders = outsiderVerdicts(trust, witnesses, open, ctx, ours);
    const findings = trustFindings({
      trust,
      repo: repoName,
      owner: options.repo.owner,
      jobs: verdicts.map((verdict) => ({ verdict, reference: jobReference(trust, verdict.job.model) })),
      outsiders,
      pullRequestRun: runDecision(pullRequestRuns),
      unprotectedRun: runDecision(unprotectedRuns),
      defaultAudience: { decision: withDefault, audience: defaultAud },
      expectedAudience: providerAudience(trust, options.issuer, lit(options.repo.owner)),
      poolBindings: options.poolBindings?.[trust.id] ?? null,
    });
    let outsideTokens = outsiders.outsideTokens;
    if (trustsBuildkiteIssuer(trust)) {
      const orgSlug = options.buildkite?.orgSlug ?? null;
      const others = buildkiteOutsideTokens(trust, orgSlug, ourBuildkiteAudiences, ctx);
      outsideTokens = best([outsideTokens, others]);
      if (others === "yes") {
        const pinned = orgSlug === null ? "" : ` other than ${orgSlug}`;
        findings.unshift({ rule: "trust-any-buildkite-organization", severity: trustRule("trust-any-buildkite-organization").severity, message: `${trustLabel(trust)} accepts Buildkite tokens of any organization${pinned}: nothing in it pins the organization.` });
      }
    }
    return {
      id: trust.id,
      provider: trust.provider,
      name: trust.name,
      matches: verdicts
        .filter((v) => v.decision !== "no")
        .map((v) => ({ repo: repoName, path: v.job.path, job: v.job.job, sub: v.sub, decision: v.decision as "yes" | "possibly", uses: jobReference(trust, v.job.model) })),
      outsideTokens,
      findings,
    };
  });
}

/**
 * The ids of the trusts some analysed job can get a token for (`yes` or `possibly`): the cheap
 * part of evaluateTrusts (no outsider tokens, no synthetic runs, no findings), for a caller that
 * evaluates many repositories and runs the full evaluation only where a trust matches.
 */
export function matchingTrustIds(trusts: Trust[], workflows: WorkflowModel[], options: TrustOptions): Set<string> {
  const settings: TokenSettings = { repo: tokenRepo(options.repo), subject: options.subject, issuer: options.issuer, defaultBranch: options.defaultBranch };
  const ctx: MatchContext = { issuer: options.issuer, aws: { knownKeys: new Set(options.awsKnownKeys ?? []) }, audienceOwner: lit(options.repo.owner) };
  const jobs = [...jobTokens(workflows, settings), ...buildkiteJobTokens(workflows, options.buildkite)];
  return new Set(trusts.filter((trust) => jobs.some((j) => evaluateJob(trust, j, ctx).decision !== "no")).map((t) => t.id));
}

export function trustReport(trusts: TrustEntry[], errors: TrustError[]): TrustReport {
  return { schemaVersion: TRUST_SCHEMA_VERSION, trusts, errors };
}
