import "server-only";
import type { Db } from "@/lib/db/types";
import { incidentEvents } from "@/lib/db/schema";

export type TimelineType =
  | "started"
  | "scope_frozen"
  | "exposure"
  | "drift"
  | "scope_added"
  | "item"
  | "note"
  | "action"
  | "action_result"
  | "verified"
  | "closed";

/** Appends one event to an incident's timeline (append-only: see the schema). Call it in the change's transaction. */
export async function appendEvent(
  tx: Db,
  e: { orgId: string; incidentId: string; actor: string; type: TimelineType; message: string; data?: Record<string, unknown> },
): Promise<void> {
  await tx.insert(incidentEvents).values({ orgId: e.orgId, incidentId: e.incidentId, actor: e.actor, type: e.type, message: e.message, data: e.data ?? {} });
}
