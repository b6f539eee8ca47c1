import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./tenancy";

/**
 * How an organisation reaches GitHub: an App installation (or, for small setups, a token
 * from the environment). Credentials are never stored here — the App's private key, the
 * webhook secret and any token come from the environment; this row records which
 * installation serves which organisation and what it was granted.
 */
export const githubConnections = pgTable(
  "github_connection",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    kind: text("kind").$type<"app" | "token">().notNull(),
    baseUrl: text("base_url").notNull(),
    installationId: bigint("installation_id", { mode: "number" }),
    accountLogin: text("account_login").notNull(),
    permissions: jsonb("permissions").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // One organisation per installation: webhooks name the installation and must find one org.
  (t) => [uniqueIndex("github_connection_org_uq").on(t.orgId), uniqueIndex("github_connection_installation_uq").on(t.installationId)],
);

/** One row per sync attempt: what it did, what it cost, how it ended. */
export const syncRuns = pgTable(
  "sync_run",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    scope: text("scope").$type<"org" | "repo">().notNull(),
    trigger: text("trigger").$type<"manual" | "schedule" | "webhook" | "startup">().notNull(),
    requestedBy: text("requested_by"),
    status: text("status").$type<"queued" | "running" | "succeeded" | "partial" | "failed">().notNull(),
    message: text("message"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    reposTotal: integer("repos_total").notNull().default(0),
    reposDone: integer("repos_done").notNull().default(0),
    reposFailed: integer("repos_failed").notNull().default(0),
    requests: integer("requests").notNull().default(0),
    charged: integer("charged").notNull().default(0),
    notModified: integer("not_modified").notNull().default(0),
    graphqlPoints: integer("graphql_points").notNull().default(0),
    retries: integer("retries").notNull().default(0),
    rateLimitWaitMs: integer("rate_limit_wait_ms").notNull().default(0),
    /** Set while waiting for a rate limit to reset, so the UI can say so. */
    waitingUntil: timestamp("waiting_until", { withTimezone: true }),
    errors: jsonb("errors").$type<{ repo: string | null; kind: string; message: string }[]>().notNull().default([]),
    /**
     * What the run syncs, read by the runner when it starts (so deliveries coalesced into a
     * queued run widen it): GitHub repository ids, null = the whole organisation; and the
     * repositories whose files are re-fetched even if pushed_at did not move (push webhooks).
     */
    repoIds: bigint("repo_ids", { mode: "number" }).array(),
    forceFilesFor: bigint("force_files_for", { mode: "number" }).array().notNull().default([]),
  },
  (t) => [index("sync_run_org_started_idx").on(t.orgId, t.startedAt), index("sync_run_org_status_idx").on(t.orgId, t.status)],
);

/** Conditional-request cache: a 304 returns the stored body and costs no rate limit. */
export const etagCache = pgTable(
  "etag_cache",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    etag: text("etag").notNull(),
    body: jsonb("body").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("etag_cache_org_key_uq").on(t.orgId, t.key)],
);

/**
 * Webhook deliveries processed in the last 30 days (older rows are pruned as new ones
 * arrive): a replayed delivery id, or the same signed body under a new id, is acknowledged
 * and ignored. Each row says which sync run it queued or was coalesced into.
 */
export const webhookDeliveries = pgTable(
  "webhook_delivery",
  {
    deliveryId: text("delivery_id").primaryKey(),
    event: text("event").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    /** SHA-256 of the raw body (hex); null on rows from before it was recorded. */
    bodySha256: text("body_sha256"),
    /** No foreign key: a delivery's record outlives its run (and its organisation). */
    syncRunId: uuid("sync_run_id"),
    /** True when a queued run of the same organisation absorbed this delivery. */
    coalesced: boolean("coalesced").notNull().default(false),
  },
  (t) => [index("webhook_delivery_body_idx").on(t.bodySha256, t.receivedAt), index("webhook_delivery_received_idx").on(t.receivedAt)],
);
