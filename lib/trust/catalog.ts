import type { Severity } from "../analysis/types";

// The trust rules. Ids are stable; a message names the trust and what was found, the fix
// says what to change. Severity is the rule's, whatever the provider.

export interface TrustRule {
  id: string;
  severity: Severity;
  title: string;
  fix: string;
}

export const TRUST_RULES = [
  {
    id: "trust-any-repository",
    severity: "critical",
    title: "Any GitHub repository can assume this trust",
    fix: "Pin the owner and repository: a subject condition such as repo:OWNER/REPO:environment:NAME, or repository_owner_id and repository_id conditions.",
  },
  {
    id: "trust-any-buildkite-organization",
    severity: "critical",
    title: "Any Buildkite organization can assume this trust",
    fix: "Pin the organization: organization:ORG:pipeline:PIPELINE:… in the subject, or organization_slug and organization_id conditions (Buildkite has one issuer for every organization).",
  },
  {
    id: "trust-wildcard-owner",
    severity: "high",
    title: "Repositories of other owners can assume this trust",
    fix: "Write the owner out in full and close it with '/' (repo:OWNER/…), or require repository_owner_id.",
  },
  {
    id: "trust-wildcard-repo",
    severity: "medium",
    title: "Other repositories of the owner can assume this trust",
    fix: "Name the repository in the subject (repo:OWNER/REPO:…) or require repository_id.",
  },
  {
    id: "trust-pull-request",
    severity: "high",
    title: "Pull-request runs can assume this trust",
    fix: "Require an environment (environment:NAME) or a protected branch ref in the subject, so pull_request runs are refused.",
  },
  {
    id: "trust-broader-than-use",
    severity: "medium",
    title: "Jobs that never use this trust could assume it",
    fix: "Narrow the trust to the jobs that use it (their environment or job_workflow_ref), or remove id-token: write from the others.",
  },
  {
    id: "trust-name-based",
    severity: "medium",
    title: "The trust names the owner and repository, not their ids",
    fix: "Require repository_owner_id and repository_id, or the immutable subject repo:OWNER@ID/REPO@ID, so a re-created account with the same name is refused.",
  },
  {
    id: "trust-no-environment",
    severity: "medium",
    title: "A deployment trust that does not require an environment",
    fix: "Require environment:NAME in the subject (or the environment claim) and protect that environment with required reviewers or deployment branch rules.",
  },
  {
    id: "trust-audience-default",
    severity: "low",
    title: "The trust accepts GitHub's default audience",
    fix: "Require the provider's own audience, so tokens minted for other services are refused.",
  },
  {
    id: "trust-unused",
    severity: "low",
    title: "No job can assume this trust",
    fix: "Delete the trust if nothing needs it; if something should, compare its subject with the repository's format (classic or immutable, default or custom template).",
  },
  {
    id: "trust-disabled-provider-still-bound",
    severity: "medium",
    title: "A disabled Google Cloud provider whose pool still lets principals impersonate service accounts",
    fix: "Remove the pool's roles/iam.workloadIdentityUser bindings nothing needs any more, or disable the pool: the provider's federated tokens already issued keep working while the pool is enabled, and enabling the provider again restores its access.",
  },
] as const satisfies readonly TrustRule[];

export type TrustRuleId = (typeof TRUST_RULES)[number]["id"];

export function trustRule(id: TrustRuleId): TrustRule {
  return TRUST_RULES.find((r) => r.id === id) as TrustRule;
}
