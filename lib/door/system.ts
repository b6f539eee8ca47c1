import "server-only";
import { randomUUID } from "node:crypto";
import type { DatabaseHandle, Db } from "@/lib/db/types";
import { recordAudit, type SystemActor } from "@/lib/audit/record";
import type { AuditEntry } from "@/lib/audit/define-event";

export type { SystemActor };

/**
 * A change Gatehouse makes by itself (no request, no person): a sync that sees a rotated
 * secret verifies the incident item, drift found after a sync is recorded. The same rule as
 * a user's use-case holds: one transaction that also writes its audit event, or nothing.
 */
export interface SystemChange<I, R> {
  action: string;
  run(ctx: { tx: Db; actor: SystemActor; input: I; audit(entry: AuditEntry): Promise<void> }): Promise<R>;
}

export async function executeSystemChange<I, R>(handle: DatabaseHandle, actor: SystemActor, change: SystemChange<I, R>, input: I): Promise<R> {
  const meta = { ip: null, userAgent: null, requestId: `system-${randomUUID()}` };
  // run may find nothing to change (no rotation seen): then it audits nothing; each change it makes, it audits.
  return handle.db.transaction((tx) => change.run({ tx, actor, input, audit: (entry) => recordAudit(tx, actor, meta, entry) }));
}
