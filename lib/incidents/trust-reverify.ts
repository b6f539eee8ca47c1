import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { incidentItems, incidents, trustRevocations } from "@/lib/db/schema";
import type { TrustSourceRead } from "@/lib/cloud/types";
import { readAwsRoleState } from "@/lib/cloud/aws/revoke";
import type { GcpTrust } from "@/lib/trust/types";
import type { TrustConnections } from "@/lib/trust-sources/readers";
import { appendEvent } from "./timeline";

// The manual path's verification (issue 11 item 5): a revocation the responder ran by hand
// (`trust_revocation.mode = manual`) is re-verified at the next read of its trust source — "Read
// now" or the read after a sync — with the source's read-only connection:
//  - AWS: the role's AWSRevokeOlderSessions denies sessions issued before a time after the
//    incident started (the command hands out the moment of planning; any later run is fine);
//  - Google Cloud: the provider is disabled in the read (or gone);
//  - Azure, Vault: the federated credential / role is gone from the read.
// Its item turns `verified` once every revocation of the item is; a timeline event says so.

export interface PendingRevocation {
  id: string;
  itemId: string;
  incidentId: string;
  provider: string;
  externalId: string;
  trustName: string;
  startedAt: Date;
}

export interface Reverified {
  id: string;
  evidence: string;
}

/** The manual revocations of a source not verified yet (open incidents, not restored). */
export async function pendingManualRevocations(db: Db, orgId: string, sourceId: string): Promise<PendingRevocation[]> {
  return db
    .select({ id: trustRevocations.id, itemId: trustRevocations.itemId, incidentId: trustRevocations.incidentId, provider: trustRevocations.provider, externalId: trustRevocations.externalId, trustName: trustRevocations.trustName, startedAt: incidents.startedAt })
    .from(trustRevocations)
    .innerJoin(incidents, and(eq(incidents.id, trustRevocations.incidentId), eq(incidents.orgId, orgId)))
    .where(and(eq(trustRevocations.orgId, orgId), eq(trustRevocations.sourceId, sourceId), eq(trustRevocations.mode, "manual"), eq(trustRevocations.verified, false), isNull(trustRevocations.restoredAt), eq(incidents.status, "open")));
}

/** The instant an AWSRevokeOlderSessions document cuts at, or null when it is not one. */
export function revokeOlderSessionsTime(doc: unknown): Date | null {
  const statements = (doc as { Statement?: unknown } | null)?.Statement;
  for (const s of Array.isArray(statements) ? statements : [statements]) {
    const st = s as { Effect?: string; Action?: unknown; Condition?: { DateLessThan?: Record<string, unknown> } } | undefined;
    const at = st?.Effect === "Deny" && st.Action === "*" ? st.Condition?.DateLessThan?.["aws:TokenIssueTime"] : undefined;
    if (typeof at === "string" && !Number.isNaN(Date.parse(at))) return new Date(at);
  }
  return null;
}

/** Network part (no transaction): which pending revocations the cloud now shows. */
export async function checkManualRevocations(provider: string, conn: unknown, read: TrustSourceRead, pending: PendingRevocation[]): Promise<Reverified[]> {
  const out: Reverified[] = [];
  for (const p of pending) {
    const now = read.trusts.find((t) => t.id === p.externalId);
    if (provider === "aws") {
      try {
        const state = await readAwsRoleState(conn as TrustConnections["aws"], p.trustName);
        const at = revokeOlderSessionsTime(state.revokeOlderSessions);
        if (at && at.getTime() > p.startedAt.getTime()) out.push({ id: p.id, evidence: `Re-read ${p.trustName}: AWSRevokeOlderSessions denies sessions issued before ${at.toISOString()}, after the incident started (${p.startedAt.toISOString()}).` });
      } catch {
        // Unreadable now (a refusal, the network): it stays unverified until a read shows it.
      }
    } else if (provider === "gcp") {
      if (!now || (now as GcpTrust).disabled) out.push({ id: p.id, evidence: `Re-read ${p.trustName}: the provider is ${now ? "disabled" : "gone"}.` });
    } else if (!now) out.push({ id: p.id, evidence: `Re-read: ${p.trustName} is gone from the source.` });
  }
  return out;
}

/** Transaction part: the revocations verified, and each item whose revocations all are, `verified` with the evidence. */
export async function recordReverified(tx: Db, orgId: string, actor: string, pending: PendingRevocation[], found: Reverified[]): Promise<number> {
  const now = new Date();
  for (const f of found) {
    await tx
      .update(trustRevocations)
      .set({ verified: true, verifiedAt: now, evidence: [f.evidence] })
      .where(and(eq(trustRevocations.orgId, orgId), eq(trustRevocations.id, f.id), eq(trustRevocations.verified, false)));
  }
  const items = [...new Set(pending.filter((p) => found.some((f) => f.id === p.id)).map((p) => p.itemId))];
  for (const itemId of items) {
    const rows = await tx.select({ verified: trustRevocations.verified }).from(trustRevocations).where(and(eq(trustRevocations.orgId, orgId), eq(trustRevocations.itemId, itemId), isNull(trustRevocations.restoredAt)));
    if (!rows.every((r) => r.verified)) continue;
    const [item] = await tx.select().from(incidentItems).where(and(eq(incidentItems.orgId, orgId), eq(incidentItems.id, itemId)));
    if (!item || item.status === "skipped") continue;
    const text = found.filter((f) => pending.find((p) => p.id === f.id)?.itemId === itemId).map((f) => f.evidence).join("\n");
    await tx
      .update(incidentItems)
      .set({ status: "verified", statusReason: null, evidence: [...item.evidence, { at: now.toISOString(), by: actor, text }], updatedAt: now, updatedBy: actor })
      .where(and(eq(incidentItems.orgId, orgId), eq(incidentItems.id, itemId)));
    await appendEvent(tx, { orgId, incidentId: item.incidentId, actor, type: "verified", message: `${item.label}: verified — ${text}`.slice(0, 2000), data: { itemId } });
  }
  return items.length;
}
