import { sql } from "drizzle-orm";
import { bigserial, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./tenancy";
import { repoRef } from "./inventory";
import type { BroadCredential } from "@/lib/findings/breadth";

// The findings domain's tables (lib/findings): each finding, and the append-only history of what
// happened to it, from which any period's review is computed.

const orgRef = () =>
  uuid("org_id")
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

/**
 * Findings keep their identity across syncs through `fingerprint` (rule, repository,
 * file, job and subject — never the line, which moves). Gone from a snapshot → fixedAt set;
 * back again → fixedAt cleared (a regression) and lastSeenAt moves on.
 *
 * The sync writes the sighting columns; people write the triage columns (lib/findings
 * findings-service.ts); the state shown is derived from both and the exceptions (state.ts).
 */
export const findings = pgTable(
  "finding",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    repoId: repoRef(),
    fingerprint: text("fingerprint").notNull(),
    rule: text("rule").notNull(),
    severity: text("severity").notNull(),
    path: text("path").notNull(),
    line: integer("line").notNull(),
    jobKey: text("job_key"),
    message: text("message").notNull(),
    fix: text("fix").notNull(),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
    fixedAt: timestamp("fixed_at", { withTimezone: true }),
    /** When it last came back: seen again after being fixed (the sync), or its exception expired (the expiry job). */
    regressedAt: timestamp("regressed_at", { withTimezone: true }),
    /** What a person last set: open, or acknowledged (someone is on it). */
    triageState: text("triage_state").$type<TriageState>().notNull().default("open"),
    /** An org member's email or an owner handle (@org/team, @user). */
    assignee: text("assignee"),
    triagedAt: timestamp("triaged_at", { withTimezone: true }),
    triagedBy: text("triaged_by"),
    /**
     * The workflow at (repo_id, path) and the owner the sync derived for it (null: no workflow
     * there), as the repository's latest snapshot left them: a review shows thousands of findings'
     * owners and workflow links without a workflow look-up each. Invariant below (finding_file_count).
     */
    workflowId: uuid("workflow_id"),
    workflowOwner: text("workflow_owner"),
  },
  (t) => [
    uniqueIndex("finding_org_fingerprint_uq").on(t.orgId, t.fingerprint),
    index("finding_repo_idx").on(t.repoId),
    index("finding_org_rule_idx").on(t.orgId, t.rule),
    // Open findings per workflow file: counts, the severity filter and sort=findings.
    index("finding_open_repo_path_idx").on(t.orgId, t.repoId, t.path, t.severity).where(sql`fixed_at is null`),
    // Open findings of the worst severities: the review's backlog picks its worst 500 among them.
    index("finding_open_severity_idx").on(t.orgId, t.severity).where(sql`fixed_at is null`),
  ],
);

/**
 * How many of the org's findings are open, per file and severity, with the owners the sync
 * derived for the file: a review counts its backlog per owner from these (one row per file and
 * severity) instead of from every open finding and its workflow (lib/findings/findings-repo.ts).
 *
 * Invariant: for every repository, path and severity, `open` = the number of `finding` rows with
 * that repo_id, path and severity and fixed_at null (no row when there are none);
 * `workflow_owner` = the owner of the workflow at (repo_id, path) or null when there is none,
 * `repo_owner` = the repository's owner — both as the sync derived them, hand-set owners being
 * applied when read. Likewise, on every `finding` row (open or fixed), `workflow_id` and
 * `workflow_owner` = the id and derived owner of the workflow at its (repo_id, path), null when
 * there is none. Kept by `recordSnapshotFindings` (lib/findings/findings-store.ts), which
 * re-derives both for every repository it touches at the end of the snapshot's transaction: the
 * snapshot is the only writer of findings' existence, fixed_at, repo_id, path and severity, of
 * workflows and of the derived owners (triage and exceptions change none of them).
 * `finding-counts.int.test.ts` recounts from scratch after syncs, triage and exceptions and compares.
 */
export const findingFileCounts = pgTable(
  "finding_file_count",
  {
    orgId: orgRef(),
    repoId: repoRef(),
    path: text("path").notNull(),
    severity: text("severity").notNull(),
    open: integer("open").notNull(),
    workflowOwner: text("workflow_owner"),
    repoOwner: text("repo_owner"),
  },
  (t) => [primaryKey({ columns: [t.repoId, t.path, t.severity] }), index("finding_file_count_org_idx").on(t.orgId)],
);

export const TRIAGE_STATES = ["open", "acknowledged"] as const;
export type TriageState = (typeof TRIAGE_STATES)[number];

export type FindingEventType = "opened" | "fixed" | "regressed" | "triaged" | "excepted" | "exception_expired" | "exception_revoked";

/** What an exception was, as an event about it keeps it. */
export interface ExceptionEventData {
  id: string;
  scope: ExceptionScope;
  reason: string;
  approvedBy: string;
  expiresAt: string;
}

/** What a finding was when the event happened: a review renders it after the finding's row is gone. */
export interface FindingEventData {
  rule: string;
  severity: string;
  repo: string;
  path: string;
  line: number;
  job: string | null;
  message: string;
  /** triaged: what the person set (and their note). */
  triage?: { state: TriageState; assignee: string | null; note: string | null };
  /** excepted, exception_expired, exception_revoked: the exception. */
  exception?: ExceptionEventData;
}

/**
 * What happened to each finding, in order: append-only (migration trigger; the app role holds
 * INSERT and SELECT only, lib/db/app-role.ts). No foreign key to the finding: the history
 * outlives a deleted repository's rows, as an audit trail must.
 */
export const findingEvents = pgTable(
  "finding_event",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: orgRef(),
    findingId: uuid("finding_id").notNull(),
    fingerprint: text("fingerprint").notNull(),
    type: text("type").$type<FindingEventType>().notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    /** The sync that saw it (opened, fixed, regressed), or null for a person's change. */
    syncRunId: uuid("sync_run_id"),
    /** An email, or "Gatehouse (sync)" / "Gatehouse (scheduler)" for the system. */
    actor: text("actor").notNull(),
    data: jsonb("data").$type<FindingEventData>().notNull(),
  },
  (t) => [
    index("finding_event_org_at_idx").on(t.orgId, t.at),
    // A finding's events in order; `at` and `type` in the index too, so that a review's look-up of
    // where each changed finding stood at `since` reads the index alone (the table is append-only:
    // its pages are all-visible once vacuumed).
    index("finding_event_finding_idx").on(t.orgId, t.findingId, t.id, t.at, t.type),
  ],
);

/** What an exception covers: one finding, a rule in one repository, or a rule for one secret everywhere. */
export const EXCEPTION_SCOPES = ["finding", "rule_repo", "rule_secret"] as const;
export type ExceptionScope = (typeof EXCEPTION_SCOPES)[number];

/**
 * An admin's decision that findings are accepted until a date (at most a year ahead), with a
 * reason. Revoked by an admin, or expired by time: the expiry job records each expiry once
 * (`expiry_recorded_at`), appending `exception_expired` to the findings it covered. Never
 * deleted: revocation and expiry are stamps, the history is in finding_event and the audit log.
 */
export const findingExceptions = pgTable(
  "finding_exception",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    scope: text("scope").$type<ExceptionScope>().notNull(),
    /** scope finding: the finding (no foreign key: the exception outlives a deleted repository's rows). */
    findingId: uuid("finding_id"),
    /** scope rule_*: the rule; scope finding: the finding's rule, for display. */
    rule: text("rule").notNull(),
    /** scope rule_repo: the repository, and its name when granted (scope finding: the finding's). */
    repoId: uuid("repo_id"),
    repoFullName: text("repo_full_name"),
    /** scope rule_secret: the secret's name (matched case-insensitively, as GitHub does). */
    secretName: text("secret_name"),
    reason: text("reason").notNull(),
    approvedBy: text("approved_by").notNull(),
    grantedAt: timestamp("granted_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: text("revoked_by"),
    revokeReason: text("revoke_reason"),
    /** When the expiry job recorded this exception's expiry (once). */
    expiryRecordedAt: timestamp("expiry_recorded_at", { withTimezone: true }),
  },
  (t) => [
    index("finding_exception_org_idx").on(t.orgId, t.expiresAt),
    index("finding_exception_finding_idx").on(t.orgId, t.findingId),
    // The expiry job's work: exceptions not revoked whose expiry is not recorded yet.
    index("finding_exception_pending_expiry_idx").on(t.expiresAt).where(sql`revoked_at is null and expiry_recorded_at is null`),
    check(
      "finding_exception_scope_ck",
      sql`(scope = 'finding' and finding_id is not null) or (scope = 'rule_repo' and repo_id is not null) or (scope = 'rule_secret' and secret_name is not null)`,
    ),
    check("finding_exception_expiry_ck", sql`expires_at > granted_at`),
  ],
);

/** What a review counted, per list. */
export interface ReviewCounts {
  new: number;
  fixed: number;
  regressed: number;
  expiring: number;
  expired: number;
  open: number;
}

/**
 * A signed-off review: the period (since, until], who signed it off and their note, and the
 * counts and lists exactly as the reviewer saw them (`review`: the review DTO, frozen). Its
 * `until` is the next review's default `since`. Never changed after it is written.
 */
export const findingReviews = pgTable(
  "finding_review",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    /** 1, 2, 3 … per organisation. */
    number: integer("number").notNull(),
    since: timestamp("since", { withTimezone: true }).notNull(),
    until: timestamp("until", { withTimezone: true }).notNull(),
    signedOffBy: text("signed_off_by").notNull(),
    note: text("note").notNull(),
    counts: jsonb("counts").$type<ReviewCounts>().notNull(),
    review: jsonb("review").$type<Record<string, unknown>>().notNull(),
  },
  (t) => [uniqueIndex("finding_review_org_number_uq").on(t.orgId, t.number), index("finding_review_org_until_idx").on(t.orgId, t.until)],
);

/**
 * Where an org's weekly report goes: one Slack-compatible incoming webhook, set by an admin
 * (lib/findings/report-webhook-service.ts). Its URL is a secret: stored only encrypted
 * (lib/security/secret-box.ts, a key derived from AUTH_SECRET), never answered, never logged;
 * `url_hint` (scheme and host) is what the screens show. The last delivery's outcome is kept
 * so an admin sees a failing webhook.
 */
export const reportWebhooks = pgTable("report_webhook", {
  orgId: orgRef().primaryKey(),
  urlEncrypted: text("url_encrypted").notNull(),
  urlHint: text("url_hint").notNull(),
  /** Send each review when it is signed off. */
  onSignOff: boolean("on_sign_off").notNull().default(true),
  /** Send the open review every Monday at 08:00 UTC (the report-weekly schedule). */
  weekly: boolean("weekly").notNull().default(false),
  configuredBy: text("configured_by").notNull(),
  configuredAt: timestamp("configured_at", { withTimezone: true }).notNull(),
  lastStatus: text("last_status").$type<"delivered" | "failed">(),
  lastMessage: text("last_message"),
  lastAt: timestamp("last_at", { withTimezone: true }),
});

/** Over-broad credentials per scope (breadth.ts CredentialScope), as one sync left them. */
export type OverBroadByScope = Partial<Record<"org" | "repo" | "environment" | "oidc" | "id-token", number>>;

/**
 * The over-broad credentials (breadth > 1: something narrows them) after each finished sync, for
 * the trend: one row per sync run, written by the job process once the run has ended
 * (breadth-trend.ts). Append-only: the app role holds INSERT and SELECT only (lib/db/app-role.ts).
 * No foreign key to the run: a point outlives the run's row, as the findings' history does.
 */
export const credentialBreadthPoints = pgTable(
  "credential_breadth_point",
  {
    syncRunId: uuid("sync_run_id").primaryKey(),
    orgId: orgRef(),
    /** When the run finished: the trend's x. */
    at: timestamp("at", { withTimezone: true }).notNull(),
    overBroad: integer("over_broad").notNull(),
    /** Of those, read by jobs but used by none (delete them). */
    unused: integer("unused").notNull(),
    byScope: jsonb("by_scope").$type<OverBroadByScope>().notNull(),
  },
  (t) => [index("credential_breadth_point_org_at_idx").on(t.orgId, t.at)],
);

/**
 * The org's broadest credentials as the job process computed them when a sync run ended
 * (breadth-trend.ts), with the inventory version they were computed from. A cache, not a record:
 * one row per org, overwritten; a reader uses it only while the inventory's version is still
 * `version`, so a stale row is never shown (breadth-repo.ts `broadestCredentials`).
 */
export const broadestSnapshots = pgTable("broadest_snapshot", {
  orgId: uuid("org_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  version: text("version").notNull(),
  list: jsonb("list").$type<BroadCredential[]>().notNull(),
  computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
});
