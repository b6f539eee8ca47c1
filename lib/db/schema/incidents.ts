import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./tenancy";

// Incidents: a scope frozen at start, a checklist driven to a verified end, a timeline.
// An incident never points into the inventory by foreign key: the inventory is rewritten by
// every sync, and the incident must read the same after a workflow is deleted. Scope rows copy
// what the responder needs (names, paths, GitHub ids) and keep the inventory's stable ids
// (workflow, job and secret ids survive syncs) to look the live state up.

const orgRef = () =>
  uuid("org_id")
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

export const INCIDENT_KINDS = ["action", "workflow", "job", "secret", "identity", "runner", "repository"] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];
export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const incidents = pgTable(
  "incident",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    /** INC-<number>, per organisation. */
    number: integer("number").notNull(),
    kind: text("kind").$type<IncidentKind>().notNull(),
    /** As the responder gave it (owner/action@ref, a secret name, a workflow id…). */
    target: text("target").notNull(),
    targetLabel: text("target_label").notNull(),
    windowFrom: timestamp("window_from", { withTimezone: true }),
    windowTo: timestamp("window_to", { withTimezone: true }),
    title: text("title").notNull(),
    severity: text("severity").$type<Severity>().notNull(),
    status: text("status").$type<"open" | "closed">().notNull().default("open"),
    commander: text("commander").notNull(),
    startedBy: text("started_by").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    /** The inventory the scope was frozen from: the last finished sync, and when it finished. */
    inventorySyncRunId: uuid("inventory_sync_run_id"),
    inventoryAt: timestamp("inventory_at", { withTimezone: true }),
    /** When exposure (runs inside the window) was last read from GitHub, and what that found. */
    exposureCheckedAt: timestamp("exposure_checked_at", { withTimezone: true }),
    exposureNote: text("exposure_note"),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    closedBy: text("closed_by"),
    summary: text("summary"),
  },
  (t) => [uniqueIndex("incident_org_number_uq").on(t.orgId, t.number), index("incident_org_status_idx").on(t.orgId, t.status, t.startedAt)],
);

/** `release`: one a repository in scope created or published inside the compromise window (read at start). */
export const SCOPE_KINDS = ["repository", "workflow", "job", "secret", "identity", "system", "deploy-key", "release", "owner"] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

/** One thing in an incident's scope, as it was when it was added (at start, or from drift). */
export const incidentScope = pgTable(
  "incident_scope",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    kind: text("kind").$type<ScopeKind>().notNull(),
    /** Unique within the incident: the inventory's stable id, or a natural key (secret:org::NAME). */
    key: text("key").notNull(),
    label: text("label").notNull(),
    /** Everything the checklist and the report need about it, copied (see scope.ts). */
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    /** exposed: a run inside the window could read it; reachable: it could, no run seen. */
    exposure: text("exposure").$type<"exposed" | "reachable">().notNull().default("reachable"),
    /** null: frozen at start; otherwise the email of who added it from scope drift. */
    addedBy: text("added_by"),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("incident_scope_key_uq").on(t.incidentId, t.kind, t.key), index("incident_scope_org_idx").on(t.orgId, t.incidentId)],
);

export const ITEM_STATUSES = ["todo", "in_progress", "done", "verified", "skipped", "failed"] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export interface ItemEvidence {
  at: string;
  by: string;
  /** What was done and what answered: "PUT …/disable → 204", a pasted command output. Never a secret value. */
  text: string;
}

/** One thing to do, under one of the seven steps. */
export const incidentItems = pgTable(
  "incident_item",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    step: integer("step").notNull(),
    kind: text("kind").notNull(),
    /** The scope row it acts on (kind:key), or null for an item about the whole incident. */
    scopeKey: text("scope_key"),
    label: text("label").notNull(),
    detail: text("detail"),
    owner: text("owner"),
    assignee: text("assignee"),
    status: text("status").$type<ItemStatus>().notNull().default("todo"),
    /** Why it was skipped, or the error that failed it (GitHub's message). */
    statusReason: text("status_reason"),
    /** The manual way: the exact command(s), filled in with what the inventory resolved. */
    command: text("command"),
    evidence: jsonb("evidence").$type<ItemEvidence[]>().notNull().default([]),
    notes: jsonb("notes").$type<ItemEvidence[]>().notNull().default([]),
    /** Exposed items sort first. */
    exposed: integer("exposed").notNull().default(0),
    position: integer("position").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text("updated_by"),
  },
  (t) => [index("incident_item_incident_idx").on(t.orgId, t.incidentId, t.step, t.position)],
);

/** The timeline: append-only (migration trigger), every event in order with who did it. */
export const incidentEvents = pgTable(
  "incident_event",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: orgRef(),
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    /** An email, or "Gatehouse (sync)" for the system. */
    actor: text("actor").notNull(),
    type: text("type").notNull(),
    message: text("message").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index("incident_event_incident_idx").on(t.orgId, t.incidentId, t.id)],
);
