import "server-only";
import { and, desc, eq, ilike, lt, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { auditEvents } from "@/lib/db/schema";
import { AUDIT_PAGE_SIZE, type AuditFilters } from "./audit-schema";

export interface AuditEventDto {
  id: number;
  occurredAt: string;
  actorEmail: string | null;
  actorName: string | null;
  actorRole: string | null;
  action: string;
  outcome: "success" | "denied" | "failure";
  targetType: string | null;
  targetLabel: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  metadata: Record<string, unknown>;
}

export interface AuditPage {
  events: AuditEventDto[];
  nextBefore: number | null;
}

/** One page of the org's audit log, newest first. orgId is always in the where clause. */
export async function listAuditEvents(db: Db, orgId: string, filters: Omit<AuditFilters, "orgSlug">): Promise<AuditPage> {
  const where: SQL[] = [eq(auditEvents.orgId, orgId)];
  if (filters.action) where.push(eq(auditEvents.action, filters.action));
  if (filters.outcome) where.push(eq(auditEvents.outcome, filters.outcome));
  if (filters.actor) where.push(ilike(auditEvents.actorEmail, `%${escapeLike(filters.actor)}%`));
  if (filters.before) where.push(lt(auditEvents.id, filters.before));
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE + 1);
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  return {
    events: page.map((r) => ({
      id: r.id,
      occurredAt: r.occurredAt.toISOString(),
      actorEmail: r.actorEmail,
      actorName: r.actorName,
      actorRole: r.actorRole,
      action: r.action,
      outcome: r.outcome,
      targetType: r.targetType,
      targetLabel: r.targetLabel,
      ip: r.ip,
      userAgent: r.userAgent,
      requestId: r.requestId,
      metadata: r.metadata,
    })),
    nextBefore: rows.length > AUDIT_PAGE_SIZE ? (page.at(-1)?.id ?? null) : null,
  };
}

/** The distinct action names recorded for the org, for the filter menu. */
export async function listAuditActions(db: Db, orgId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ action: auditEvents.action })
    .from(auditEvents)
    .where(eq(auditEvents.orgId, orgId))
    .orderBy(auditEvents.action);
  return rows.map((r) => r.action);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
