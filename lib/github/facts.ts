// What the sync fetches from GitHub, as plain data: the contract between the fetch layer
// (lib/github/fetch/*, network only) and the inventory writer (lib/inventory, database
// only). Dates are ISO strings. Secret values never appear: GitHub does not return them.

export type Visibility = "all" | "private" | "selected";

/**
 * The OIDC subject template as GitHub answers `GET …/actions/oidc/customization/sub` (every
 * field it documents; the organisation's answer has no `use_default`, so it reads as false).
 * A repository's row also carries what applies to it from its organisation (`org`, `ownerId`):
 * the organisation's keys and immutable-subject setting, and its numeric id, with which an
 * immutable `sub` (`repo:OWNER@ID/REPO@ID`) is built.
 */
export interface OidcSubTemplate {
  useDefault: boolean;
  includeClaimKeys: string[];
  /** Absent: GitHub did not say (the repository falls back to its organisation's setting). */
  useImmutableSubject?: boolean;
  /** The repository's current `sub` prefix (`repo:OWNER/REPO` or `repo:OWNER@ID/REPO@ID`): authoritative. */
  subClaimPrefix?: string;
  /** The organisation's template, as read by the same sync (repository rows only). */
  org?: { includeClaimKeys: string[]; useImmutableSubject?: boolean };
  /** The owner's GitHub id (repository rows only). */
  ownerId?: number;
}

export interface OrgSecretFacts {
  name: string;
  createdAt: string;
  updatedAt: string;
  visibility: Visibility;
  /** GitHub ids of the repositories a `selected` secret is shared with; null otherwise. */
  selectedRepositoryIds: number[] | null;
}

export interface OrgVariableFacts extends OrgSecretFacts {
  value: string;
}

export interface RunnerFacts {
  id: number;
  name: string;
  os: string;
  status: string;
  labels: string[];
  /** Runner group id (org runners), null for repository runners. */
  groupId: number | null;
}

export interface RunnerGroupFacts {
  id: number;
  name: string;
  visibility: Visibility;
  allowsPublicRepositories: boolean;
  selectedRepositoryIds: number[] | null;
}

export interface TeamFacts {
  slug: string;
  name: string;
  /** Repository GitHub ids → the team's permission there (admin, maintain, push, triage, pull). */
  repositories: Record<number, string>;
}

export interface OrgFacts {
  login: string;
  /** The organisation's GitHub id (absent when its profile could not be read). */
  githubId?: number;
  name: string | null;
  defaultWorkflowPermissions: "read" | "write" | null;
  canApprovePullRequestReviews: boolean | null;
  oidcSubTemplate: OidcSubTemplate | null;
  secrets: OrgSecretFacts[];
  variables: OrgVariableFacts[];
  runnerGroups: RunnerGroupFacts[];
  runners: RunnerFacts[];
  teams: TeamFacts[];
  /** Repository GitHub id → custom property values. */
  customProperties: Record<number, Record<string, string | string[] | null>>;
  /**
   * Parts GitHub refused or failed to return (e.g. "secrets" without organization_secrets:read);
   * their fields above are empty, not known-empty: keep the previous values for them.
   */
  unavailable: OrgPartError[];
}

/** An organisation of which nothing is known beyond its login (the start of a plan, fixtures). */
export function emptyOrgFacts(login: string, known: Partial<OrgFacts> = {}): OrgFacts {
  return {
    login,
    name: null,
    defaultWorkflowPermissions: "read",
    canApprovePullRequestReviews: null,
    oidcSubTemplate: null,
    secrets: [],
    variables: [],
    runnerGroups: [],
    runners: [],
    teams: [],
    customProperties: {},
    unavailable: [],
    ...known,
  };
}

export interface OrgPartError {
  part: "profile" | "workflowPermissions" | "oidcSubTemplate" | "secrets" | "variables" | "runnerGroups" | "runners" | "teams" | "customProperties";
  kind: string;
  message: string;
}

/** A repository as the org listing shows it: enough to decide what to re-fetch. */
export interface RepoSummary {
  githubId: number;
  name: string;
  fullName: string;
  visibility: "public" | "private" | "internal";
  archived: boolean;
  fork: boolean;
  defaultBranch: string;
  pushedAt: string | null;
}

export interface RepoFile {
  /** Path from the repository root: `.github/workflows/ci.yml`, `.github/actions/x/action.yml`, `CODEOWNERS`. */
  path: string;
  /** Git blob SHA: analysis is cached by it. */
  oid: string;
  /** UTF-8 text; null when the blob is binary or too large to fetch (`skipped` says why). */
  text: string | null;
  skipped?: "binary" | "too-large";
}

export interface SecretFacts {
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface VariableFacts extends SecretFacts {
  value: string;
}

export interface ProtectionRules {
  /** Users and teams who must approve; empty when no review is required. */
  requiredReviewers: { type: "User" | "Team"; login: string }[];
  preventSelfReview: boolean;
  waitTimerMinutes: number;
  /** null: any branch may deploy; otherwise protected branches only or custom patterns. */
  branchPolicy: { protectedBranches: boolean; customBranchPolicies: boolean } | null;
}

export interface EnvironmentFacts {
  name: string;
  protection: ProtectionRules;
  secrets: SecretFacts[];
  variables: VariableFacts[];
}

export interface WorkflowFacts {
  id: number;
  name: string;
  path: string;
  /** active | disabled_manually | disabled_inactivity | deleted … */
  state: string;
}

export interface DeployKeyFacts {
  id: number;
  title: string;
  readOnly: boolean;
  createdAt: string;
}

export interface RepoFacts {
  repo: RepoSummary;
  /** Workflow files, local composite actions (`.github/actions/**`) and CODEOWNERS. */
  files: RepoFile[];
  /** false when files were not requested (not in `filesFor`): `files` is then [] and means "unchanged", not "none". */
  filesFetched: boolean;
  workflows: WorkflowFacts[];
  environments: EnvironmentFacts[];
  secrets: SecretFacts[];
  variables: VariableFacts[];
  defaultWorkflowPermissions: "read" | "write" | null;
  oidcSubTemplate: OidcSubTemplate | null;
  deployKeys: DeployKeyFacts[];
  runners: RunnerFacts[];
  /**
   * Parts deliberately not fetched because nothing in the repository's workflow files or composite
   * actions can use them, one `"<part>: <why>"` each (parts: `SkippablePart`). A skipped part's
   * field is empty (`[]`, `null`) meaning "not asked", not "none": keep or hide the previous value.
   * Absent or [] when everything was fetched. Read it with `isSkipped(facts, part)`.
   */
  skipped?: string[];
}

/**
 * What `fetchRepos` may leave out, and when (lib/github/README.md, "Conditional calls"):
 * - `workflows`, `defaultWorkflowPermissions`, `oidcSubTemplate`, `runners`, `variables`,
 *   `environments.variables`: the repository has no workflow files.
 * - `oidcSubTemplate`: no file grants `id-token: write` (or `write-all`).
 * - `runners` (repository runners): every `runs-on` is a GitHub-hosted image label and no job calls
 *   another repository's reusable workflow.
 * - `defaultWorkflowPermissions`: every workflow file sets top-level `permissions:`, so no job
 *   inherits the default (the facts' null is then not "GitHub said null": don't fall back to the org's).
 * - `variables`, `environments.variables` (values of `vars.X`): no file mentions `vars` and no job
 *   calls another repository's reusable workflow.
 */
export type SkippablePart = "workflows" | "defaultWorkflowPermissions" | "oidcSubTemplate" | "runners" | "variables" | "environments.variables";

export const SKIPPABLE_PARTS: readonly SkippablePart[] = ["workflows", "defaultWorkflowPermissions", "oidcSubTemplate", "runners", "variables", "environments.variables"];

/** Whether `part` was not fetched for this repository (see `RepoFacts.skipped`). */
export function isSkipped(facts: Pick<RepoFacts, "skipped">, part: SkippablePart): boolean {
  return (facts.skipped ?? []).some((s) => s.startsWith(`${part}: `));
}

/** Why a repository could not be fetched, in words an admin can act on. */
export interface RepoFetchError {
  repo: RepoSummary;
  /** e.g. "missing-permission", "not-found", "rate-limited", "server-error", "timeout", "revoked". */
  kind: string;
  message: string;
}

/** Counters of one sync, for sync_runs and the benchmark. */
export interface FetchStats {
  /** HTTP requests sent, including retries and 304s. */
  requests: number;
  /** Requests that cost rate limit (everything but 304s). */
  charged: number;
  notModified: number;
  graphqlPoints: number;
  retries: number;
  /** Time spent waiting on rate limits, in ms. */
  rateLimitWaitMs: number;
}
