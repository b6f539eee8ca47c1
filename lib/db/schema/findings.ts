import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./tenancy";
import { repoRef } from "./inventory";

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
    regressedAt: timestamp("regressed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("finding_org_fingerprint_uq").on(t.orgId, t.fingerprint),
    index("finding_repo_idx").on(t.repoId),
    index("finding_org_rule_idx").on(t.orgId, t.rule),
    // Open findings per workflow file: counts, the severity filter and sort=findings.
    index("finding_open_repo_path_idx").on(t.orgId, t.repoId, t.path, t.severity).where(sql`fixed_at is null`),
  ],
);

export type FindingEventType = "opened" | "fixed" | "regressed" | "triaged" | "excepted" | "exception_expired";

/** What a finding was when the event happened: a review renders it after the finding's row is gone. */
export interface FindingEventData {
  rule: string;
  severity: string;
  repo: string;
  path: string;
  line: number;
  job: string | null;
  message: string;
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
  (t) => [index("finding_event_org_at_idx").on(t.orgId, t.at), index("finding_event_finding_idx").on(t.orgId, t.findingId, t.id)],
);
