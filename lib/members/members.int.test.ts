// Member management rules beyond the matrix: messages a user can act on, the last-admin
// rule (also under concurrency), and IdP-derived memberships at sign-in.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, createUser, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { auditEvents, memberships } from "@/lib/db/schema";
import { executeUseCase } from "@/lib/http/use-case";
import { applySignInMemberships } from "@/lib/auth/sign-in-memberships";
import { addMember, changeMemberRole, removeMember } from "./members-service";
import { findMemberByEmail, listMembers } from "./members-repo";

let handle: DatabaseHandle;
let org: TestOrg;

beforeAll(async () => {
  handle = await openTestDatabase();
  org = await createTestOrg(handle.db);
});
afterAll(async () => handle.close());

const adminId = async (o: TestOrg) => (await findMemberByEmail(handle.db, o.id, o.users.admin.email))!.id;

describe("members", () => {
  it("adding an existing member is a conflict that says what to do", async () => {
    const r = await executeUseCase(handle, org.users.admin, addMember, { orgSlug: org.slug, email: org.users.viewer.email.toUpperCase(), role: "admin" }, testMeta());
    expect(r).toMatchObject({ ok: false, error: { code: "conflict", message: `${org.users.viewer.email} is already a member (Viewer). Change their role instead.` } });
  });

  it("the last admin can be neither demoted nor removed; with a second admin both work", async () => {
    const o = await createTestOrg(handle.db);
    const id = await adminId(o);
    const demote = await executeUseCase(handle, o.users.admin, changeMemberRole, { orgSlug: o.slug, memberId: id, role: "viewer" }, testMeta());
    expect(demote).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(demote.ok ? "" : demote.error.message).toMatch(/at least one admin/);
    const remove = await executeUseCase(handle, o.users.admin, removeMember, { orgSlug: o.slug, memberId: id }, testMeta());
    expect(remove).toMatchObject({ ok: false, error: { code: "conflict" } });

    const second = await findMemberByEmail(handle.db, o.id, o.users.responder.email);
    expect((await executeUseCase(handle, o.users.admin, changeMemberRole, { orgSlug: o.slug, memberId: second!.id, role: "admin" }, testMeta())).ok).toBe(true);
    expect((await executeUseCase(handle, o.users.admin, removeMember, { orgSlug: o.slug, memberId: id }, testMeta())).ok).toBe(true);
    const left = await listMembers(handle.db, o.id);
    expect(left.filter((m) => m.role === "admin").map((m) => m.email)).toEqual([o.users.responder.email]);
  });

  // Needs two real connections: PostgreSQL only (PGlite serialises everything on one).
  it.skipIf(!inject("databaseUrl"))("two admins demoting each other at once leave one admin", async () => {
    const o = await createTestOrg(handle.db);
    const second = await findMemberByEmail(handle.db, o.id, o.users.responder.email);
    await executeUseCase(handle, o.users.admin, changeMemberRole, { orgSlug: o.slug, memberId: second!.id, role: "admin" }, testMeta());
    const first = await adminId(o);
    const results = await Promise.all([
      executeUseCase(handle, o.users.admin, changeMemberRole, { orgSlug: o.slug, memberId: second!.id, role: "viewer" }, testMeta()),
      executeUseCase(handle, o.users.responder, changeMemberRole, { orgSlug: o.slug, memberId: first, role: "viewer" }, testMeta()),
    ]);
    const admins = (await listMembers(handle.db, o.id)).filter((m) => m.role === "admin");
    expect(admins).toHaveLength(1);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });
});

describe("memberships derived at sign-in", () => {
  it("a bootstrap admin becomes admin of orgs where they have no membership, once, audited", async () => {
    const o = await createTestOrg(handle.db);
    const user = await createUser(handle.db, `boot-${crypto.randomUUID()}@example.test`);
    const config = { bootstrapAdmins: [user.email], groupRoles: [] };
    await applySignInMemberships(handle.db, user, [], config);
    await applySignInMemberships(handle.db, user, [], config);
    const m = await findMemberByEmail(handle.db, o.id, user.email);
    expect(m?.role).toBe("admin");
    const events = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, o.id), eq(auditEvents.action, "member.bootstrap_admin")));
    expect(events).toHaveLength(1);
  });

  it("IdP groups grant the highest mapped role, follow the IdP, and never override a role an admin set", async () => {
    const o = await createTestOrg(handle.db);
    const user = await createUser(handle.db, `grp-${crypto.randomUUID()}@example.test`);
    const config = {
      bootstrapAdmins: [],
      groupRoles: [
        { group: "eng", orgSlug: o.slug, role: "viewer" as const },
        { group: "oncall", orgSlug: o.slug, role: "responder" as const },
      ],
    };
    await applySignInMemberships(handle.db, user, ["eng", "oncall"], config);
    expect((await findMemberByEmail(handle.db, o.id, user.email))?.role).toBe("responder");
    await applySignInMemberships(handle.db, user, ["eng"], config);
    expect((await findMemberByEmail(handle.db, o.id, user.email))?.role).toBe("viewer");
    await applySignInMemberships(handle.db, user, [], config);
    expect(await findMemberByEmail(handle.db, o.id, user.email)).toBeNull();

    // An admin-set role is left alone by the mapping.
    const manual = await createUser(handle.db, `man-${crypto.randomUUID()}@example.test`);
    await handle.db.insert(memberships).values({ orgId: o.id, email: manual.email, role: "admin", source: "manual" });
    await applySignInMemberships(handle.db, manual, ["eng"], config);
    expect((await findMemberByEmail(handle.db, o.id, manual.email))?.role).toBe("admin");
  });
});
