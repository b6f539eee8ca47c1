// The door's act phase and system actor: an intent commits and is audited, the change outside
// Gatehouse runs after, and its outcome is recorded (domain rows + its own audit row tied to the
// intent) whether it succeeded or threw. System changes are audited as Gatehouse itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { auditEvents, memberships } from "@/lib/db/schema";
import { OrgSlugSchema } from "@/lib/members/members-schema";
import { insertMember } from "@/lib/members/members-repo";
import { auditEntry, defineAuditEvent } from "@/lib/audit/define-event";
import { AppError } from "@/lib/http/errors";
import { executeUseCase, type UseCase } from "./use-case";
import { executeSystemChange } from "./system";

let handle: DatabaseHandle;
let org: TestOrg;

beforeAll(async () => {
  handle = await openTestDatabase();
  org = await createTestOrg(handle.db);
});
afterAll(async () => handle.close());

const Intent = defineAuditEvent("test.remote", "membership", z.object({ email: z.string() }));
const Input = z.object({ orgSlug: OrgSlugSchema, email: z.string(), remote: z.enum(["ok", "partial", "throws-app", "throws"]) });

/** Commits a viewer (the intent), then "calls GitHub"; record() promotes the member to responder when the call succeeded. */
const remote: UseCase<typeof Input, { calls: number }, undefined, { memberId: string }> = {
  action: Intent.action,
  permission: "member.manage",
  input: Input,
  async run({ tx, actor, input, audit }) {
    const memberId = await insertMember(tx, actor.orgId, input.email, "viewer");
    await audit(auditEntry(Intent, { id: memberId, label: input.email }, { email: input.email }));
    return { memberId };
  },
  outcome: {
    async act({ input }) {
      if (input.remote === "throws-app") throw new AppError("conflict", "GitHub said: workflow is already being disabled");
      if (input.remote === "throws") throw new Error("socket hang up (internal detail)");
      if (input.remote === "partial") return { status: "partial", summary: "1 of 2 calls failed: Not Found", data: { calls: 2 }, metadata: { failed: 1 } };
      return { status: "succeeded", summary: "2 calls made", data: { calls: 2 }, metadata: { failed: 0 } };
    },
    async record({ tx, actor, intent, outcome }) {
      const role = outcome.status === "failed" ? "viewer" : "responder";
      await tx.update(memberships).set({ role }).where(and(eq(memberships.orgId, actor.orgId), eq(memberships.id, intent.memberId)));
    },
  },
};

const rows = (requestId: string) => handle.db.select().from(auditEvents).where(eq(auditEvents.requestId, requestId)).orderBy(auditEvents.id);
const member = async (email: string) => (await handle.db.select().from(memberships).where(eq(memberships.email, email)))[0];

describe("the act phase", () => {
  it("succeeded: the intent, then the outcome tied to it, and the domain rows the outcome wrote", async () => {
    const email = `ok-${crypto.randomUUID()}@example.test`;
    const meta = testMeta();
    const r = await executeUseCase(handle, org.users.admin, remote, { orgSlug: org.slug, email, remote: "ok" }, meta);
    expect(r).toEqual({ ok: true, data: { calls: 2 } });
    expect((await member(email))?.role).toBe("responder");
    const audit = await rows(meta.requestId);
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ["test.remote", "success"],
      ["test.remote.outcome", "success"],
    ]);
    expect(audit[1]).toMatchObject({ actorEmail: org.users.admin.email, metadata: { intent: "test.remote", status: "succeeded", summary: "2 calls made", failed: 0 } });
  });

  it("partial: recorded as a success row whose status says partial, with the domain's own counts", async () => {
    const email = `partial-${crypto.randomUUID()}@example.test`;
    const meta = testMeta();
    const r = await executeUseCase(handle, org.users.admin, remote, { orgSlug: org.slug, email, remote: "partial" }, meta);
    expect(r.ok).toBe(true);
    expect((await rows(meta.requestId))[1]).toMatchObject({ outcome: "success", metadata: { status: "partial", failed: 1 } });
  });

  it("act throws a user-facing error: the intent stays, the outcome is a failure with that message, record still ran", async () => {
    const email = `app-${crypto.randomUUID()}@example.test`;
    const meta = testMeta();
    const r = await executeUseCase(handle, org.users.admin, remote, { orgSlug: org.slug, email, remote: "throws-app" }, meta);
    expect(r).toEqual({ ok: false, error: { code: "conflict", message: "GitHub said: workflow is already being disabled" } });
    expect((await member(email))?.role).toBe("viewer");
    const audit = await rows(meta.requestId);
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ["test.remote", "success"],
      ["test.remote.outcome", "failure"],
    ]);
    expect(audit[1]!.metadata).toMatchObject({ status: "failed", summary: "GitHub said: workflow is already being disabled" });
  });

  it("act throws anything else: the outcome names the request id, never the internal message", async () => {
    const email = `boom-${crypto.randomUUID()}@example.test`;
    const meta = testMeta();
    const r = await executeUseCase(handle, org.users.admin, remote, { orgSlug: org.slug, email, remote: "throws" }, meta);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: "internal", requestId: meta.requestId });
    const audit = await rows(meta.requestId);
    expect(audit[1]!.outcome).toBe("failure");
    expect(JSON.stringify(audit[1]!.metadata)).not.toContain("socket hang up");
    expect(JSON.stringify(audit[1]!.metadata)).toContain(meta.requestId);
  });

  it("a refused intent never acts: no outcome row, no change", async () => {
    const email = `refused-${crypto.randomUUID()}@example.test`;
    const meta = testMeta();
    const r = await executeUseCase(handle, org.users.viewer, remote, { orgSlug: org.slug, email, remote: "ok" }, meta);
    expect(r.ok).toBe(false);
    expect(await member(email)).toBeUndefined();
    expect((await rows(meta.requestId)).map((a) => [a.action, a.outcome])).toEqual([["test.remote", "denied"]]);
  });
});

describe("system changes", () => {
  it("are audited as Gatehouse itself, in the change's transaction", async () => {
    const email = `sys-${crypto.randomUUID()}@example.test`;
    const id = await executeSystemChange(handle, { kind: "system", process: "sync", orgId: org.id, orgSlug: org.slug }, {
      action: "test.system",
      async run({ tx, actor, input, audit }) {
        const memberId = await insertMember(tx, actor.orgId, input, "viewer");
        await audit(auditEntry(Intent, { id: memberId, label: input }, { email: input }));
        return memberId;
      },
    }, email);
    const [row] = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.orgId, org.id), eq(auditEvents.targetId, id)));
    expect(row).toMatchObject({ actorUserId: null, actorEmail: null, actorName: "Gatehouse (sync)", actorRole: "system", outcome: "success" });
    expect(row!.requestId).toMatch(/^system-/);
  });

  it("roll back whole when they fail: no change, no audit row", async () => {
    const email = `sysfail-${crypto.randomUUID()}@example.test`;
    await expect(
      executeSystemChange(handle, { kind: "system", process: "scheduler", orgId: org.id, orgSlug: org.slug }, {
        action: "test.system",
        async run({ tx, actor, input, audit }) {
          const memberId = await insertMember(tx, actor.orgId, input, "viewer");
          await audit(auditEntry(Intent, { id: memberId, label: input }, { email: input }));
          throw new Error("failed after writing");
        },
      }, email),
    ).rejects.toThrow("failed after writing");
    expect(await member(email)).toBeUndefined();
    expect(await handle.db.select().from(auditEvents).where(eq(auditEvents.targetLabel, email))).toHaveLength(0);
  });
});
