import { trustsBuildkite } from "./aws-match";
import { best, type Decision } from "./decision";
import type { MatchContext } from "./evaluate-job";
import { gcpAudiences } from "./gcp-match";
import { matchTrust } from "./match";
import { ANY_CHAR, cat, hole, lit, notName, NO_COLON, UUID_CHARS, type Sym } from "./symbolic";
import { BUILDKITE_ISSUER, isBuildkiteIssuer, type ClaimValue, type Token } from "./token";
import type { Trust } from "./types";

// Buildkite has one issuer for every organization (cloud-trust.md §6.2): a trust that does not
// pin the organization accepts any Buildkite customer's steps. "Other organizations" are one
// set of very open tokens — organization slug not ours (any, when ours is not known), every
// other claim unknown, the default `sub` or one `--subject-claim` id — with each audience the
// trust names or our steps use, or any other: another organization requests what it likes.

/** Does the trust accept tokens of Buildkite's issuer? */
export function trustsBuildkiteIssuer(trust: Trust): boolean {
  switch (trust.provider) {
    case "aws":
      return trustsBuildkite(trust);
    case "gcp":
    case "azure":
      return isBuildkiteIssuer(trust.issuer);
    case "vault":
      return trust.issuer !== undefined && isBuildkiteIssuer(trust.issuer);
  }
}

const CLAIMS = ["pipeline_slug", "build_number", "build_branch", "build_commit", "step_key", "job_id", "agent_id", "build_source", "runner_environment"];
const OPTIONAL = ["build_tag", "organization_id", "pipeline_id", "build_id", "cluster_id", "cluster_name", "queue_id", "queue_key"];

/** Audiences another organization would pick: any it likes, so every one the trust names and ours. */
function audiences(trust: Trust, ours: Sym[]): Sym[] {
  const named: string[] = [];
  if (trust.provider === "aws") for (const s of trust.statements) for (const c of s.conditions) if (/:aud$/i.test(c.key)) named.push(...c.values);
  if (trust.provider === "gcp") named.push(...gcpAudiences(trust));
  if (trust.provider === "azure") named.push(...trust.audiences);
  if (trust.provider === "vault") named.push(...trust.boundAudiences);
  return [...ours, ...named.map(lit), hole("audience", ANY_CHAR)];
}

function openTokens(orgSlug: string | null, aud: Sym): Token[] {
  const org = orgSlug === null ? hole("organization", NO_COLON) : notName(orgSlug, "other organization", (c) => c !== ":");
  const any = (label: string): Sym => hole(label, ANY_CHAR);
  const claims: Record<string, ClaimValue> = { iss: { v: lit(BUILDKITE_ISSUER) }, aud: { v: aud }, organization_slug: { v: org } };
  for (const k of CLAIMS) claims[k] = { v: any(k) };
  for (const k of OPTIONAL) claims[k] = { v: any(k), maybeAbsent: true };
  // `--subject-claim` takes only ids (organization_id, pipeline_id, job_id…): UUIDs.
  const subjects: Sym[] = [cat("organization:", org, ":pipeline:", any("pipeline"), ":ref:", any("ref"), ":commit:", any("commit"), ":step:", any("step key")), hole("subject claim", UUID_CHARS)];
  return subjects.map((sub) => ({ claims: { ...claims, sub: { v: sub } } }));
}

/** Can another Buildkite organization's step get a token the trust accepts? `ours`: the audiences our steps request. */
export function buildkiteOutsideTokens(trust: Trust, orgSlug: string | null, ours: Sym[], ctx: MatchContext): Decision {
  return best(audiences(trust, ours).flatMap((aud) => openTokens(orgSlug, aud).map((t) => matchTrust(trust, t, ctx.aws))));
}
