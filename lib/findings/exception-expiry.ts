import "server-only";
import { and, eq, inArray, isNull, lte } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/types";
import { findingExceptions, findings, organizations } from "@/lib/db/schema";
import { executeSystemChange } from "@/lib/door/system";
import { auditEntry } from "@/lib/audit/define-event";
import { ExceptionExpired } from "./findings-audit";
import { coveringExceptions, exceptionEventData, exceptionLabel, openFindingsCoveredBy } from "./exceptions-repo";
import { findingEventData, findingRows } from "./findings-repo";
import { appendFindingEvents } from "./history";

const SCHEDULER = "Gatehouse (scheduler)";

export interface ExpiredException {
  orgId: string;
  exceptionId: string;
  /** Open findings it covered that no other exception covers: they regressed. */
  regressed: number;
}

/**
 * Records each exception whose expiry has passed, once (the `exception-expiry` schedule, lib/jobs):
 * every open finding it covered that no other exception in force still covers regresses —
 * `regressedAt` stamped and an `exception_expired` event appended — and the expiry is audited as
 * Gatehouse (scheduler). The claim (`expiry_recorded_at`) is taken in the same transaction, so two
 * workers never record one expiry twice, and a failed run leaves it for the next.
 */
export async function expireExceptions(handle: DatabaseHandle, now = new Date()): Promise<ExpiredException[]> {
  const e = findingExceptions;
  const due = await handle.db
    .select({ id: e.id, orgId: e.orgId, orgSlug: organizations.slug })
    .from(e)
    .innerJoin(organizations, eq(organizations.id, e.orgId))
    .where(and(lte(e.expiresAt, now), isNull(e.revokedAt), isNull(e.expiryRecordedAt)))
    .orderBy(e.expiresAt);
  const done: ExpiredException[] = [];
  for (const d of due) {
    const result = await executeSystemChange(handle, { kind: "system", process: "scheduler", orgId: d.orgId, orgSlug: d.orgSlug }, {
      action: ExceptionExpired.action,
      async run({ tx, audit }) {
        const [claimed] = await tx
          .update(e)
          .set({ expiryRecordedAt: now })
          .where(and(eq(e.orgId, d.orgId), eq(e.id, d.id), isNull(e.expiryRecordedAt), isNull(e.revokedAt)))
          .returning();
        if (!claimed) return null;
        const covered = await openFindingsCoveredBy(tx, d.orgId, d.id);
        const stillCovered = await coveringExceptions(tx, d.orgId, now, covered.map((c) => c.id));
        const regressing = covered.filter((c) => !stillCovered.has(c.id)).map((c) => c.id);
        if (regressing.length > 0) {
          await tx.update(findings).set({ regressedAt: now }).where(and(eq(findings.orgId, d.orgId), inArray(findings.id, regressing)));
          const rows = await findingRows(tx, d.orgId, inArray(findings.id, regressing));
          await appendFindingEvents(
            tx,
            rows.map((r) => ({ orgId: d.orgId, findingId: r.id, fingerprint: r.fingerprint, type: "exception_expired", at: now, actor: SCHEDULER, data: { ...findingEventData(r), exception: exceptionEventData(claimed) } })),
          );
        }
        await audit(
          auditEntry(ExceptionExpired, { id: claimed.id, label: exceptionLabel(claimed) }, {
            kind: claimed.scope,
            rule: claimed.rule,
            repo: claimed.repoFullName,
            secret: claimed.secretName,
            findingId: claimed.findingId,
            expiresAt: claimed.expiresAt.toISOString(),
            covered: regressing.length,
          }),
        );
        return { orgId: d.orgId, exceptionId: d.id, regressed: regressing.length };
      },
    }, undefined);
    if (result) done.push(result);
  }
  return done;
}
