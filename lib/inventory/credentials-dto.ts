// What the Secrets, Identities, Systems and Owners views and their API answer: explicit,
// JSON-safe shapes (dates as ISO strings). No database types leak through here.
import type { CiSystem } from "@/lib/analysis/types";
import type { SecretFlag, SecretScope, SystemGroup } from "./credentials-schema";

export type OwnerSourceDto = "codeowners" | "custom-property" | "admin-team" | "manual";

export interface OwnerRefDto {
  owner: string;
  source: OwnerSourceDto | null;
}

/** One job as the lists show it: where it is, and the line of the reference. */
export interface JobRefDto {
  repository: string;
  workflowPath: string;
  workflowName: string | null;
  /** The workflow page of the job (with #L{line} for the reference's line). */
  workflowId: string;
  jobKey: string;
  line: number;
}

/** The columns the job queries of these views select for one job reference. */
export interface JobRefRow {
  full_name: string;
  path: string;
  workflow_name: string | null;
  workflow_id: string;
  job_key: string;
  line: number;
}

export const toJobRef = (r: JobRefRow): JobRefDto => ({
  repository: r.full_name,
  workflowPath: r.path,
  workflowName: r.workflow_name,
  workflowId: r.workflow_id,
  jobKey: r.job_key,
  line: Number(r.line),
});

export interface Paged<T> {
  rows: T[];
  total: number;
  page: number;
  size: number;
}

export interface SecretListItem {
  /**
   * Secret id; `missing:<repoId>:<NAME>` for a reference to a secret defined nowhere;
   * `external:<repoId>:<system>:<NAME>` for a Buildkite or Tekton pipeline's secret (held by that system).
   */
  key: string;
  kind: "secret" | "missing" | "external";
  /** The CI system holding an external secret; null otherwise. */
  system: CiSystem | null;
  secretName: string;
  scope: SecretScope | null;
  environment: string | null;
  /** The repository of a repo or environment secret, or of a missing reference. */
  repository: string | null;
  visibility: "all" | "private" | "selected" | null;
  selectedCount: number | null;
  /** How many repositories can read it, and some of their names (all of them when few). */
  readableRepoCount: number;
  readableRepos: string[];
  jobCount: number;
  /** The first jobs that reference it (at most JOBS_PER_ROW). */
  jobs: JobRefDto[];
  updatedAt: string | null;
  ageDays: number | null;
  flags: SecretFlag[];
  /** Who rotates it: the repository's owner, or for org secrets the owners of the workflows using it. */
  owners: OwnerRefDto[];
}

export interface IdentityListItem {
  key: string;
  kind: string;
  identifier: string | null;
  symbolic: boolean;
  oidc: boolean;
  /** Secrets the identity is built from (static credentials). */
  secretNames: string[];
  jobCount: number;
  jobs: JobRefDto[];
}

export interface CredentialDto {
  type: "identity" | "secret";
  kind: string | null;
  name: string;
  oidc: boolean;
}

export interface SystemListItem {
  key: string;
  group: SystemGroup;
  kind: string;
  identifier: string | null;
  heuristic: boolean;
  jobCount: number;
  jobs: JobRefDto[];
  credentials: CredentialDto[];
}

export interface OwnedItemDto {
  type: "repository" | "workflow";
  repoId: string;
  repository: string;
  workflowPath: string | null;
  source: OwnerSourceDto | null;
}

export interface OwnedSecretDto {
  secretName: string;
  scope: SecretScope;
  repository: string | null;
  environment: string | null;
  updatedAt: string;
  stale: boolean;
}

export interface OwnerListItem {
  owner: string;
  repositoryCount: number;
  workflowCount: number;
  items: OwnedItemDto[];
  secrets: OwnedSecretDto[];
}

export interface OwnersPage extends Paged<OwnerListItem> {
  unowned: OwnedItemDto[];
  unownedTotal: number;
}

export interface OwnerOverrideDto {
  targetType: "repository" | "workflow";
  repository: string;
  workflowPath: string | null;
  owner: string | null;
  ownerSource: OwnerSourceDto | null;
}
