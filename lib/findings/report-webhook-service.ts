import "server-only";
import { eq } from "drizzle-orm";
import { reportWebhooks } from "@/lib/db/schema";
import { auditEntry } from "@/lib/audit/define-event";
import type { Db } from "@/lib/db/types";
import type { AnyUseCase, UseCase } from "@/lib/door/use-case";
import { AppError, notFound } from "@/lib/http/errors";
import { seal } from "@/lib/security/secret-box";
import { ReportWebhookConfigured, ReportWebhookRemoved, ReportWebhookTested } from "./findings-audit";
import { ConfigureWebhookSchema, WebhookRefSchema } from "./findings-schema";
import { WEBHOOK_PURPOSE, WEBHOOK_UNREADABLE, postToWebhook, recordDeliveryStatus, webhookOf, webhookUrl } from "./report-delivery";
import { mrkdwn } from "./report-message";

// The weekly report's webhook, set by an admin. Its URL goes in once and never comes out: it is
// sealed before it is stored, and every answer and audit row carries only its host.

export interface ReportWebhookDto {
  /** Scheme and host, e.g. https://hooks.slack.com — never the URL. */
  urlHint: string;
  onSignOff: boolean;
  weekly: boolean;
  configuredBy: string;
  configuredAt: string;
  last: { status: "delivered" | "failed"; message: string; at: string } | null;
}

type Row = typeof reportWebhooks.$inferSelect;
export function reportWebhookDto(r: Row): ReportWebhookDto {
  return {
    urlHint: r.urlHint,
    onSignOff: r.onSignOff,
    weekly: r.weekly,
    configuredBy: r.configuredBy,
    configuredAt: r.configuredAt.toISOString(),
    last: r.lastStatus && r.lastAt ? { status: r.lastStatus, message: r.lastMessage ?? "", at: r.lastAt.toISOString() } : null,
  };
}

const hintOf = (url: string) => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
};

async function requireWebhook(db: Db, orgId: string): Promise<Row> {
  const row = await webhookOf(db, orgId);
  if (!row) throw notFound("Report webhook");
  return row;
}

export const configureReportWebhook: UseCase<typeof ConfigureWebhookSchema, ReportWebhookDto> = {
  action: ReportWebhookConfigured.action,
  permission: "report.manage",
  input: ConfigureWebhookSchema,
  async run({ tx, actor, input, audit }) {
    const existing = await webhookOf(tx, actor.orgId);
    if (!existing && !input.url) throw new AppError("invalid_input", "Check url: enter the incoming webhook's URL to set up the weekly report.", { url: "is required the first time" });
    const sealed = input.url ? { urlEncrypted: seal(WEBHOOK_PURPOSE, input.url), urlHint: hintOf(input.url) } : {};
    const values = { onSignOff: input.onSignOff, weekly: input.weekly, configuredBy: actor.user.email, configuredAt: new Date(), ...sealed };
    const [row] = existing
      ? await tx.update(reportWebhooks).set(input.url ? { ...values, lastStatus: null, lastMessage: null, lastAt: null } : values).where(eq(reportWebhooks.orgId, actor.orgId)).returning()
      : await tx.insert(reportWebhooks).values({ orgId: actor.orgId, ...values, urlEncrypted: sealed.urlEncrypted!, urlHint: sealed.urlHint! }).returning();
    await audit(auditEntry(ReportWebhookConfigured, { id: actor.orgId, label: "Report webhook" }, { host: row!.urlHint, onSignOff: row!.onSignOff, weekly: row!.weekly, urlChanged: Boolean(input.url) }));
    return reportWebhookDto(row!);
  },
};

export const removeReportWebhook: UseCase<typeof WebhookRefSchema, { removed: true }> = {
  action: ReportWebhookRemoved.action,
  permission: "report.manage",
  input: WebhookRefSchema,
  async run({ tx, actor, audit }) {
    const row = await requireWebhook(tx, actor.orgId);
    await tx.delete(reportWebhooks).where(eq(reportWebhooks.orgId, actor.orgId));
    await audit(auditEntry(ReportWebhookRemoved, { id: actor.orgId, label: "Report webhook" }, { host: row.urlHint, onSignOff: row.onSignOff, weekly: row.weekly }));
    return { removed: true };
  },
};

/** What the test's intent hands its act phase: the URL still sealed (opened only to send), never returned. */
interface TestIntent {
  host: string;
  sealed: string;
  onSignOff: boolean;
  weekly: boolean;
}

/**
 * "Send a test": intent audited, then one message to the webhook (no transaction held), then the
 * outcome recorded as the webhook's last status. A webhook that fails is a 502 saying why.
 */
export const testReportWebhook: UseCase<typeof WebhookRefSchema, { delivered: true; message: string }, undefined, TestIntent> = {
  action: ReportWebhookTested.action,
  permission: "report.manage",
  input: WebhookRefSchema,
  async run({ tx, actor, audit }) {
    const row = await requireWebhook(tx, actor.orgId);
    await audit(auditEntry(ReportWebhookTested, { id: actor.orgId, label: "Report webhook" }, { host: row.urlHint }));
    return { host: row.urlHint, sealed: row.urlEncrypted, onSignOff: row.onSignOff, weekly: row.weekly };
  },
  outcome: {
    async act({ actor, intent: row }) {
      const url = webhookUrl({ urlEncrypted: row.sealed });
      if (!url) throw new AppError("conflict", WEBHOOK_UNREADABLE);
      const text = `*Gatehouse test message for ${mrkdwn(actor.orgSlug)}*\nSent by ${mrkdwn(actor.user.email)}. The weekly review of CI credentials will be posted here${row.onSignOff ? " when a review is signed off" : ""}${row.onSignOff && row.weekly ? " and" : ""}${row.weekly ? " every Monday at 08:00 UTC" : ""}.`;
      const d = await postToWebhook(url, { text });
      if (!d.ok) throw new AppError("upstream_failed", d.message);
      return { status: "succeeded", summary: d.message, data: { delivered: true, message: d.message } };
    },
    async record({ tx, actor, outcome }) {
      await recordDeliveryStatus(tx, actor.orgId, { ok: outcome.status === "succeeded", message: outcome.summary });
    },
  },
};

export const REPORT_WEBHOOK_USE_CASES: readonly AnyUseCase[] = [configureReportWebhook, removeReportWebhook, testReportWebhook];
