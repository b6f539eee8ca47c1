import "server-only";
import { and, eq, gt, inArray, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { webhookDeliveries } from "@/lib/db/schema";

/**
 * A signed body seen within this window is a replay, whatever its delivery id. 72 hours is
 * GitHub's own redelivery horizon (deliveries can be redelivered for 3 days), so every
 * redelivery of a body already handled is recognised; past it a captured body can only queue
 * one more sync of what GitHub itself then reports (the sync reads GitHub, not the body), and
 * that sync coalesces with any other. A longer window would risk swallowing a genuinely new
 * event whose body happens to repeat byte for byte.
 */
export const BODY_DEDUPE_HOURS = 72;
/** Delivery records are kept this long, then pruned as new deliveries arrive. */
export const DELIVERY_RETENTION_DAYS = 30;
/** At most this many old records go per delivery: the table shrinks at 100 per insert. */
const PRUNE_BATCH = 100;

/**
 * Records a delivery unless it is a replay — the same delivery id ever (while its record is
 * kept), or the same body within BODY_DEDUPE_HOURS. Returns the earlier delivery's id for a
 * replay, null when recorded. An advisory lock on the body's hash serialises two copies of
 * one body arriving together. Call it in a transaction.
 */
export async function recordDelivery(tx: Db, d: { deliveryId: string; event: string; bodySha256: string }): Promise<string | null> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`gatehouse.webhook-body:${d.bodySha256}`}))`);
  const [seen] = await tx
    .select({ deliveryId: webhookDeliveries.deliveryId })
    .from(webhookDeliveries)
    .where(
      or(
        eq(webhookDeliveries.deliveryId, d.deliveryId),
        and(eq(webhookDeliveries.bodySha256, d.bodySha256), gt(webhookDeliveries.receivedAt, sql`now() - make_interval(hours => ${BODY_DEDUPE_HOURS})`)),
      ),
    )
    .limit(1);
  if (seen) return seen.deliveryId;
  const inserted = await tx.insert(webhookDeliveries).values(d).onConflictDoNothing().returning({ id: webhookDeliveries.deliveryId });
  return inserted.length > 0 ? null : d.deliveryId;
}

/** Removes up to PRUNE_BATCH records older than DELIVERY_RETENTION_DAYS, oldest first. */
export async function pruneDeliveries(tx: Db): Promise<void> {
  const old = tx
    .select({ id: webhookDeliveries.deliveryId })
    .from(webhookDeliveries)
    .where(lt(webhookDeliveries.receivedAt, sql`now() - make_interval(days => ${DELIVERY_RETENTION_DAYS})`))
    .orderBy(webhookDeliveries.receivedAt)
    .limit(PRUNE_BATCH);
  await tx.delete(webhookDeliveries).where(inArray(webhookDeliveries.deliveryId, old));
}

export async function linkDeliveryToRun(tx: Db, deliveryId: string, runId: string, coalesced: boolean): Promise<void> {
  await tx.update(webhookDeliveries).set({ syncRunId: runId, coalesced }).where(eq(webhookDeliveries.deliveryId, deliveryId));
}
