import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { OrgFacts, RepoSummary } from "@/lib/github/facts";
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
    /**
     * Stamped (database clock) every few seconds by each process working on the run, with its
     * `host:pid` in `worker`: a run whose stamps stopped and that no queued job will continue
     * is failed by the reaper (lib/connections/sync-reaper.ts).
     */
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    worker: text("worker"),
  },
  (t) => [
    index("sync_run_org_started_idx").on(t.orgId, t.startedAt),
    // Webhook coalescing, the reaper and Sync now look for the few unfinished runs.
    index("sync_run_org_status_idx").on(t.orgId, t.status),
  ],
);

/**
 * A slice of a run's repositories that any worker may take (one pg-boss job, id = this id).
 * Written once by the run's plan; `done_repo_ids` grows as the batch's repositories are
 * written or marked stale, so an attempt that dies is resumed where it stopped.
 */
export const syncBatches = pgTable(
  "sync_batch",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    runId: uuid("run_id")
      .notNull()
      .references(() => syncRuns.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    repos: jsonb("repos").$type<RepoSummary[]>().notNull(),
    /** GitHub ids of the repositories whose files are fetched (pushed since the stored snapshot). */
    filesFor: jsonb("files_for").$type<number[]>().notNull(),
    /** The organisation's facts as the plan fetched them, cut down to these repositories. */
    org: jsonb("org").$type<OrgFacts>().notNull(),
    status: text("status").$type<"queued" | "running" | "done" | "failed">().notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    worker: text("worker"),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    doneRepoIds: jsonb("done_repo_ids").$type<number[]>().notNull().default([]),
    /** Why the batch stopped short (credentials rejected, the database failing): fails the run. */
    failure: text("failure"),
  },
  (t) => [uniqueIndex("sync_batch_run_seq_uq").on(t.runId, t.seq), index("sync_batch_org_idx").on(t.orgId)],
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
