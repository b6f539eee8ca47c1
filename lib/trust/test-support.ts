import { awsFromGetRole } from "./parse-aws";
import { lit } from "./symbolic";
import type { ClaimValue, Token } from "./token";
import type { AwsTrust } from "./types";

// Helpers for the lib/trust tests.

export const GITHUB = "https://token.actions.githubusercontent.com";
export const PROVIDER_ARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

/** A token whose claims are all known, as GitHub would issue it (all claims are strings). */
export function knownToken(claims: Record<string, string>): Token {
  const out: Record<string, ClaimValue> = { iss: { v: lit(GITHUB) } };
  for (const [k, v] of Object.entries(claims)) out[k] = { v: lit(v) };
  return { claims: out };
}

/** A typical push token of acme/app on main, with the given overrides. */
export function pushToken(overrides: Record<string, string> = {}): Token {
  return knownToken({
    sub: "repo:acme/app:ref:refs/heads/main",
    aud: "sts.amazonaws.com",
    repository: "acme/app",
    repository_owner: "acme",
    repository_owner_id: "65",
    repository_id: "74",
    ref: "refs/heads/main",
    ref_type: "branch",
    event_name: "push",
    workflow_ref: "acme/app/.github/workflows/deploy.yml@refs/heads/main",
    job_workflow_ref: "acme/app/.github/workflows/deploy.yml@refs/heads/main",
    runner_environment: "github-hosted",
    ...overrides,
  });
}

/** An IAM role trusting GitHub's provider with these statements (`aws iam get-role` shape). */
export function awsRole(statements: unknown[], name = "deploy"): AwsTrust {
  const [trust] = awsFromGetRole({ Role: { RoleName: name, Arn: `arn:aws:iam::123456789012:role/${name}`, AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: statements } } });
  return trust as AwsTrust;
}

export function allow(condition: Record<string, Record<string, unknown>>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Effect: "Allow", Principal: { Federated: PROVIDER_ARN }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition, ...extra };
}
