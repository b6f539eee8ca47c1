// Webhook deliveries through the route GitHub calls: bodies over GitHub's 25 MB cap are
// refused before they are buffered, a signed body replayed under a new delivery id is
// ignored, deliveries coalesce into one queued sync per organisation, and old delivery
// records are pruned.
import { createHmac, randomInt, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { uniqueSlug } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { githubConnections, organizations, syncRuns, webhookDeliveries } from "@/lib/db/schema";
import { stopQueue } from "@/lib/jobs/queue";
import { POST } from "@/app/api/github/webhooks/route";
import { claimRun } from "./connection-repo";
import { BODY_DEDUPE_HOURS, MAX_WEBHOOK_BYTES } from "./webhooks";

const SECRET = "webhook-secret-for-the-webhook-tests";
// Read once by lib/env and lib/connections/credentials, on the first delivery.
process.env.GATEHOUSE_GITHUB_TOKEN = "ghp_test_token_for_the_webhook_tests_000";
process.env.GITHUB_WEBHOOK_SECRET = SECRET;

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await stopQueue();
  await handle.close();
});

const MiB = 1024 * 1024;
const sign = (body: string | Uint8Array) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;

/** A Gatehouse org connected to an installation of its own. */
async function connectedOrg() {
  const slug = uniqueSlug("hook");
  const [org] = await handle.db.insert(organizations).values({ slug, name: slug }).returning({ id: organizations.id });
  const installationId = randomInt(1, 2 ** 31 - 1);
  await handle.db.insert(githubConnections).values({ orgId: org!.id, kind: "app", baseUrl: "https://api.github.com", installationId, accountLogin: slug });
  return { orgId: org!.id, installationId };
}

const pushBody = (installationId: number, repoId: number, unique = randomUUID()) =>
  JSON.stringify({ installation: { id: installationId }, repository: { id: repoId }, after: unique, commits: [{ modified: [".github/workflows/ci.yml"] }] });

async function deliver(body: string, opts: { event?: string; delivery?: string } = {}) {
  const delivery = opts.delivery ?? randomUUID();
  const res = await POST(
    new Request("http://localhost/api/github/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": opts.event ?? "push", "x-github-delivery": delivery, "x-hub-signature-256": sign(body) },
      body,
    }),
  );
  return { status: res.status, body: (await res.json()) as { ok: boolean; message: string }, delivery };
}

const queuedRuns = (orgId: string) => handle.db.select().from(syncRuns).where(and(eq(syncRuns.orgId, orgId), eq(syncRuns.status, "queued")));
const deliveryRow = async (id: string) => (await handle.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.deliveryId, id)))[0];

/** A body of `chunks` MiB, streamed without Content-Length, counting how much was pulled. */
function endlessBody(chunks: number) {
  const pulled = { chunks: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.chunks >= chunks) return controller.close();
      pulled.chunks++;
      controller.enqueue(new Uint8Array(MiB).fill(0x20));
    },
  });
  return { stream, pulled };
}

describe("body size", () => {
  it("a Content-Length over 25 MB is a 413 before a byte is read", async () => {
    const { stream, pulled } = endlessBody(64);
    const res = await POST(
      new Request("http://localhost/api/github/webhooks", {
        method: "POST",
        headers: { "content-length": String(MAX_WEBHOOK_BYTES + 1), "x-github-event": "push", "x-github-delivery": randomUUID(), "x-hub-signature-256": "sha256=00" },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect(((await res.json()) as { message: string }).message).toContain("25 MB");
    expect(pulled.chunks).toBeLessThanOrEqual(1);
  });

  it("a chunked body without Content-Length is read only up to the cap, then refused", async () => {
    const { stream, pulled } = endlessBody(64);
    const res = await POST(
      new Request("http://localhost/api/github/webhooks", {
        method: "POST",
        headers: { "x-github-event": "push", "x-github-delivery": randomUUID(), "x-hub-signature-256": "sha256=00" },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    // 25 MiB is 25 chunks: the 26th crosses the cap (one more may sit in the stream's queue).
    expect(pulled.chunks).toBeGreaterThanOrEqual(26);
    expect(pulled.chunks).toBeLessThanOrEqual(28);
  });

  it("a body under the cap is processed", async () => {
    const { installationId } = await connectedOrg();
    const r = await deliver(pushBody(installationId, 1));
    expect(r.status).toBe(202);
  });
});

describe("replays", () => {
  it("the same signed body under a new delivery id is acknowledged and ignored", async () => {
    const { orgId, installationId } = await connectedOrg();
    const body = pushBody(installationId, 11);
    const first = await deliver(body);
    expect(first).toMatchObject({ status: 202, body: { message: "Sync queued (repo)." } });
    const replay = await deliver(body);
    expect(replay.status).toBe(200);
    expect(replay.body.message).toBe(`Delivery already processed (the same body arrived as delivery ${first.delivery}).`);
    expect(await deliveryRow(replay.delivery)).toBeUndefined();
    expect(await queuedRuns(orgId)).toHaveLength(1);
  });

  it(`the same body after ${BODY_DEDUPE_HOURS} hours is processed again`, async () => {
    const { installationId } = await connectedOrg();
    const body = pushBody(installationId, 12);
    const first = await deliver(body);
    await handle.db
      .update(webhookDeliveries)
      .set({ receivedAt: sql`now() - make_interval(hours => ${BODY_DEDUPE_HOURS + 1})` })
      .where(eq(webhookDeliveries.deliveryId, first.delivery));
    expect((await deliver(body)).status).toBe(202);
  });
});

describe("coalescing", () => {
  it("pushes to several repositories while a sync is queued make one queued run covering them all", async () => {
    const { orgId, installationId } = await connectedOrg();
    const a = await deliver(pushBody(installationId, 21));
    const b = await deliver(pushBody(installationId, 22));
    const c = await deliver(pushBody(installationId, 21));
    const runs = await queuedRuns(orgId);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ scope: "repo", trigger: "webhook" });
    expect([...runs[0]!.repoIds!].sort()).toEqual([21, 22]);
    expect([...runs[0]!.forceFilesFor].sort()).toEqual([21, 22]);
    expect(b.body.message).toBe(`Added to the sync already queued (run ${runs[0]!.id}).`);
    expect(await deliveryRow(a.delivery)).toMatchObject({ syncRunId: runs[0]!.id, coalesced: false });
    expect(await deliveryRow(b.delivery)).toMatchObject({ syncRunId: runs[0]!.id, coalesced: true });
    expect(await deliveryRow(c.delivery)).toMatchObject({ syncRunId: runs[0]!.id, coalesced: true });
  });

  it("an organisation-wide event widens the queued run to the whole organisation", async () => {
    const { orgId, installationId } = await connectedOrg();
    await deliver(pushBody(installationId, 31));
    const org = await deliver(JSON.stringify({ installation: { id: installationId }, action: "added", repositories_added: [{ id: 32 }] }), { event: "installation_repositories" });
    expect(org.status).toBe(202);
    const runs = await queuedRuns(orgId);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ scope: "org", repoIds: null, forceFilesFor: [31] });
  });

  it("once the queued run has started, the next delivery queues a new one (and the runner reads what was merged)", async () => {
    const { orgId, installationId } = await connectedOrg();
    await deliver(pushBody(installationId, 41));
    await deliver(pushBody(installationId, 42));
    const [queued] = await queuedRuns(orgId);
    const claimed = await claimRun(handle.db, orgId, queued!.id);
    expect(claimed).toMatchObject({ repoIds: expect.arrayContaining([41, 42]), forceFilesFor: expect.arrayContaining([41, 42]) });
    // A plan job retried after its worker died takes the running run up again, same scope.
    expect(await claimRun(handle.db, orgId, queued!.id)).toEqual(claimed);
    const next = await deliver(pushBody(installationId, 41));
    expect(next.body.message).toBe("Sync queued (repo).");
    const runs = await queuedRuns(orgId);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.id).not.toBe(queued!.id);
  });

  it("concurrent deliveries for one organisation still make one queued run", async () => {
    const { orgId, installationId } = await connectedOrg();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => deliver(pushBody(installationId, 50 + i))));
    expect(results.every((r) => r.status === 202)).toBe(true);
    const runs = await queuedRuns(orgId);
    expect(runs).toHaveLength(1);
    expect([...runs[0]!.repoIds!].sort()).toEqual([50, 51, 52, 53, 54, 55, 56, 57]);
  });
});

describe("pruning", () => {
  it("delivery records older than 30 days are removed as new deliveries arrive", async () => {
    const { installationId } = await connectedOrg();
    const old = randomUUID();
    const recent = randomUUID();
    await handle.db.insert(webhookDeliveries).values([
      { deliveryId: old, event: "push", receivedAt: sql`now() - interval '31 days'` as unknown as Date },
      { deliveryId: recent, event: "push", receivedAt: sql`now() - interval '29 days'` as unknown as Date },
    ]);
    await deliver(pushBody(installationId, 61));
    expect(await deliveryRow(old)).toBeUndefined();
    expect(await deliveryRow(recent)).toBeDefined();
  });
});
