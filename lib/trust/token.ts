import type { Sym } from "./symbolic";
import { hole } from "./symbolic";

// An OIDC token as the evaluator sees it: each claim a partly known value; a claim missing
// from `claims` is absent from the token. `maybeAbsent` marks claims GitHub adds only in
// some setups (an enterprise, a custom property), whose presence we cannot tell.

export interface ClaimValue {
  v: Sym;
  maybeAbsent?: boolean;
}

export type Claims = Readonly<Record<string, ClaimValue>>;

export interface Token {
  claims: Claims;
}

/** A claim of the token; `repo_property_*` claims exist only where a property is set, unknown here. */
export function claimOf(token: Token, name: string): ClaimValue | undefined {
  const direct = token.claims[name];
  if (direct !== undefined) return direct;
  if (name.startsWith("repo_property_")) return { v: hole(name), maybeAbsent: true };
  return undefined;
}

export function withClaims(token: Token, changes: Record<string, ClaimValue | undefined>): Token {
  const claims: Record<string, ClaimValue> = { ...token.claims };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete claims[k];
    else claims[k] = v;
  }
  return { claims };
}

/** The one issuer of every Buildkite organization's agent tokens (cloud-trust.md §6.2). */
export const BUILDKITE_ISSUER = "https://agent.buildkite.com";

export function isBuildkiteIssuer(issuer: string): boolean {
  return issuer.replace(/\/+$/, "") === BUILDKITE_ISSUER;
}

/** Claims every GitHub Actions token carries (GitHub's OIDC reference); others are absent or optional. */
export const GITHUB_CLAIMS = [
  "iss",
  "aud",
  "sub",
  "actor",
  "actor_id",
  "base_ref",
  "head_ref",
  "event_name",
  "job_workflow_ref",
  "job_workflow_sha",
  "ref",
  "ref_protected",
  "ref_type",
  "repository",
  "repository_id",
  "repository_owner",
  "repository_owner_id",
  "repository_visibility",
  "run_id",
  "run_number",
  "run_attempt",
  "runner_environment",
  "sha",
  "workflow",
  "workflow_ref",
  "workflow_sha",
  "jti",
] as const;
