import "server-only";
import { Webhooks } from "@octokit/webhooks";
import type { DatabaseHandle } from "@/lib/db/types";
import { webhookDeliveries } from "@/lib/db/schema";
import { enqueue } from "@/lib/jobs/queue";
import { createSyncRun, findConnectionByInstallation } from "./connection-repo";

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

/**
 * Handles one GitHub webhook delivery: verifies its HMAC signature with the App's webhook
 * secret, ignores a delivery id seen before (replays), and enqueues the smallest sync
 * that brings the inventory up to date. Unsigned or wrongly signed deliveries are refused.
 */
export async function handleWebhook(
  handle: DatabaseHandle,
  secret: string | null,
  headers: { event: string | null; delivery: string | null; signature: string | null },
  rawBody: string,
): Promise<WebhookResult> {
  if (!secret) return { status: 503, body: { ok: false, message: "Webhooks are not configured: set GITHUB_WEBHOOK_SECRET to the App's webhook secret." } };
  if (!headers.signature || !headers.event || !headers.delivery) {
    return { status: 400, body: { ok: false, message: "Missing x-hub-signature-256, x-github-event or x-github-delivery header." } };
  }
  const webhooks = new Webhooks({ secret });
  if (!(await webhooks.verify(rawBody, headers.signature).catch(() => false))) {
    return { status: 401, body: { ok: false, message: "Signature does not match: check that GITHUB_WEBHOOK_SECRET equals the App's webhook secret." } };
  }
  let payload: Payload;
  try {
    payload = JSON.parse(rawBody) as Payload;
  } catch {
    return { status: 400, body: { ok: false, message: "The delivery body is not JSON." } };
  }
  const fresh = await handle.db
    .insert(webhookDeliveries)
    .values({ deliveryId: headers.delivery, event: headers.event })
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.deliveryId });
  if (fresh.length === 0) return { status: 200, body: { ok: true, message: "Delivery already processed." } };

  const installationId = payload.installation?.id;
  const connection = installationId ? await findConnectionByInstallation(handle.db, installationId) : null;
  if (!connection) return { status: 202, body: { ok: true, message: "No organisation is connected to this installation; ignored." } };

  const plan = planSync(headers.event, payload);
  if (!plan) return { status: 202, body: { ok: true, message: `Event ${headers.event} needs no sync.` } };
  const runId = await createSyncRun(handle.db, connection.orgId, { scope: plan.kind === "org" ? "org" : "repo", trigger: "webhook", requestedBy: null });
  if (plan.kind === "org") await enqueue(handle, "sync-org", { orgId: connection.orgId, runId });
  else await enqueue(handle, "sync-repo", { orgId: connection.orgId, runId, repoIds: plan.repoIds, forceFiles: plan.forceFiles });
  return { status: 202, body: { ok: true, message: `Sync queued (${plan.kind}).` } };
}

type Plan = { kind: "org" } | { kind: "repo"; repoIds: number[]; forceFiles: boolean };

export function planSync(event: string, payload: Payload): Plan | null {
  const repoId = payload.repository?.id;
  switch (event) {
    case "push": {
      const paths = [...(payload.commits ?? []), ...(payload.head_commit ? [payload.head_commit] : [])].flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]);
      return repoId && paths.some((p) => RELEVANT.test(p)) ? { kind: "repo", repoIds: [repoId], forceFiles: true } : null;
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
