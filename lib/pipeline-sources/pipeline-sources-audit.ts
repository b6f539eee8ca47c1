import { z } from "zod";
import { defineAuditEvent } from "@/lib/audit/define-event";

// The pipeline-source domain's audit events. Never a credential: a row says where credentials
// come from (stored / environment / none), never what they are.

const SourceFacts = { kind: z.enum(["buildkite", "kubernetes"]), name: z.string() };

export const PipelineSourceCreated = defineAuditEvent(
  "pipeline_source.create",
  "pipeline_source",
  z.object({ ...SourceFacts, credentialsFrom: z.string(), responderCredentialsFrom: z.string() }),
);
/** "Read now" (its outcome: pipeline_source.read.outcome, with what was read or why not). */
export const PipelineSourceRead = defineAuditEvent("pipeline_source.read", "pipeline_source", z.object(SourceFacts));
export const PipelineSourceRemoved = defineAuditEvent("pipeline_source.delete", "pipeline_source", z.object(SourceFacts));
/** Responder (write) credentials set, replaced or removed: where they come from, never what they are. */
export const PipelineSourceResponderSet = defineAuditEvent(
  "pipeline_source.responder_credentials",
  "pipeline_source",
  z.object({ ...SourceFacts, from: z.enum(["stored", "environment", "none"]), previous: z.string() }),
);
/** Gatehouse (sync) read the organisation's sources after a sync: one row per source, with its figures. */
export const PipelineSourceSynced = defineAuditEvent(
  "pipeline_source.sync_read",
  "pipeline_source",
  z.object({ ...SourceFacts, status: z.enum(["ok", "failed"]), figures: z.record(z.string(), z.number().int()), message: z.string().nullable() }),
);
