import { z } from "zod";
import { defineAuditEvent } from "@/lib/audit/define-event";

// The trust domain's audit events. Never a credential: a source's row carries only which kind
// of credentials it has (stored / environment) and a hint.

const SourceFacts = { provider: z.string(), kind: z.enum(["upload", "api"]), name: z.string() };

export const TrustSourceCreated = defineAuditEvent(
  "trust_source.create",
  "trust_source",
  z.object({ ...SourceFacts, credentialsFrom: z.string(), responderCredentialsFrom: z.string().optional(), file: z.string().nullable(), trusts: z.number().int() }),
);
/** "Read now" (its outcome: trust_source.read.outcome, with the count or the failure). */
export const TrustSourceRead = defineAuditEvent("trust_source.read", "trust_source", z.object({ ...SourceFacts, file: z.string().nullable() }));
export const TrustSourceRemoved = defineAuditEvent("trust_source.remove", "trust_source", z.object({ ...SourceFacts, trusts: z.number().int() }));
/** Gatehouse (sync) read an API source, or evaluated the organisation's trusts against its jobs. */
export const TrustSourceSynced = defineAuditEvent(
  "trust_source.sync_read",
  "trust_source",
  z.object({ provider: z.string(), name: z.string(), status: z.enum(["ok", "failed"]), trusts: z.number().int(), message: z.string().nullable() }),
);
export const TrustsEvaluated = defineAuditEvent(
  "trust.evaluate",
  "organization",
  z.object({ trusts: z.number().int(), matches: z.number().int(), repositories: z.number().int(), ms: z.number().int(), reason: z.string() }),
);
/** Responder (write) credentials set, replaced or removed: where they come from, never what they are. */
export const TrustSourceResponderSet = defineAuditEvent(
  "trust_source.responder_credentials",
  "trust_source",
  z.object({ ...SourceFacts, from: z.enum(["stored", "environment", "none"]), previous: z.string() }),
);
