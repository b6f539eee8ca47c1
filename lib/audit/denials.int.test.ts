// Refusals that must leave a `denied` row: a page refused for lack of permission, a
// non-member's 404 (pages and API), the rate limit that keeps a scanner from flooding the
// table, and the request id of record (the server's, never the client's).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createSession, createTestOrg, createUser, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { auditEvents } from "@/lib/db/schema";
import { executeUseCase } from "@/lib/door/use-case";
import { defineRoute } from "@/lib/http/define-route";
import { addMember } from "@/lib/members/members-service";
import { addMemberRoute } from "@/lib/members/members-routes";
import { mayViewPage, resolvePageActor } from "@/lib/orgs/page-authz";
import { DENIALS_THROTTLED } from "./denials";

let handle: DatabaseHandle;
let org: TestOrg;

beforeAll(async () => {
  handle = await openTestDatabase();
  org = await createTestOrg(handle.db);
});
afterAll(async () => handle.close());
afterEach(() => vi.useRealTimers());

const byRequest = (requestId: string) => handle.db.select().from(auditEvents).where(eq(auditEvents.requestId, requestId));
const byActor = (email: string) => handle.db.select().from(auditEvents).where(eq(auditEvents.actorEmail, email)).orderBy(asc(auditEvents.id));

describe("pages", () => {
  it("a member refused a page for lack of permission leaves a denied row", async () => {
    const meta = testMeta();
    const actor = await resolvePageActor(handle.db, org.users.viewer, org.slug, meta);
    expect(actor).not.toBeNull();
    expect(await mayViewPage(handle.db, actor!, "audit.read", meta)).toBe(false);
    expect(await byRequest(meta.requestId)).toMatchObject([
      { orgId: org.id, action: "page.view", outcome: "denied", actorRole: "viewer", ip: "203.0.113.7", metadata: { reason: "permission", permission: "audit.read" } },
    ]);
    const allowed = testMeta();
    expect(await mayViewPage(handle.db, actor!, "inventory.read", allowed)).toBe(true);
    expect(await byRequest(allowed.requestId)).toEqual([]);
  });

  it("a non-member's 404 leaves a denied row in the probed organisation's log", async () => {
    const stranger = await createUser(handle.db, `stranger-${crypto.randomUUID()}@example.test`);
    const meta = testMeta();
    expect(await resolvePageActor(handle.db, stranger, org.slug, meta)).toBeNull();
    expect(await byRequest(meta.requestId)).toMatchObject([
      { orgId: org.id, orgSlug: org.slug, action: "page.view", outcome: "denied", actorEmail: stranger.email, actorRole: null, metadata: { reason: "not_member" } },
    ]);
  });

  it("probing an organisation that does not exist is recorded under no organisation", async () => {
    const stranger = await createUser(handle.db, `stranger-${crypto.randomUUID()}@example.test`);
    const meta = testMeta();
    expect(await resolvePageActor(handle.db, stranger, "no-such-org-here", meta)).toBeNull();
    expect(await byRequest(meta.requestId)).toMatchObject([{ orgId: null, orgSlug: "no-such-org-here", outcome: "denied", metadata: { reason: "not_member" } }]);
  });
});

describe("rate limit per actor", () => {
  it("a scanner gets 20 denied rows a minute, then one saying recording pauses; the next minute's first row counts what was dropped", async () => {
    const scanner = await createUser(handle.db, `scanner-${crypto.randomUUID()}@example.test`);
    const attempt = () => executeUseCase(handle, scanner, addMember, { orgSlug: org.slug, email: "x@example.test", role: "admin" }, testMeta());
    vi.useFakeTimers({ toFake: ["Date"] });
    for (let i = 0; i < 30; i++) expect(await attempt()).toMatchObject({ ok: false, error: { code: "not_found" } });
    const rows = await byActor(scanner.email);
    expect(rows).toHaveLength(21);
    expect(rows.slice(0, 20).every((r) => r.action === "member.add" && r.outcome === "denied")).toBe(true);
    expect(rows[20]).toMatchObject({ action: DENIALS_THROTTLED, outcome: "denied", metadata: { reason: "rate_limited", details: { limit: 20, windowSeconds: 60, last: "member.add" } } });

    vi.setSystemTime(Date.now() + 61_000);
    await attempt();
    const next = await byActor(scanner.email);
    expect(next).toHaveLength(22);
    expect(next[21]).toMatchObject({ action: "member.add", metadata: { reason: "not_member", suppressed: 9 } });
  });

  it("another actor is not held back by the scanner", async () => {
    const meta = testMeta();
    await executeUseCase(handle, org.users.viewer, addMember, { orgSlug: org.slug, email: "y@example.test", role: "viewer" }, meta);
    expect(await byRequest(meta.requestId)).toMatchObject([{ outcome: "denied", metadata: { reason: "permission" } }]);
  });
});

describe("request id and IP of record", () => {
  it("the request id is the server's; the client's is kept apart; no trusted proxy means no IP", async () => {
    const token = await createSession(handle.db, org.users.admin);
    const req = new Request("http://localhost/api/test", {
      method: "POST",
      headers: {
        cookie: `authjs.session-token=${token}`,
        "content-type": "application/json",
        "x-request-id": "client-chosen-id",
        "x-forwarded-for": "198.51.100.9",
        origin: "https://evil.example",
      },
      body: JSON.stringify({ email: `rid-${crypto.randomUUID()}@example.test`, role: "viewer" }),
    });
    const res = await defineRoute(addMemberRoute)(req, { params: Promise.resolve({ orgSlug: org.slug }) });
    expect(res.status).toBe(403);
    const requestId = res.headers.get("x-request-id")!;
    expect(requestId).not.toBe("client-chosen-id");
    expect(await byRequest("client-chosen-id")).toEqual([]);
    const [row] = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.requestId, requestId), eq(auditEvents.orgId, org.id)));
    expect(row).toMatchObject({ ip: null, metadata: { reason: "cross_site", clientRequestId: "client-chosen-id", details: { origin: "https://evil.example" } } });
  });
});
