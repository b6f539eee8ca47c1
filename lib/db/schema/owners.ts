import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./tenancy";

/**
 * Owners set by hand (responders and admins), kept apart from the inventory the sync
 * writes: a re-sync updates repository and workflow rows, never these. Keyed by the
 * repository's GitHub id (`"<githubId>"`) or the repository's GitHub id and the workflow path
 * (`"<githubId>:<path>"`) — what a repository keeps when it is renamed — and applied by the readers.
 */
export const ownerOverrides = pgTable(
  "owner_override",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    targetType: text("target_type").$type<"repository" | "workflow">().notNull(),
    targetKey: text("target_key").notNull(),
    owner: text("owner").notNull(),
    /** The email of who set it, snapshotted (the audit log has the full record). */
    setBy: text("set_by").notNull(),
    setAt: timestamp("set_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("owner_override_target_uq").on(t.orgId, t.targetType, t.targetKey),
    index("owner_override_org_owner_idx").on(t.orgId, t.owner),
  ],
);
