import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { organizations } from "@/lib/db/schema";
import type { SessionUser } from "@/lib/authz/actor";
import type { DenialReason } from "@/lib/http/errors";
import { DenialMetadataSchema } from "./define-event";
import { DenialLimiter } from "./denial-limiter";
import { recordAudit, type RequestMeta, type UserSubject } from "./record";

export interface Denial {
  /** The use-case's or read's action name (`member.add`, `page.view`, …). */
  action: string;
  reason: DenialReason;
  permission?: string;
  target?: { type: string; id: string; label?: string };
  details?: Record<string, string | number | null>;
}

/** One per process: see denial-limiter.ts for why it is not shared. */
const limiter = new DenialLimiter();

/** The action of the row written when an actor reaches the limit. */
export const DENIALS_THROTTLED = "audit.denials_throttled";

/**
 * Records a refused attempt, on `db` itself (never inside the refused transaction, which
 * never started or rolled back), so it survives. Rate-limited per user: past the limit one
 * row says recording pauses and the rest are counted, not written.
 */
export async function recordDenial(db: Db, subject: UserSubject, meta: RequestMeta, denial: Denial): Promise<void> {
  const admission = limiter.admit(subject.user.id);
  if (admission.kind === "drop") return;
  if (admission.kind === "summarise") {
    await recordAudit(db, subject, meta, {
      action: DENIALS_THROTTLED,
      outcome: "denied",
      metadata: DenialMetadataSchema.parse({
        reason: "rate_limited",
        details: { limit: limiter.limit, windowSeconds: limiter.windowMs / 1000, resumesAt: admission.until.toISOString(), last: denial.action },
      }),
    });
    return;
  }
  await recordAudit(db, subject, meta, {
    action: denial.action,
    outcome: "denied",
    targetType: denial.target?.type,
    targetId: denial.target?.id,
    targetLabel: denial.target?.label,
    metadata: DenialMetadataSchema.parse({
      reason: denial.reason,
      permission: denial.permission,
      details: denial.details && Object.keys(denial.details).length > 0 ? denial.details : undefined,
      suppressed: admission.suppressedBefore > 0 ? admission.suppressedBefore : undefined,
    }),
  });
}

/**
 * A signed-in user who is not a member of `orgSlug` (or there is no such org) was refused
 * with a 404. The row goes to that organisation's log when it exists — its admins see who
 * probes it — and to no organisation's otherwise; the caller's answer is the same either way.
 */
export async function recordNonMemberDenial(db: Db, user: SessionUser, orgSlug: string, meta: RequestMeta, denial: Omit<Denial, "reason">): Promise<void> {
  const slug = orgSlug.toLowerCase().slice(0, 100);
  const [org] = slug ? await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, slug)).limit(1) : [];
  await recordDenial(db, { user, orgId: org?.id ?? null, orgSlug: slug, role: null }, meta, { ...denial, reason: "not_member" });
}
