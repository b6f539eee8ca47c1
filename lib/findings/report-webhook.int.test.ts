// The weekly report's webhook against a real HTTP receiver on this machine: an admin sets it (the
// URL sealed, never answered, never in the audit log), sends a test, and Gatehouse posts each
// signed-off review and the weekly one. A receiver that fails or hangs gives a clear message,
// is recorded, and loses nothing: the sign-off stands.
process.env.AUTH_SECRET ??= "report-webhook-tests-auth-secret-0123456789";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, like } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { auditEvents, findingReviews, reportWebhooks } from "@/lib/db/schema";
import { executeUseCase, type AnyUseCase } from "@/lib/door/use-case";
import { stopQueue } from "@/lib/jobs/queue";
import { configureReportWebhook, removeReportWebhook, testReportWebhook } from "./report-webhook-service";
import { deliverReport, deliverWeeklyReports, postToWebhook } from "./report-delivery";
import { signOffReview } from "./review-service";

interface Received {
  method: string;
  path: string;
  contentType: string | undefined;
  body: { text: string };
}

let handle: DatabaseHandle;
let org: TestOrg;
let server: Server;
let base: string;
let mode: "ok" | "fail" | "hang" = "ok";
const received: Received[] = [];
// A Slack-style path: the secret part of the URL.
const SECRET_PATH = "/services/T0001/B0002/s3cr3tWebhookToken";

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = "";
    req.on("data", (c: Buffer) => (data += c.toString("utf8")));
    req.on("end", () => resolve(data));
  });

type Result<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; fields?: Record<string, string> } };
const as = <T,>(role: "viewer" | "responder" | "admin", useCase: AnyUseCase, input: Record<string, unknown> = {}) =>
  executeUseCase(handle, org.users[role], useCase, { orgSlug: org.slug, ...input }, testMeta()) as Promise<Result<T>>;
const auditOf = (action: string) => handle.db.select().from(auditEvents).where(and(eq(auditEvents.orgId, org.id), like(auditEvents.action, `${action}%`)));

beforeAll(async () => {
  handle = await openTestDatabase();
  org = await createTestOrg(handle.db);
  server = createServer(async (req, res) => {
    const body = await read(req);
    received.push({ method: req.method!, path: req.url!, contentType: req.headers["content-type"], body: JSON.parse(body) as { text: string } });
    if (mode === "hang") return; // never answers
    if (mode === "fail") {
      res.writeHead(404, { "content-type": "text/plain" }).end("no_service");
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  mode = "ok";
  received.length = 0;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await stopQueue();
  await handle.close();
});

describe("the report webhook", () => {
  it("refuses a URL that is not https (http only to this machine), and a first setting without one", async () => {
    const insecure = await as("admin", configureReportWebhook, { url: "http://hooks.example.com/services/x", onSignOff: true, weekly: false });
    expect(insecure).toMatchObject({ ok: false, error: { code: "invalid_input", message: "Check url: must start with https:// (plain http only to localhost)" } });
    const none = await as("admin", configureReportWebhook, { onSignOff: true, weekly: false });
    expect(none).toMatchObject({ ok: false, error: { code: "invalid_input", message: expect.stringContaining("enter the incoming webhook's URL") } });
    const test = await as("admin", testReportWebhook);
    expect(test).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("is set by an admin, stored sealed, and never answered or audited", async () => {
    const r = await as<{ urlHint: string; onSignOff: boolean; weekly: boolean }>("admin", configureReportWebhook, { url: `${base}${SECRET_PATH}`, onSignOff: true, weekly: false });
    expect(r).toMatchObject({ ok: true, data: { urlHint: base, onSignOff: true, weekly: false } });
    expect(JSON.stringify(r)).not.toContain("s3cr3t");
    const [row] = await handle.db.select().from(reportWebhooks).where(eq(reportWebhooks.orgId, org.id));
    expect(row!.urlEncrypted).toMatch(/^v1\./);
    expect(row!.urlEncrypted).not.toContain("s3cr3t");
    const audit = await auditOf("report_webhook.configure");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: "success", actorEmail: org.users.admin.email, metadata: { host: base, urlChanged: true } });
    expect(JSON.stringify(audit)).not.toContain("s3cr3t");
    // A responder may not change where the report goes.
    expect(await as("responder", configureReportWebhook, { url: "https://evil.example/x", onSignOff: true, weekly: true })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("sends a test message to the receiver, and says clearly when the receiver fails or hangs", async () => {
    const ok = await as<{ delivered: boolean; message: string }>("admin", testReportWebhook);
    expect(ok).toMatchObject({ ok: true, data: { delivered: true, message: `Delivered to ${base.replace("http://", "")}.` } });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: "POST", path: SECRET_PATH, contentType: "application/json" });
    expect(received[0]!.body.text).toContain(`*Gatehouse test message for ${org.slug}*`);
    expect(received[0]!.body.text).toContain("when a review is signed off");

    mode = "fail";
    const failed = await as("admin", testReportWebhook);
    expect(failed).toMatchObject({ ok: false, error: { code: "upstream_failed", message: expect.stringContaining("answered 404: “no_service”. Check the URL") } });
    expect(JSON.stringify(failed)).not.toContain("s3cr3t");
    const [row] = await handle.db.select().from(reportWebhooks).where(eq(reportWebhooks.orgId, org.id));
    expect(row).toMatchObject({ lastStatus: "failed", lastMessage: expect.stringContaining("answered 404") });
    const outcomes = await auditOf("report_webhook.test.outcome");
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["failure", "success"]);

    mode = "hang";
    const hung = await postToWebhook(`${base}${SECRET_PATH}`, { text: "x" }, 300);
    expect(hung).toEqual({ ok: false, message: `The webhook at ${base.replace("http://", "")} did not answer within 0.3 seconds. Try again later; the review itself is unchanged.` });
    // A port where nothing listens any more.
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, "127.0.0.1", resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise((resolve) => gone.close(resolve));
    const refused = await postToWebhook(`http://127.0.0.1:${port}/services/x`, { text: "x" }, 1000);
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining(`Could not reach the webhook at 127.0.0.1:${port} (ECONNREFUSED)`) });
  });

  it("posts a signed-off review; a failing receiver leaves the sign-off standing, recorded", async () => {
    const signed = await as<{ id: string; number: number }>("responder", signOffReview, { note: "Quiet week: <!channel> nothing to chase." });
    expect(signed.ok).toBe(true);
    const reviewId = (signed as { data: { id: string } }).data.id;
    const d = await deliverReport(handle, org.id, "sign_off", reviewId);
    expect(d).toMatchObject({ ok: true });
    expect(received).toHaveLength(1);
    const text = received[0]!.body.text;
    expect(text).toContain(`*Weekly review of CI credentials — ${org.slug}*`);
    expect(text).toContain(`Review #1, signed off by ${org.users.responder.email}`);
    expect(text).toContain("> Quiet week: &lt;!channel&gt; nothing to chase.");
    expect(text).toContain("Nothing new, nothing came back, no exception ran out.");
    expect(text).toContain(`/orgs/${org.slug}/review/${reviewId}`);

    mode = "fail";
    const signed2 = await as<{ id: string }>("admin", signOffReview, { note: "Second review, webhook down." });
    expect(signed2.ok).toBe(true);
    const id2 = (signed2 as { data: { id: string } }).data.id;
    const failed = await deliverReport(handle, org.id, "sign_off", id2);
    expect(failed).toMatchObject({ ok: false, message: expect.stringContaining("answered 404") });
    expect(await handle.db.select({ id: findingReviews.id }).from(findingReviews).where(eq(findingReviews.id, id2))).toHaveLength(1);
    const deliveries = await auditOf("report.deliver");
    expect(deliveries.map((a) => [a.outcome, a.actorName, (a.metadata as { trigger: string }).trigger])).toEqual(
      expect.arrayContaining([
        ["success", "Gatehouse (scheduler)", "sign_off"],
        ["failure", "Gatehouse (scheduler)", "sign_off"],
      ]),
    );
    expect(JSON.stringify(deliveries)).not.toContain("s3cr3t");
  });

  it("sends the open review weekly only when asked, and nothing once removed", async () => {
    await deliverWeeklyReports(handle);
    expect(received).toHaveLength(0);
    // Changing when it is sent keeps the stored URL (no need to enter the secret again).
    expect(await as("admin", configureReportWebhook, { onSignOff: false, weekly: true })).toMatchObject({ ok: true, data: { urlHint: base, onSignOff: false, weekly: true } });
    await deliverWeeklyReports(handle);
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe(SECRET_PATH);
    expect(received[0]!.body.text).toContain("This week's review, not signed off yet");
    expect(await deliverReport(handle, org.id, "sign_off", null)).toBeNull();

    expect(await as("admin", removeReportWebhook)).toMatchObject({ ok: true });
    await deliverWeeklyReports(handle);
    expect(received).toHaveLength(1);
    expect(await as("admin", removeReportWebhook)).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});
