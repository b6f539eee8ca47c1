import { index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";

export const roleEnum = pgEnum("member_role", ["viewer", "responder", "admin"]);

/** Where a membership came from; group-mapped rows are re-derived at each sign-in. */
export const membershipSourceEnum = pgEnum("membership_source", ["manual", "idp-group", "bootstrap", "seed"]);

/** One per connected GitHub organisation: the tenant. `slug` is the GitHub login. */
export const organizations = pgTable("organization", {
  id: uuid("id").primaryKey().defaultRandom(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Authority lives here, keyed by lower-cased email so an admin can add someone before
 * their first sign-in. The session carries identity only; role is read per request.
 */
export const memberships = pgTable(
  "membership",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: roleEnum("role").notNull(),
    source: membershipSourceEnum("source").notNull().default("manual"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("membership_org_email_uq").on(t.orgId, t.email), index("membership_email_idx").on(t.email)],
);

/**
 * A membership an admin removed by hand. While a row exists, nothing automatic (IdP group
 * mapping, bootstrap admins) re-creates that membership; an admin adding the person again
 * through the members use-case deletes the row. One per organisation and email.
 */
export const membershipRemovals = pgTable(
  "membership_removal",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    /** Null once that user is deleted; removedByEmail keeps who it was. */
    removedByUserId: text("removed_by_user_id").references(() => users.id, { onDelete: "set null" }),
    removedByEmail: text("removed_by_email").notNull(),
    removedAt: timestamp("removed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("membership_removal_org_email_uq").on(t.orgId, t.email),
    index("membership_removal_removed_by_idx").on(t.removedByUserId),
  ],
);
