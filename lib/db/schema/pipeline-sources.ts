import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { BuildkiteOrgRead } from "@/lib/buildkite/types";
import type { ClusterRead } from "@/lib/kubernetes/types";
import { organizations } from "./tenancy";
import { incidentItems, incidents } from "./incidents";

// Pipeline sources (lib/pipeline-sources): the CI systems outside GitHub an organisation connects
// so their settings join the inventory — a Buildkite organization (REST API token) or a
// Kubernetes cluster running Tekton (kubeconfig or bearer token). The repository files are read
// by the GitHub sync either way; a source adds what only the system's API knows: stored steps,
// fork-PR settings, queues, teams, a service account's RBAC and workload identity. Sources are
// written by admins; `snapshot` and `findings` only by a read, in one statement, so a page sees the
// previous read or the new one.

const orgRef = () =>
  uuid("org_id")
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

export type PipelineSourceKind = "buildkite" | "kubernetes";
export type PipelineSourceStatus = "never" | "ok" | "failed";
export type CredentialsFrom = "stored" | "environment" | "none";

/** Non-secret settings: what the screens may show and the reader needs besides credentials. */
export interface PipelineSourceSettings {
  /** buildkite: the REST API's base URL (default https://api.buildkite.com) and the organization's slug. */
  apiUrl?: string;
  orgSlug?: string;
  /** kubernetes with a bearer token: the API server's URL and its CA (PEM, base64 as in a kubeconfig). */
  server?: string;
  caData?: string;
  /** kubernetes with a kubeconfig: the context to use (default: its current context). */
  context?: string;
  /** kubernetes: the namespaces to read (empty: every namespace the reader may list). */
  namespaces?: string[];
}

/** The last good read of a source, as its lib reader returned it. */
export type PipelineSourceSnapshot = { kind: "buildkite"; read: BuildkiteOrgRead } | { kind: "kubernetes"; read: ClusterRead };

/**
 * A finding only a source's API can show, joined to the inventory where it can be: `repo`
 * (`owner/name`) and `workflowPath` name the pipeline file of the repository when one is
 * joined, `resource` names the thing in the CI system (`pipeline payments-service`,
 * `ServiceAccount acme-ci/pipeline-deployer`). Rule ids are lib/pipeline-sources/rules.ts'.
 */
export interface PipelineSourceFinding {
  rule: string;
  severity: "critical" | "high" | "medium" | "low";
  message: string;
  resource: string;
  repo: string | null;
  workflowPath: string | null;
  jobKey: string | null;
}

export const pipelineSources = pgTable(
  "pipeline_source",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    kind: text("kind").$type<PipelineSourceKind>().notNull(),
    name: text("name").notNull(),
    settings: jsonb("settings").$type<PipelineSourceSettings>().notNull().default({}),
    /**
     * Read credentials sealed with lib/security/secret-box (purpose `pipeline-source-credentials`;
     * never answered, never logged), or the operator's environment (`credentials_from =
     * environment`: BUILDKITE_API_TOKEN, KUBECONFIG or the pod's own account, lib/env.ts).
     */
    credentialsSealed: text("credentials_sealed"),
    credentialsFrom: text("credentials_from").$type<CredentialsFrom>().notNull().default("none"),
    /** Write access for incident containment, separate from the read credentials (own purpose, own variables). */
    responderCredentialsSealed: text("responder_credentials_sealed"),
    responderCredentialsFrom: text("responder_credentials_from").$type<CredentialsFrom>().notNull().default("none"),
    status: text("status").$type<PipelineSourceStatus>().notNull().default("never"),
    /** Why the last read failed and what to do; the snapshot of the last good read stays. */
    statusMessage: text("status_message"),
    warnings: jsonb("warnings").$type<string[]>().notNull().default([]),
    snapshot: jsonb("snapshot").$type<PipelineSourceSnapshot>(),
    findings: jsonb("findings").$type<PipelineSourceFinding[]>().notNull().default([]),
    lastReadAt: timestamp("last_read_at", { withTimezone: true }),
    lastGoodReadAt: timestamp("last_good_read_at", { withTimezone: true }),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("pipeline_source_org_name_uq").on(t.orgId, t.name), index("pipeline_source_org_idx").on(t.orgId, t.kind)],
);

/**
 * One containment of one pipeline for one incident item, through a source's API
 * (lib/incidents/pipeline-contain.ts): the plan as dry-run, how it was made (`applied` by Gatehouse
 * with the source's responder credentials), the calls' evidence and the verification read.
 * Rows are never deleted; the plan never changes. No foreign key to the source: the record must
 * outlive a source removed after the incident.
 */
export const pipelineContainments = pgTable(
  "pipeline_containment",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgRef(),
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    itemId: uuid("item_id")
      .notNull()
      .references(() => incidentItems.id, { onDelete: "cascade" }),
    sourceId: uuid("source_id").notNull(),
    kind: text("kind").$type<PipelineSourceKind>().notNull(),
    /** What was contained: `pipeline payments-service`, `Repository acme-ci/k8s-platform`. */
    target: text("target").notNull(),
    plan: jsonb("plan").$type<unknown>().notNull(),
    appliedAt: timestamp("applied_at", { withTimezone: true }).notNull(),
    appliedBy: text("applied_by").notNull(),
    /** `contained`: every call succeeded and the re-read shows it; `partial`: some did not (evidence says which). */
    outcome: text("outcome").$type<"contained" | "partial" | "failed">().notNull(),
    evidence: jsonb("evidence").$type<string[]>().notNull().default([]),
  },
  (t) => [index("pipeline_containment_item_idx").on(t.orgId, t.itemId), index("pipeline_containment_source_idx").on(t.orgId, t.sourceId)],
);
