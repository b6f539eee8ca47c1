import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { CallInfo, CiSystem, Permissions, PermissionsSource, Phase, UsesRef } from "@/lib/analysis/types";

export type WorkflowToken = "write-all" | "write" | "read" | "default" | "none";
export interface FindingCounts {
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
}
import type { OidcSubTemplate, ProtectionRules } from "@/lib/github/facts";
import { organizations } from "./tenancy";

// The credential inventory. A repository's rows (files, workflows, jobs, references,
// environments, its secrets) are brought to a new snapshot together in one transaction:
// readers see the previous snapshot or the new one, never a mix. Rows are matched to the
// snapshot by natural key and keep their ids across syncs (workflow: repository + path; job:
// workflow + job key; secret: scope + environment + name; environment: repository + name), so a
// link, an export row or an incident's scope still points at the same thing after a re-sync.

const orgRef = () =>
  uuid("org_id")
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

export const repositories = pgTable(
  "repository",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    githubId: bigint("github_id", { mode: "number" }).notNull(),
    name: text("name").notNull(),
    fullName: text("full_name").notNull(),
    visibility: text("visibility").$type<"public" | "private" | "internal">().notNull(),
    archived: boolean("archived").notNull().default(false),
    fork: boolean("fork").notNull().default(false),
    defaultBranch: text("default_branch").notNull(),
    pushedAt: timestamp("pushed_at", { withTimezone: true }),
    /** pushed_at of the snapshot whose files are stored: unchanged → files need no re-fetch. */
    filesPushedAt: timestamp("files_pushed_at", { withTimezone: true }),
    defaultWorkflowPermissions: text("default_workflow_permissions").$type<"read" | "write">(),
    /** The effective default: the repository's own, else the organisation's. */
    effectiveDefaultPermissions: text("effective_default_permissions").$type<"read" | "write">(),
    oidcSubTemplate: jsonb("oidc_sub_template").$type<OidcSubTemplate>(),
    customProperties: jsonb("custom_properties").$type<Record<string, string | string[] | null>>().notNull().default({}),
    deployKeys: jsonb("deploy_keys").$type<{ id: number; title: string; readOnly: boolean; createdAt: string }[]>().notNull().default([]),
    runners: jsonb("runners").$type<{ id: number; name: string; labels: string[]; status: string }[]>().notNull().default([]),
    owner: text("owner"),
    ownerSource: text("owner_source").$type<"codeowners" | "custom-property" | "admin-team" | "manual">(),
    /** Set when the latest sync of this repository failed; the previous snapshot stays. */
    staleReason: text("stale_reason"),
    syncedAt: timestamp("synced_at", { withTimezone: true }),
    removedAt: timestamp("removed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("repository_org_github_uq").on(t.orgId, t.githubId),
    index("repository_org_name_idx").on(t.orgId, t.name),
    // The workflow list's default order (repository, then path), walked a page at a time.
    index("repository_org_full_name_idx").on(t.orgId, t.fullName),
    // The few removed repositories, excluded from counts without scanning every repository.
    index("repository_org_removed_idx").on(t.orgId).where(sql`removed_at is not null`),
  ],
);

export const repoRef = () =>
  uuid("repo_id")
    .notNull()
    .references(() => repositories.id, { onDelete: "cascade" });

/** The files analysed: kept so context changes re-analyse without re-fetching, and to show source. */
export const repoFiles = pgTable(
  "repo_file",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    repoId: repoRef(),
    path: text("path").notNull(),
    oid: text("oid").notNull(),
    text: text("text"),
    skipped: text("skipped"),
  },
  (t) => [uniqueIndex("repo_file_repo_path_uq").on(t.repoId, t.path), index("repo_file_org_idx").on(t.orgId)],
);

export const environments = pgTable(
  "environment",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    repoId: repoRef(),
    name: text("name").notNull(),
    protection: jsonb("protection").$type<ProtectionRules>().notNull(),
    /** Required reviewers or a wait timer or a branch policy. */
    isProtected: boolean("is_protected").notNull(),
  },
  (t) => [uniqueIndex("environment_repo_name_uq").on(t.repoId, t.name), index("environment_org_idx").on(t.orgId)],
);

/** Secrets at every scope. Org secrets have no repo; environment secrets name their environment. */
export const secrets = pgTable(
  "secret",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    repoId: uuid("repo_id").references(() => repositories.id, { onDelete: "cascade" }),
    scope: text("scope").$type<"org" | "repo" | "environment">().notNull(),
    environment: text("environment"),
    name: text("name").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    visibility: text("visibility").$type<"all" | "private" | "selected">(),
    selectedRepoIds: jsonb("selected_repo_ids").$type<number[]>(),
  },
  (t) => [
    index("secret_org_name_idx").on(t.orgId, t.name),
    index("secret_repo_idx").on(t.repoId),
  ],
);

export const variables = pgTable(
  "variable",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    repoId: uuid("repo_id").references(() => repositories.id, { onDelete: "cascade" }),
    scope: text("scope").$type<"org" | "repo" | "environment">().notNull(),
    environment: text("environment"),
    name: text("name").notNull(),
    value: text("value").notNull(),
    visibility: text("visibility").$type<"all" | "private" | "selected">(),
    selectedRepoIds: jsonb("selected_repo_ids").$type<number[]>(),
  },
  (t) => [index("variable_org_name_idx").on(t.orgId, t.name), index("variable_repo_idx").on(t.repoId)],
);

export const workflows = pgTable(
  "workflow",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    repoId: repoRef(),
    /** The CI system the file belongs to (lib/analysis/ci-system.ts): every system's pipeline is a row here. */
    system: text("system").$type<CiSystem>().notNull().default("github-actions"),
    path: text("path").notNull(),
    name: text("name"),
    githubWorkflowId: bigint("github_workflow_id", { mode: "number" }),
    state: text("state"),
    blobOid: text("blob_oid"),
    triggers: jsonb("triggers").$type<string[]>().notNull().default([]),
    untrustedTriggers: jsonb("untrusted_triggers").$type<string[]>().notNull().default([]),
    parseError: text("parse_error"),
    owner: text("owner"),
    ownerSource: text("owner_source").$type<"codeowners" | "custom-property" | "admin-team" | "manual">(),
    // The row's summary, written with it by the snapshot writer from the same analysis and
    // references (never updated apart from them), so the Workflows list reads one table:
    /** Copy of repository.full_name (only the snapshot writer sets either, in one transaction). */
    repoFullName: text("repo_full_name").notNull().default(""),
    /** Lower-cased "repository path name", for `q=` (trigram index). */
    search: text("search").generatedAlwaysAs(sql`lower(repo_full_name || ' ' || path || ' ' || coalesce(name, ''))`),
    /** The highest trust phase of its jobs (null: no jobs), and every phase present. */
    phase: text("phase").$type<Phase>(),
    phases: text("phases").array().$type<Phase[]>().notNull().default(sql`'{}'`),
    /** The broadest GITHUB_TOKEN any job holds (see broadestToken). */
    token: text("token").$type<WorkflowToken>().notNull().default("none"),
    idToken: boolean("id_token").notNull().default(false),
    /** Distinct secret names its jobs reference, as written; secretKeys upper-cased for `secret=`. */
    secretNames: text("secret_names").array().notNull().default(sql`'{}'`),
    secretKeys: text("secret_keys").array().notNull().default(sql`'{}'`),
    /** How many distinct secret names (sort=secrets). */
    secretCount: integer("secret_count").generatedAlwaysAs(sql`cardinality(secret_names)`),
    identities: jsonb("identities").$type<{ kind: string; id: string | null; oidc: boolean }[]>().notNull().default([]),
    systems: jsonb("systems").$type<{ kind: string; id: string | null }[]>().notNull().default([]),
    /** Open findings of this file by severity, their total, and the highest severity's rank (0 none … 5 critical). */
    findingCounts: jsonb("finding_counts").$type<FindingCounts>().notNull().default({ critical: 0, high: 0, medium: 0, low: 0, info: 0 }),
    openFindings: integer("open_findings").notNull().default(0),
    maxSeverity: integer("max_severity").notNull().default(0),
    /** Hash of everything the snapshot writer last wrote to this row: equal → the row is not rewritten. */
    contentHash: text("content_hash"),
  },
  (t) => [
    uniqueIndex("workflow_repo_path_uq").on(t.repoId, t.path),
    index("workflow_org_idx").on(t.orgId),
    // Counts (index-only) and the removed-repository exclusion.
    index("workflow_org_repo_idx").on(t.orgId, t.repoId),
    // One index per sort of the Workflows list, walked in order a page at a time. repo_id and
    // id trail the sort keys so a deep page (OFFSET 25,000) is an index-only walk: the removed-
    // repository filter reads repo_id and the page query returns id, both from the index.
    index("workflow_org_repo_name_path_idx").on(t.orgId, t.repoFullName, t.path, t.repoId, t.id),
    index("workflow_org_path_idx").on(t.orgId, t.path, t.repoFullName, t.repoId, t.id),
    // Counts sort either way with repository and path ascending: one index per direction.
    index("workflow_org_findings_idx").on(t.orgId, t.openFindings, t.repoFullName, t.path, t.repoId, t.id),
    index("workflow_org_findings_desc_idx").on(t.orgId, t.openFindings.desc().nullsFirst(), t.repoFullName, t.path, t.repoId, t.id),
    index("workflow_org_secrets_idx").on(t.orgId, t.secretCount, t.repoFullName, t.path, t.repoId, t.id),
    index("workflow_org_secrets_desc_idx").on(t.orgId, t.secretCount.desc().nullsFirst(), t.repoFullName, t.path, t.repoId, t.id),
    // severity= when few rows qualify (critical, high): found directly, then sorted.
    index("workflow_org_max_severity_idx").on(t.orgId, t.maxSeverity),
    // system= for the systems other than GitHub Actions (few rows qualify).
    index("workflow_org_system_idx").on(t.orgId, t.system),
    // Filters: trigger= (triggers @> '["x"]'), secret=, phase=, q= (trigram).
    index("workflow_triggers_gin").using("gin", t.triggers),
    index("workflow_secret_keys_gin").using("gin", t.secretKeys),
    index("workflow_phases_gin").using("gin", t.phases),
    index("workflow_search_trgm").using("gin", t.search.op("gin_trgm_ops")),
  ],
);

export const jobs = pgTable(
  "job",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    repoId: repoRef(),
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    jobKey: text("job_key").notNull(),
    name: text("name"),
    line: integer("line").notNull(),
    phase: text("phase").$type<Phase>().notNull(),
    permissions: jsonb("permissions").$type<Permissions>(),
    permissionsSource: text("permissions_source").$type<PermissionsSource>().notNull(),
    idToken: boolean("id_token").notNull(),
    environment: text("environment"),
    runsOn: jsonb("runs_on").$type<string[]>().notNull().default([]),
    selfHosted: boolean("self_hosted").notNull(),
    runsUntrustedCode: boolean("runs_untrusted_code").notNull(),
    uses: jsonb("uses").$type<UsesRef[]>().notNull().default([]),
    calls: jsonb("calls").$type<CallInfo>(),
    /** Hash of the row and its references (job_secret, job_identity, job_system, job_action) as last written. */
    contentHash: text("content_hash"),
  },
  (t) => [
    // A job is its workflow's job key: the key its id survives re-syncs by.
    uniqueIndex("job_workflow_key_uq").on(t.workflowId, t.jobKey),
    index("job_org_idx").on(t.orgId),
    index("job_repo_idx").on(t.repoId),
  ],
);

const jobRef = () =>
  uuid("job_id")
    .notNull()
    .references(() => jobs.id, { onDelete: "cascade" });

/**
 * Every action and reusable workflow a job uses, split at '@': the blast radius of
 * `owner/action` (any ref) or `owner/action@ref` is an index lookup, not a scan of job.uses.
 * `action` is lower-cased (GitHub owner and repository names are case-insensitive); refs are not.
 */
export const jobActions = pgTable(
  "job_action",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    jobId: jobRef(),
    action: text("action").notNull(),
    ref: text("ref"),
    kind: text("kind").$type<"action" | "workflow">().notNull(),
  },
  (t) => [index("job_action_org_action_ref_idx").on(t.orgId, t.action, t.ref), index("job_action_job_idx").on(t.jobId)],
);

/** A secret reference of a job, resolved to the secret the job really gets (or none: missing). */
export const jobSecrets = pgTable(
  "job_secret",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    jobId: jobRef(),
    secretName: text("secret_name").notNull(),
    via: text("via").notNull(),
    line: integer("line").notNull(),
    step: integer("step"),
    secretId: uuid("secret_id").references(() => secrets.id, { onDelete: "set null" }),
    // external: a Buildkite or Tekton pipeline's secret, held by that system (never a GitHub secret).
    resolution: text("resolution").$type<"environment" | "repo" | "org" | "github-token" | "missing" | "all" | "external">().notNull(),
  },
  (t) => [
    index("job_secret_job_idx").on(t.jobId),
    index("job_secret_secret_idx").on(t.secretId),
    index("job_secret_org_name_idx").on(t.orgId, t.secretName),
    // Secret lookups are case-insensitive (upper(secret_name) = upper($1)).
    index("job_secret_org_upper_name_idx").on(t.orgId, sql`upper(${t.secretName})`),
  ],
);

/** An identity a job assumes (OIDC role, static key, registry login…), resolved through variables. */
export const jobIdentities = pgTable(
  "job_identity",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    jobId: jobRef(),
    kind: text("kind").notNull(),
    /** Literal id, the variable's value when resolved, or the expression text when not. */
    identifier: text("identifier"),
    symbolic: boolean("symbolic").notNull().default(false),
    oidc: boolean("oidc").notNull(),
    source: text("source").notNull(),
    line: integer("line").notNull(),
    heuristic: boolean("heuristic").notNull().default(false),
    secretNames: jsonb("secret_names").$type<string[]>().notNull().default([]),
  },
  (t) => [index("job_identity_job_idx").on(t.jobId), index("job_identity_org_kind_idx").on(t.orgId, t.kind, t.identifier)],
);

export const jobSystems = pgTable(
  "job_system",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    jobId: jobRef(),
    kind: text("kind").notNull(),
    identifier: text("identifier"),
    symbolic: boolean("symbolic").notNull().default(false),
    heuristic: boolean("heuristic").notNull().default(false),
  },
  (t) => [index("job_system_job_idx").on(t.jobId), index("job_system_org_kind_idx").on(t.orgId, t.kind, t.identifier)],
);

/**
 * A workflow file that left its repository: its old id keeps answering (its page says when it
 * went, and where to when a rename was seen). One per repository and path; the id comes back
 * to life if a file appears at that path again.
 */
export const workflowsGone = pgTable(
  "workflow_gone",
  {
    /** The workflow's id while it existed. */
    id: uuid("id").primaryKey(),
    orgId: orgRef(),
    repoId: repoRef(),
    path: text("path").notNull(),
    name: text("name"),
    /** The sync that found it gone, and the last one that had it (the repository's previous sync). */
    removedAt: timestamp("removed_at", { withTimezone: true }).notNull(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    /** Set when the same content appeared at another path of the repository in that snapshot. */
    movedToPath: text("moved_to_path"),
  },
  (t) => [uniqueIndex("workflow_gone_repo_path_uq").on(t.repoId, t.path), index("workflow_gone_org_idx").on(t.orgId)],
);

/** A job key that left its workflow (or went with it): its old id keeps answering. */
export const jobsGone = pgTable(
  "job_gone",
  {
    id: uuid("id").primaryKey(),
    orgId: orgRef(),
    repoId: repoRef(),
    /** The workflow it belonged to: live, or itself in workflow_gone. */
    workflowId: uuid("workflow_id").notNull(),
    jobKey: text("job_key").notNull(),
    removedAt: timestamp("removed_at", { withTimezone: true }).notNull(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("job_gone_workflow_key_uq").on(t.workflowId, t.jobKey), index("job_gone_org_idx").on(t.orgId), index("job_gone_repo_idx").on(t.repoId)],
);
