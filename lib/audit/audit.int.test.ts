// Audit atomicity: a write and its audit row commit or roll back together; a denial is
// recorded even though its transaction never ran; the table refuses change and removal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { eq, sql } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { auditEvents, memberships } from "@/lib/db/schema";
import { executeUseCase, type UseCase } from "@/lib/http/use-case";
import { OrgSlugSchema } from "@/lib/members/members-schema";
import { insertMember } from "@/lib/members/members-repo";
import { auditEntry, defineAuditEvent } from "./define-event";
import { listAuditEvents } from "./audit-repo";

let handle: DatabaseHandle;
let org: TestOrg;

beforeAll(async () => {
  handle = await openTestDatabase();
  org = await createTestOrg(handle.db);
});
afterAll(async () => handle.close());

const Probe = defineAuditEvent("test.probe", "membership", z.object({ email: z.string() }));
const ProbeInput = z.object({ orgSlug: OrgSlugSchema, email: z.string(), failAfterWrite: z.boolean(), skipAudit: z.boolean() });

/** Inserts a member and audits it, then optionally fails or "forgets" to audit. */
const probe: UseCase<typeof ProbeInput, { id: string }> = {
  action: Probe.action,
  permission: "member.manage",
  input: ProbeInput,
  async run({ tx, actor, input, audit }) {
    const id = await insertMember(tx, actor.orgId, input.email, "viewer");
    if (!input.skipAudit) await audit(auditEntry(Probe, { id, label: input.email }, { email: input.email }));
    if (input.failAfterWrite) throw new Error("boom: simulated failure after the write");
    return { id };
  },
};

const members = (email: string) => handle.db.select().from(memberships).where(eq(memberships.email, email));
const audits = (requestId: string) => handle.db.select().from(auditEvents).where(eq(auditEvents.requestId, requestId));

describe("audit atomicity", () => {
  it("a successful write commits with exactly one audit row", async () => {
    const email = `ok-${crypto.randomUUID()}@example.test`;
    const meta = testMeta();
    const r = await executeUseCase(handle, org.users.admin, probe, { orgSlug: org.slug, email, failAfterWrite: false, skipAudit: false }, meta);
    expect(r.ok).toBe(true);
    expect(await members(email)).toHaveLength(1);
    const rows = await audits(meta.requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: "test.probe", outcome: "success", targetLabel: email, userAgent: "vitest" });
  });

  it("a write that fails after writing leaves neither the change nor an audit row, and leaks no internals", async () => {
    const email = `fail-${crypto.randomUUID()}@example.test`;
    const meta = testMeta();
    const r = await executeUseCase(handle, org.users.admin, probe, { orgSlug: org.slug, email, failAfterWrite: true, skipAudit: false }, meta);
    expect(r).toMatchObject({ ok: false, error: { code: "internal", requestId: meta.requestId } });
    expect(JSON.stringify(r)).not.toContain("boom");
    expect(await members(email)).toHaveLength(0);
    expect(await audits(meta.requestId)).toHaveLength(0);
  });

  it("a write that does not audit itself is refused and rolled back", async () => {
    const email = `noaudit-${crypto.randomUUID()}@example.test`;
    const r = await executeUseCase(handle, org.users.admin, probe, { orgSlug: org.slug, email, failAfterWrite: false, skipAudit: true }, testMeta());
    expect(r).toMatchObject({ ok: false, error: { code: "internal" } });
    expect(await members(email)).toHaveLength(0);
  });

  it("a denial leaves one audit row and no change", async () => {
    const email = `denied-${crypto.randomUUID()}@example.test`;
    const meta = testMeta();
    const r = await executeUseCase(handle, org.users.viewer, probe, { orgSlug: org.slug, email, failAfterWrite: false, skipAudit: false }, meta);
    expect(r).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await members(email)).toHaveLength(0);
    const rows = await audits(meta.requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: "denied", actorEmail: org.users.viewer.email, actorRole: "viewer", orgId: org.id });
  });
});

describe("append-only", () => {
  it.each([
    ["UPDATE", sql`update audit_event set action = 'tampered'`],
    ["DELETE", sql`delete from audit_event`],
    ["TRUNCATE", sql`truncate audit_event`],
  ])("the database refuses %s", async (op, statement) => {
    const before = await handle.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents);
    expect(Number(before[0]!.n)).toBeGreaterThan(0);
    // Drizzle wraps the driver's error; the database's own message is its cause.
    const err = await handle.db.execute(statement).then(() => null, (e: unknown) => e as Error & { cause?: Error });
    expect(err?.cause?.message).toMatch(new RegExp(`audit_event is append-only: ${op} is not allowed`));
    const after = await handle.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents);
    expect(after).toEqual(before);
  });
});

describe("audit listing", () => {
  it("filters by action, outcome and actor, newest first, only the org's own events", async () => {
    const other = await createTestOrg(handle.db);
    const email = `list-${crypto.randomUUID()}@example.test`;
    await executeUseCase(handle, org.users.admin, probe, { orgSlug: org.slug, email, failAfterWrite: false, skipAudit: false }, testMeta());
    await executeUseCase(handle, org.users.responder, probe, { orgSlug: org.slug, email: `x-${email}`, failAfterWrite: false, skipAudit: false }, testMeta());
    await executeUseCase(handle, other.users.admin, probe, { orgSlug: other.slug, email: `o-${email}`, failAfterWrite: false, skipAudit: false }, testMeta());

    const denied = await listAuditEvents(handle.db, org.id, { outcome: "denied" });
    expect(denied.events.length).toBeGreaterThan(0);
    expect(denied.events.every((e) => e.outcome === "denied")).toBe(true);

    const byResponder = await listAuditEvents(handle.db, org.id, { actor: "responder@" });
    expect(byResponder.events.every((e) => e.actorEmail?.startsWith("responder@"))).toBe(true);

    const all = await listAuditEvents(handle.db, org.id, { action: "test.probe" });
    expect(all.events.map((e) => e.id)).toEqual([...all.events.map((e) => e.id)].sort((a, b) => b - a));
    expect(JSON.stringify(all.events)).not.toContain(`o-${email}`);
  });
});
