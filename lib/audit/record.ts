import "server-only";
import type { Db } from "@/lib/db/types";
import { auditEvents } from "@/lib/db/schema";
import type { Actor } from "@/lib/authz/actor";
import type { AuditEntry } from "./define-event";
import { DenialMetadataSchema } from "./define-event";

/** Facts about the HTTP request, captured by the one door and written with every event. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string;
}

/** Writes one audit row with tx — call it inside the transaction that makes the change. */
export async function recordAudit(tx: Db, actor: Actor, meta: RequestMeta, entry: AuditEntry): Promise<void> {
  await tx.insert(auditEvents).values({
    orgId: actor.orgId,
    orgSlug: actor.orgSlug,
    actorUserId: actor.user.id,
    actorEmail: actor.user.email,
    actorName: actor.user.name,
    actorRole: actor.role,
    action: entry.action,
    outcome: entry.outcome,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    targetLabel: entry.targetLabel ?? null,
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 512) ?? null,
    requestId: meta.requestId,
    metadata: entry.metadata,
  });
}

/**
 * Records a refused attempt. Called by the one door after the use-case's transaction has
 * ended, on a connection of its own, so the denial survives the rollback.
 */
export async function recordDenial(
  db: Db,
  actor: Actor,
  meta: RequestMeta,
  action: string,
  permission: string,
  target?: { type: string; id: string },
): Promise<void> {
  await recordAudit(db, actor, meta, {
    action,
    outcome: "denied",
    targetType: target?.type,
    targetId: target?.id,
    metadata: DenialMetadataSchema.parse({ permission }),
  });
}
