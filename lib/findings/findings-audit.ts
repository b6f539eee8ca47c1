import { z } from "zod";
import { defineAuditEvent } from "@/lib/audit/define-event";

// The findings domain's audit events: who triaged, granted, revoked; what expired. A finding's
// own history (finding_event) tells the same story per finding, for the weekly review.

export const FindingTriaged = defineAuditEvent(
  "finding.triage",
  "finding",
  z.object({ rule: z.string(), repo: z.string(), changes: z.array(z.enum(["state", "assignee", "note"])), state: z.string(), assignee: z.string().nullable() }),
);

const ExceptionFacts = {
  kind: z.enum(["finding", "rule_repo", "rule_secret"]),
  rule: z.string(),
  repo: z.string().nullable(),
  secret: z.string().nullable(),
  findingId: z.string().nullable(),
  expiresAt: z.string(),
  /** How many open findings it covered at that moment (each has its own finding_event). */
  covered: z.number().int(),
};

export const ExceptionGranted = defineAuditEvent("exception.grant", "exception", z.object(ExceptionFacts));
export const ExceptionRevoked = defineAuditEvent("exception.revoke", "exception", z.object({ ...ExceptionFacts, reason: z.string().nullable() }));
/** Recorded by Gatehouse (scheduler) once per exception, when its expiry passed. */
export const ExceptionExpired = defineAuditEvent("exception.expire", "exception", z.object(ExceptionFacts));

export const ReviewSignedOff = defineAuditEvent(
  "review.sign_off",
  "review",
  z.object({ number: z.number().int(), since: z.string(), until: z.string(), counts: z.record(z.string(), z.number().int()) }),
);

const WebhookFacts = { host: z.string(), onSignOff: z.boolean(), weekly: z.boolean() };
/** An admin set (or changed) where the weekly report goes. Only the host: the URL is a secret. */
export const ReportWebhookConfigured = defineAuditEvent("report_webhook.configure", "report_webhook", z.object({ ...WebhookFacts, urlChanged: z.boolean() }));
export const ReportWebhookRemoved = defineAuditEvent("report_webhook.remove", "report_webhook", z.object(WebhookFacts));
/** An admin pressed "Send a test" (its outcome: report_webhook.test.outcome). */
export const ReportWebhookTested = defineAuditEvent("report_webhook.test", "report_webhook", z.object({ host: z.string() }));
/** Gatehouse sent a review to the webhook, at sign-off or on the weekly schedule — or failed to. */
export const ReportDelivered = defineAuditEvent(
  "report.deliver",
  "review",
  z.object({ trigger: z.enum(["sign_off", "weekly"]), delivered: z.boolean(), message: z.string(), counts: z.record(z.string(), z.number()) }),
);
