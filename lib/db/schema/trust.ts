import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { Trust, TrustFinding } from "@/lib/trust/types";
import type { RevocationPlan, TrustDetails } from "@/lib/cloud/types";
import { organizations } from "./tenancy";
import { jobs } from "./inventory";
import { incidentItems, incidents } from "./incidents";

// Cloud trust (lib/trust-sources): where an organisation's AWS roles, Google Cloud providers,
// Entra federated credentials and Vault JWT roles come from (a source: an uploaded export or an
// API connection), the trusts last read from each, and which inventory jobs can present a token
// each trust accepts. Sources are written by admins; trusts and matches only by a read or an
// evaluation, each in one transaction, so a page sees the previous set or the new one.

const orgRef = () =>
  uuid("org_id")
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

export type TrustProvider = Trust["provider"];
export type TrustSourceStatus = "never" | "ok" | "failed";
export type TrustDecision = "yes" | "no" | "possibly";

/** Non-secret connection settings: what the screens may show and the reader needs besides credentials. */
export interface TrustConnectionSettings {
  region?: string;
  endpoint?: string;
  roleArn?: string;
  projectId?: string;
  /** Google Cloud: the projects whose service accounts' IAM policies are read for the pool's impersonation grants (default: projectId). */
  serviceAccountProjects?: string[];
  tokenUrl?: string;
  tenantId?: string;
  clientId?: string;
  subscriptionId?: string;
  loginEndpoint?: string;
  graphEndpoint?: string;
  armEndpoint?: string;
  address?: string;
  mount?: string;
  namespace?: string;
}

export const trustSources = pgTable(
  "trust_source",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    provider: text("provider").$type<TrustProvider>().notNull(),
    name: text("name").notNull(),
    kind: text("kind").$type<"upload" | "api">().notNull(),
    settings: jsonb("settings").$type<TrustConnectionSettings>().notNull().default({}),
    /**
     * api: the credentials sealed with lib/security/secret-box (never answered, never logged),
     * or null when they come from the environment (`credentialsFrom = 'environment'`).
     */
    credentialsSealed: text("credentials_sealed"),
    credentialsFrom: text("credentials_from").$type<"stored" | "environment" | "none">().notNull().default("none"),
    /**
     * Write access for incident revocation (issue 11 item 5), separate from the read-only
     * credentials above: sealed like them (purpose `trust-source-responder-credentials`), or the
     * provider's responder variables of lib/env.ts (`environment`), or none (manual revocation).
     */
    responderCredentialsSealed: text("responder_credentials_sealed"),
    responderCredentialsFrom: text("responder_credentials_from").$type<"stored" | "environment" | "none">().notNull().default("none"),
    /** upload: the export as uploaded (re-evaluated on "read now"), its file name and size. */
    exportName: text("export_name"),
    exportText: text("export_text"),
    status: text("status").$type<TrustSourceStatus>().notNull().default("never"),
    /** Why the last read failed and what to do; the trusts of the last good read stay. */
    statusMessage: text("status_message"),
    warnings: jsonb("warnings").$type<string[]>().notNull().default([]),
    lastReadAt: timestamp("last_read_at", { withTimezone: true }),
    lastGoodReadAt: timestamp("last_good_read_at", { withTimezone: true }),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("trust_source_org_name_uq").on(t.orgId, t.name), index("trust_source_org_idx").on(t.orgId)],
);

export const trusts = pgTable(
  "trust",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    sourceId: uuid("source_id")
      .notNull()
      .references(() => trustSources.id, { onDelete: "cascade" }),
    provider: text("provider").$type<TrustProvider>().notNull(),
    /** Trust.id: the role ARN, the provider's resource name, the credential id, the Vault role. */
    externalId: text("external_id").notNull(),
    name: text("name").notNull(),
    document: jsonb("document").$type<Trust>().notNull(),
    details: jsonb("details").$type<TrustDetails>(),
    readAt: timestamp("read_at", { withTimezone: true }).notNull(),
    /** From the last evaluation (null: not evaluated yet). */
    outsideTokens: text("outside_tokens").$type<TrustDecision>(),
    findings: jsonb("findings").$type<TrustFinding[]>().notNull().default([]),
    evaluatedAt: timestamp("evaluated_at", { withTimezone: true }),
  },
  (t) => [
    // A trust keeps its id across reads of its source (matched by external id), so links hold.
    uniqueIndex("trust_source_external_uq").on(t.sourceId, t.externalId),
    index("trust_org_provider_idx").on(t.orgId, t.provider, t.externalId),
  ],
);

export const trustMatches = pgTable(
  "trust_match",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    trustId: uuid("trust_id")
      .notNull()
      .references(() => trusts.id, { onDelete: "cascade" }),
    /** The inventory job (its top-level job key; a reusable workflow's job is its caller's). */
    jobId: uuid("job_id").references(() => jobs.id, { onDelete: "cascade" }),
    repo: text("repo").notNull(),
    workflowPath: text("workflow_path").notNull(),
    /** As the evaluator names it: `deploy`, or `call/deploy` inside a reusable workflow. */
    jobKey: text("job_key").notNull(),
    sub: text("sub").notNull(),
    decision: text("decision").$type<"yes" | "possibly">().notNull(),
    /** The job names this trust (role ARN, provider, role): true uses it, false could use it (over-broad), null cannot tell (an expression). */
    uses: boolean("uses"),
  },
  (t) => [index("trust_match_trust_idx").on(t.trustId), index("trust_match_job_idx").on(t.jobId)],
);


/**
 * One revocation of one trust for one incident item (lib/incidents/trust-revoke.ts): the plan
 * with the trust's previous state, how it was made (`applied` by Gatehouse with the source's
 * responder credentials, or `manual`: the responder ran the plan's commands), and whether a
 * re-read showed it. Rows are never deleted and their plan never changes; only the
 * verification (`verified`, `verified_at`, `evidence`) and the restore (`restored_*`) are
 * updated, once each. No foreign key to `trust`: narrowing a role drops it from the next read,
 * and the revocation must outlive that.
 */
export const trustRevocations = pgTable(
  "trust_revocation",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    itemId: uuid("item_id")
      .notNull()
      .references(() => incidentItems.id, { onDelete: "cascade" }),
    trustId: uuid("trust_id").notNull(),
    sourceId: uuid("source_id").notNull(),
    provider: text("provider").$type<TrustProvider>().notNull(),
    externalId: text("external_id").notNull(),
    trustName: text("trust_name").notNull(),
    mode: text("mode").$type<"applied" | "manual">().notNull(),
    plan: jsonb("plan").$type<RevocationPlan>().notNull(),
    /** When the calls were made (applied) or the commands handed out (manual). */
    appliedAt: timestamp("applied_at", { withTimezone: true }).notNull(),
    appliedBy: text("applied_by").notNull(),
    verified: boolean("verified").notNull().default(false),
    verifiedAt: timestamp("verified_at", { withTimezone: true }),
    evidence: jsonb("evidence").$type<string[]>().notNull().default([]),
    restoredAt: timestamp("restored_at", { withTimezone: true }),
    restoredBy: text("restored_by"),
    restoreEvidence: jsonb("restore_evidence").$type<string[]>(),
  },
  (t) => [index("trust_revocation_item_idx").on(t.orgId, t.itemId), index("trust_revocation_source_idx").on(t.orgId, t.sourceId)],
);
