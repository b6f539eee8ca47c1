import "server-only";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { DatabaseHandle } from "@/lib/db/types";
import { enqueue } from "@/lib/jobs/queue";
import { failUnfinishedRun, findConnectionByInstallation, queueCoalescedSync, type SyncScope } from "./connection-repo";
import { linkDeliveryToRun, pruneDeliveries, recordDelivery } from "./webhook-deliveries";
import { MAX_WEBHOOK_BYTES, readBodyCapped, TOO_LARGE } from "./webhook-body";
import { SYNCED_PIPELINE_PLACES } from "@/lib/analysis/ci-system";

export { BODY_DEDUPE_HOURS } from "./webhook-deliveries";
export { MAX_WEBHOOK_BYTES } from "./webhook-body";

export interface WebhookResult {
  status: number;
  body: { ok: boolean; message: string };
}

/** Paths whose change alters what the analysis sees. */
const RELEVANT = /^(\.github\/workflows\/|\.github\/actions\/|\.github\/CODEOWNERS$|CODEOWNERS$|docs\/CODEOWNERS$)/;

interface Payload {
  installation?: { id?: number };
  repository?: { id?: number };
  repositories_added?: { id: number }[];
  repositories_removed?: { id: number }[];
  commits?: { added?: string[]; modified?: string[]; removed?: string[] }[];
  head_commit?: { added?: string[]; modified?: string[]; removed?: string[] } | null;
}

type DeliveryHeaders = { event: string | null; delivery: string | null; signature: string | null };

/**
 * The webhook endpoint: headers are checked before the body is read, and the body is read
 * only up to GitHub's 25 MB cap (413 past it, before buffering more).
 */
export async function receiveWebhook(handle: DatabaseHandle, secret: string | null, req: Request): Promise<WebhookResult> {
  const headers = { event: req.headers.get("x-github-event"), delivery: req.headers.get("x-github-delivery"), signature: req.headers.get("x-hub-signature-256") };
  const early = checkHeaders(secret, headers);
  if (early) {
    await req.body?.cancel().catch(() => undefined);
    return early;
  }
  const body = await readBodyCapped(req, MAX_WEBHOOK_BYTES);
  if (body === TOO_LARGE) {
    return { status: 413, body: { ok: false, message: "The delivery is larger than GitHub's 25 MB webhook cap, so it is not GitHub's: refused unread." } };
  }
  return handleWebhook(handle, secret, headers, body);
}

function checkHeaders(secret: string | null, headers: DeliveryHeaders): WebhookResult | null {
  if (!secret) return { status: 503, body: { ok: false, message: "Webhooks are not configured: set GITHUB_WEBHOOK_SECRET to the App's webhook secret." } };
  if (!headers.signature || !headers.event || !headers.delivery) {
    return { status: 400, body: { ok: false, message: "Missing x-hub-signature-256, x-github-event or x-github-delivery header." } };
  }
  if (headers.delivery.length > 100 || headers.event.length > 100) return { status: 400, body: { ok: false, message: "The x-github-delivery or x-github-event header is too long." } };
  return null;
}

/** HMAC-SHA256 of the raw bytes, compared in constant time. */
function signatureMatches(secret: string, body: Uint8Array, header: string): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!m) return false;
  return timingSafeEqual(createHmac("sha256", secret).update(body).digest(), Buffer.from(m[1]!, "hex"));
}

/**
 * Handles one GitHub webhook delivery: verifies its HMAC signature with the App's webhook
 * secret, ignores a replay (a delivery id seen before, or the same body within
 * BODY_DEDUPE_HOURS — the signature covers the body, not the delivery id), and queues the
 * smallest sync that brings the inventory up to date, coalesced with any sync of the same
 * organisation still queued. Unsigned or wrongly signed deliveries are refused.
 */
export async function handleWebhook(handle: DatabaseHandle, secret: string | null, headers: DeliveryHeaders, rawBody: string | Uint8Array): Promise<WebhookResult> {
  const early = checkHeaders(secret, headers);
  if (early) return early;
  const body = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
  if (!signatureMatches(secret!, body, headers.signature!)) {
    return { status: 401, body: { ok: false, message: "Signature does not match: check that GITHUB_WEBHOOK_SECRET equals the App's webhook secret." } };
  }
  let payload: Payload;
  try {
    payload = JSON.parse(Buffer.from(body).toString("utf8")) as Payload;
  } catch {
    return { status: 400, body: { ok: false, message: "The delivery body is not JSON." } };
  }
  const event = headers.event!;
  const deliveryId = headers.delivery!;
  const bodySha256 = createHash("sha256").update(body).digest("hex");

  const outcome = await handle.db.transaction(async (tx) => {
    const replayOf = await recordDelivery(tx, { deliveryId, event, bodySha256 });
    if (replayOf) return { kind: "replay" as const, replayOf };
    await pruneDeliveries(tx);
    const installationId = payload.installation?.id;
    const connection = typeof installationId === "number" ? await findConnectionByInstallation(tx, installationId) : null;
    if (!connection) return { kind: "unconnected" as const };
    const scope = planSync(event, payload);
    if (!scope) return { kind: "no-sync" as const };
    const queued = await queueCoalescedSync(tx, connection.orgId, scope);
    await linkDeliveryToRun(tx, deliveryId, queued.runId, queued.coalesced);
    return { kind: "queued" as const, orgId: connection.orgId, scope, ...queued };
  });

  switch (outcome.kind) {
    case "replay":
      return {
        status: 200,
        body: { ok: true, message: outcome.replayOf === deliveryId ? "Delivery already processed." : `Delivery already processed (the same body arrived as delivery ${outcome.replayOf}).` },
      };
    case "unconnected":
      return { status: 202, body: { ok: true, message: "No organisation is connected to this installation; ignored." } };
    case "no-sync":
      return { status: 202, body: { ok: true, message: `Event ${event} needs no sync.` } };
    case "queued":
      if (outcome.coalesced) return { status: 202, body: { ok: true, message: `Added to the sync already queued (run ${outcome.runId}).` } };
      try {
        await enqueue(handle, outcome.scope.kind === "org" ? "sync-org" : "sync-repo", { orgId: outcome.orgId, runId: outcome.runId });
      } catch (err) {
        await failUnfinishedRun(handle.db, outcome.orgId, outcome.runId, `The sync could not be queued: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
      return { status: 202, body: { ok: true, message: `Sync queued (${outcome.scope.kind}).` } };
  }
}

export function planSync(event: string, payload: Payload): SyncScope | null {
  const repoId = payload.repository?.id;
  switch (event) {
    case "push": {
      const paths = [...(payload.commits ?? []), ...(payload.head_commit ? [payload.head_commit] : [])].flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]);
      return repoId && paths.some((p) => RELEVANT.test(p) || SYNCED_PIPELINE_PLACES.test(p)) ? { kind: "repo", repoIds: [repoId], forceFiles: true } : null;
    }
    case "repository":
    case "installation_repositories":
      return { kind: "org" };
    case "deploy_key":
      return repoId ? { kind: "repo", repoIds: [repoId], forceFiles: false } : null;
    default:
      return null;
  }
}
