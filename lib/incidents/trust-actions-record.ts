import "server-only";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import type { Actor } from "@/lib/authz/actor";
import { incidentItems, trustRevocations, type incidents } from "@/lib/db/schema";
import type { ItemStatus } from "@/lib/db/schema/incidents";
import type { ItemResult } from "./github-actions";
import type { TrustOutcome, TrustTarget } from "./trust-revoke";

// The outcomes of revoke-trust / restore-trust as the checklist and trust_revocation keep them.
// An item is `verified` only when every trust it names was revoked and re-read (Gatehouse's own
// status, like a verified rotation); `manual` leaves the status and hands out the commands.

const ITEM_STATUS: Record<TrustOutcome["mode"], ItemResult["status"]> = { applied: "done", restored: "done", manual: "manual", planned: "planned", failed: "failed" };

/** One result per item: the worst of its trusts' outcomes, every trust's calls and messages. */
export function trustItemResults(targets: TrustTarget[], outcomes: TrustOutcome[]): ItemResult[] {
  return targets.map((t) => {
    const mine = outcomes.filter((o) => o.itemId === t.itemId);
    const statuses = mine.map((o) => ITEM_STATUS[o.mode]);
    const status = statuses.includes("failed") ? "failed" : statuses.includes("manual") ? "manual" : statuses.includes("planned") ? "planned" : "done";
    return {
      itemId: t.itemId,
      label: t.label,
      status,
      message: mine.map((o) => (o.trust ? `${o.trust.name} (${o.trust.provider}, ${o.trust.sourceName}): ${o.message}` : o.message)).join("\n\n"),
      calls: mine.flatMap((o) => (o.mode === "manual" ? [] : (o.plan?.calls ?? []).map((c) => ({ method: c.action, path: c.target })))),
    };
  });
}

export async function recordTrustOutcomes(
  tx: Db,
  actor: Actor,
  r: { action: "revoke-trust" | "restore-trust"; incident: typeof incidents.$inferSelect; outcomes: TrustOutcome[]; previous: Record<string, string>; refused: ItemResult[] },
): Promise<void> {
  const now = new Date();
  const byItem = new Map<string, TrustOutcome[]>();
  for (const o of r.outcomes) byItem.set(o.itemId, [...(byItem.get(o.itemId) ?? []), o]);
  for (const [itemId, mine] of byItem) {
    const [item] = await tx.select().from(incidentItems).where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.id, itemId)));
    if (!item) continue;
    const evidence = [...item.evidence];
    const commands: string[] = [];
    for (const o of mine) {
      if (r.action === "revoke-trust" && o.trust && o.plan && (o.mode === "applied" || o.mode === "manual")) {
        await tx.insert(trustRevocations).values({
          orgId: actor.orgId,
          incidentId: r.incident.id,
          itemId,
          trustId: o.trust.trustId,
          sourceId: o.trust.sourceId,
          provider: o.trust.provider,
          externalId: o.trust.externalId,
          trustName: o.trust.name,
          mode: o.mode,
          plan: o.plan,
          appliedAt: now,
          appliedBy: actor.user.email,
          verified: o.mode === "applied",
          verifiedAt: o.mode === "applied" ? now : null,
          evidence: o.result?.evidence ?? [],
        });
      }
      if (o.mode === "manual" && o.plan) commands.push(...o.plan.commands);
      if (r.action === "restore-trust" && o.revocationId && o.mode === "restored" && o.result) {
        // AWS keeps AWSRevokeOlderSessions until its sessions expire: the revocation stays open until a restore removes it.
        const complete = o.trust?.provider !== "aws" || o.result.plan.calls.some((c) => c.action !== "iam:UpdateAssumeRolePolicy");
        await tx
          .update(trustRevocations)
          .set(complete ? { restoredAt: now, restoredBy: actor.user.email, restoreEvidence: o.result.evidence } : { restoreEvidence: o.result.evidence })
          .where(and(eq(trustRevocations.orgId, actor.orgId), eq(trustRevocations.id, o.revocationId), eq(trustRevocations.incidentId, r.incident.id)));
      }
      if (o.mode !== "manual") evidence.push({ at: now.toISOString(), by: actor.user.email, text: `${r.action}: ${o.message}${o.result ? `\n${o.result.evidence.join("\n")}` : ""}`.slice(0, 4000) });
    }
    const failed = mine.find((o) => o.mode === "failed");
    const allApplied = r.action === "revoke-trust" && mine.every((o) => o.mode === "applied");
    const status: ItemStatus = failed ? "failed" : allApplied ? "verified" : ((r.previous[itemId] ?? item.status) as ItemStatus);
    await tx
      .update(incidentItems)
      .set({
        status,
        statusReason: failed ? failed.message.slice(0, 1000) : null,
        evidence,
        ...(commands.length > 0 ? { command: commands.join("\n") } : {}),
        updatedAt: now,
        updatedBy: actor.user.email,
      })
      .where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.id, itemId)));
  }
}
