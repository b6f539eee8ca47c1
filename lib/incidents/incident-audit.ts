import { z } from "zod";
import { defineAuditEvent } from "@/lib/audit/define-event";

// The incident's audit events: the audit log says who did what (with the incident id); the
// incident's own timeline (incident_event) tells the story for the responders and the report.
export const IncidentStarted = defineAuditEvent(
  "incident.start",
  "incident",
  z.object({ kind: z.string(), target: z.string(), severity: z.string(), scope: z.record(z.string(), z.number()), exposedRuns: z.number().int().nullable() }),
);
export const ItemUpdated = defineAuditEvent(
  "incident.item_update",
  "incident",
  z.object({ itemId: z.string(), changes: z.array(z.string()), status: z.string().optional() }),
);
export const ScopeAdded = defineAuditEvent("incident.scope_add", "incident", z.object({ workflowIds: z.array(z.string()), added: z.number().int() }));
export const IncidentClosed = defineAuditEvent("incident.close", "incident", z.object({ items: z.number().int() }));
export const IncidentAction = defineAuditEvent(
  "incident.action",
  "incident",
  z.object({ action: z.string(), itemIds: z.array(z.string()), dryRun: z.boolean(), override: z.string().optional() }),
);
export const SecretValueSet = defineAuditEvent("incident.secret_value", "incident", z.object({ itemId: z.string(), secret: z.string(), scope: z.string() }));
export const RotationVerified = defineAuditEvent("incident.rotation_verified", "incident", z.object({ itemIds: z.array(z.string()), syncRunId: z.string() }));
/** A sync saw the target reach workflows outside the frozen scope (each workflow reported once). */
export const DriftRecorded = defineAuditEvent("incident.drift_seen", "incident", z.object({ workflowIds: z.array(z.string()), syncRunId: z.string() }));
/** A contain-pipeline item contained (or its containment dry-run) through a pipeline source (pipeline-contain.ts). */
export const PipelineContain = defineAuditEvent("incident.contain_pipeline", "incident", z.object({ itemId: z.string(), dryRun: z.boolean(), sourceIds: z.array(z.string()) }));
