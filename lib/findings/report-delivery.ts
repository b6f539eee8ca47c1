import "server-only";
import { eq } from "drizzle-orm";
import type { Db, DatabaseHandle } from "@/lib/db/types";
import { findingReviews, organizations, reportWebhooks } from "@/lib/db/schema";
import { executeSystemChange, type SystemChange } from "@/lib/door/system";
import { auditEntry } from "@/lib/audit/define-event";
import { getEnv } from "@/lib/env";
import { open } from "@/lib/security/secret-box";
import { ReportDelivered } from "./findings-audit";
import { reportMessage } from "./report-message";
import { computeReview, defaultSince } from "./review-repo";
import type { ReviewDto } from "./findings-dto";

// Sending the weekly report to the org's webhook. The URL is opened only here, only to send;
// what is said about a delivery (the audit log, the screens, the caller) names the host at most.

export const WEBHOOK_PURPOSE = "report-webhook-url";
/** A webhook that has not answered by then has failed: the report is still in Gatehouse. */
export const WEBHOOK_TIMEOUT_MS = 5000;

export type Delivery = { ok: true; message: string } | { ok: false; message: string };

/** POSTs `{ text }` as JSON; a clear sentence for any failure, never the URL. */
export async function postToWebhook(url: string, body: { text: string }, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<Delivery> {
  const host = new URL(url).host;
  try {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
    const said = (await res.text().catch(() => "")).replace(/\s+/g, " ").trim().slice(0, 200);
    if (res.ok) return { ok: true, message: `Delivered to ${host}.` };
    return { ok: false, message: `The webhook at ${host} answered ${res.status}${said ? `: “${said}”` : ""}. Check the URL in the report settings (or the channel it posts to); the review itself is unchanged.` };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    if (timedOut) return { ok: false, message: `The webhook at ${host} did not answer within ${timeoutMs / 1000} seconds. Try again later; the review itself is unchanged.` };
    const c = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
    const cause = c?.code ? String(c.code) : typeof c?.message === "string" && c.message ? c.message : "no connection";
    return { ok: false, message: `Could not reach the webhook at ${host} (${cause}). Check the URL in the report settings; the review itself is unchanged.` };
  }
}

export async function webhookOf(db: Db, orgId: string) {
  const [row] = await db.select().from(reportWebhooks).where(eq(reportWebhooks.orgId, orgId));
  return row ?? null;
}

/** The webhook's URL, opened; a URL sealed under another AUTH_SECRET is said to be entered again. */
export function webhookUrl(row: { urlEncrypted: string }): string | null {
  try {
    return open(WEBHOOK_PURPOSE, row.urlEncrypted);
  } catch {
    return null;
  }
}

const UNREADABLE = "The stored webhook URL cannot be read (AUTH_SECRET changed since it was set): an admin enters it again in the report settings.";

export async function recordDeliveryStatus(tx: Db, orgId: string, d: Delivery): Promise<void> {
  await tx.update(reportWebhooks).set({ lastStatus: d.ok ? "delivered" : "failed", lastMessage: d.message, lastAt: new Date() }).where(eq(reportWebhooks.orgId, orgId));
}

const recordDelivery: SystemChange<{ trigger: "sign_off" | "weekly"; reviewId: string | null; delivery: Delivery; counts: ReviewDto["counts"] }, void> = {
  action: ReportDelivered.action,
  async run({ tx, actor, input, audit }) {
    await recordDeliveryStatus(tx, actor.orgId, input.delivery);
    await audit({
      ...auditEntry(ReportDelivered, { id: input.reviewId ?? actor.orgId, label: input.reviewId ? "Signed-off review" : "Weekly review" }, { trigger: input.trigger, delivered: input.delivery.ok, message: input.delivery.message, counts: { ...input.counts } }),
      outcome: input.delivery.ok ? "success" : "failure",
    });
  },
};

/**
 * Sends a review to the org's webhook, if one is set for `trigger`, and records the outcome
 * (the webhook's last status, an audit row by Gatehouse). A failure is recorded and returned,
 * never thrown: the review (and its sign-off) stands whatever the webhook does.
 */
export async function deliverReport(handle: DatabaseHandle, orgId: string, trigger: "sign_off" | "weekly", reviewId: string | null): Promise<Delivery | null> {
  const row = await webhookOf(handle.db, orgId);
  if (!row || (trigger === "sign_off" ? !row.onSignOff : !row.weekly)) return null;
  const [org] = await handle.db.select({ slug: organizations.slug }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) return null;
  let review: ReviewDto;
  let heading: string;
  let note: string | undefined;
  let path = `/orgs/${org.slug}/review`;
  if (reviewId) {
    const [signed] = await handle.db.select().from(findingReviews).where(eq(findingReviews.id, reviewId));
    if (!signed || signed.orgId !== orgId) return null;
    review = signed.review as unknown as ReviewDto;
    heading = `Review #${signed.number}, signed off by ${signed.signedOffBy}`;
    note = signed.note;
    path = `${path}/${signed.id}`;
  } else {
    const until = new Date();
    const fallback = await defaultSince(handle.db, orgId, until);
    review = await computeReview(handle.db, orgId, fallback.since, until, fallback.baseline);
    heading = "This week's review, not signed off yet";
  }
  const url = webhookUrl(row);
  const delivery: Delivery = url
    ? await postToWebhook(url, reportMessage(review, { orgSlug: org.slug, heading, note, path, baseUrl: getEnv().AUTH_URL }))
    : { ok: false, message: UNREADABLE };
  const actor = { kind: "system" as const, process: "scheduler" as const, orgId, orgSlug: org.slug };
  await executeSystemChange(handle, actor, recordDelivery, { trigger, reviewId, delivery, counts: review.counts });
  return delivery;
}

/** The weekly schedule: every org with `weekly` on gets its open review. */
export async function deliverWeeklyReports(handle: DatabaseHandle): Promise<void> {
  const rows = await handle.db.select({ orgId: reportWebhooks.orgId }).from(reportWebhooks).where(eq(reportWebhooks.weekly, true));
  for (const r of rows) await deliverReport(handle, r.orgId, "weekly", null);
}

export { UNREADABLE as WEBHOOK_UNREADABLE };
