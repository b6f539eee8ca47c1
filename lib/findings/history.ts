import "server-only";
import type { Db } from "@/lib/db/types";
import { findingEvents, type FindingEventData, type FindingEventType } from "@/lib/db/schema";

export interface FindingEventInput {
  orgId: string;
  findingId: string;
  fingerprint: string;
  type: FindingEventType;
  at: Date;
  /** A person's email, or "Gatehouse (<process>)". */
  actor: string;
  data: FindingEventData;
  syncRunId?: string | null;
}

const CHUNK = 500;

/** Appends to finding_event in the caller's transaction (the change and its history, or neither). */
export async function appendFindingEvents(tx: Db, events: FindingEventInput[]): Promise<void> {
  const rows = events.map((e) => ({ ...e, syncRunId: e.syncRunId ?? null }));
  for (let i = 0; i < rows.length; i += CHUNK) await tx.insert(findingEvents).values(rows.slice(i, i + CHUNK));
}
