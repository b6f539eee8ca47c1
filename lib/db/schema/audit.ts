import { bigserial, index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const auditOutcomeEnum = pgEnum("audit_outcome", ["success", "denied", "failure"]);

/**
 * Append-only: a trigger (migration 0001) refuses UPDATE, DELETE and TRUNCATE. No foreign
 * keys, so deleting a user or an organisation can never cascade into the log; the
 * actor's label is snapshotted into the row.
 */
export const auditEvents = pgTable(
  "audit_event",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    orgId: uuid("org_id"),
    orgSlug: text("org_slug"),
    actorUserId: text("actor_user_id"),
    actorEmail: text("actor_email"),
    actorName: text("actor_name"),
    actorRole: text("actor_role"),
    action: text("action").notNull(),
    outcome: auditOutcomeEnum("outcome").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    targetLabel: text("target_label"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    requestId: text("request_id"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index("audit_org_time_idx").on(t.orgId, t.occurredAt),
    index("audit_org_action_idx").on(t.orgId, t.action),
    index("audit_org_actor_idx").on(t.orgId, t.actorEmail),
  ],
);
