// Member management rules beyond the matrix: messages a user can act on, the last-admin
// rule (also under concurrency), and IdP-derived memberships at sign-in.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, createUser, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { auditEvents, membershipRemovals, memberships } from "@/lib/db/schema";
import { executeUseCase } from "@/lib/door/use-case";
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

/** An organisation with members but no admin (as a GitHub App connection can create one). */
async function createOrgWithoutAdmin() {
  const o = await createTestOrg(handle.db);
  await handle.db.delete(memberships).where(and(eq(memberships.orgId, o.id), eq(memberships.role, "admin")));
  return o;
}

const auditActions = (orgId: string, action: string) =>
  handle.db.select().from(auditEvents).where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.action, action)));

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
  it("a bootstrap admin becomes admin only of organisations with no admin at all, once, audited", async () => {
    const adminless = await createOrgWithoutAdmin();
    const withAdmin = await createTestOrg(handle.db);
    const user = await createUser(handle.db, `boot-${crypto.randomUUID()}@example.test`);
    const config = { bootstrapAdmins: [user.email], groupRoles: [] };
    await applySignInMemberships(handle.db, user, [], config);
    await applySignInMemberships(handle.db, user, [], config);
    expect((await findMemberByEmail(handle.db, adminless.id, user.email))?.role).toBe("admin");
    expect(await findMemberByEmail(handle.db, withAdmin.id, user.email)).toBeNull();
    expect(await auditActions(adminless.id, "member.bootstrap_admin")).toHaveLength(1);
    expect(await auditActions(withAdmin.id, "member.bootstrap_admin")).toHaveLength(0);
  });

  it("a bootstrap admin an admin removed stays removed: the organisation has an admin again", async () => {
    const o = await createOrgWithoutAdmin();
    const boot = await createUser(handle.db, `boot-${crypto.randomUUID()}@example.test`);
    const config = { bootstrapAdmins: [boot.email], groupRoles: [] };
    await applySignInMemberships(handle.db, boot, [], config);
    // The bootstrap admin hands over to a real admin, who then removes them.
    const real = await createUser(handle.db, `real-${crypto.randomUUID()}@example.test`);
    expect((await executeUseCase(handle, boot, addMember, { orgSlug: o.slug, email: real.email, role: "admin" }, testMeta())).ok).toBe(true);
    const bootId = (await findMemberByEmail(handle.db, o.id, boot.email))!.id;
    expect((await executeUseCase(handle, real, removeMember, { orgSlug: o.slug, memberId: bootId }, testMeta())).ok).toBe(true);

    await applySignInMemberships(handle.db, boot, [], config);
    expect(await findMemberByEmail(handle.db, o.id, boot.email)).toBeNull();
    expect(await auditActions(o.id, "member.bootstrap_admin")).toHaveLength(1);
  });

  it("a bootstrap admin becomes admin of an organisation with no admin even where they hold a lower role", async () => {
    const o = await createOrgWithoutAdmin();
    const boot = await createUser(handle.db, `boot-${crypto.randomUUID()}@example.test`);
    await handle.db.insert(memberships).values({ orgId: o.id, email: boot.email, role: "viewer", source: "manual" });
    await applySignInMemberships(handle.db, boot, [], { bootstrapAdmins: [boot.email], groupRoles: [] });
    expect((await findMemberByEmail(handle.db, o.id, boot.email))?.role).toBe("admin");
    const [event] = await auditActions(o.id, "member.bootstrap_admin");
    expect(event?.metadata).toMatchObject({ email: boot.email, from: "viewer", to: "admin" });
  });

  it("a member an admin removed by hand is not re-created from IdP groups until an admin adds them again", async () => {
    const o = await createTestOrg(handle.db);
    const user = await createUser(handle.db, `grp-${crypto.randomUUID()}@example.test`);
    const config = { bootstrapAdmins: [], groupRoles: [{ group: "eng", orgSlug: o.slug, role: "responder" as const }] };
    await applySignInMemberships(handle.db, user, ["eng"], config);
    const derived = await findMemberByEmail(handle.db, o.id, user.email);
    expect(derived?.role).toBe("responder");

    const removed = await executeUseCase(handle, o.users.admin, removeMember, { orgSlug: o.slug, memberId: derived!.id }, testMeta());
    expect(removed.ok).toBe(true);
    const [removal] = await handle.db.select().from(membershipRemovals).where(and(eq(membershipRemovals.orgId, o.id), eq(membershipRemovals.email, user.email)));
    expect(removal).toMatchObject({ removedByUserId: o.users.admin.id, removedByEmail: o.users.admin.email });
    expect(removal?.removedAt).toBeInstanceOf(Date);

    // The IdP still lists the group: the removal sticks, sign-in after sign-in.
    await applySignInMemberships(handle.db, user, ["eng"], config);
    await applySignInMemberships(handle.db, user, ["eng"], config);
    expect(await findMemberByEmail(handle.db, o.id, user.email)).toBeNull();
    expect(await auditActions(o.id, "member.idp_sync")).toHaveLength(1);

    // An admin adds them back: the record is cleared and the role they set holds.
    const readded = await executeUseCase(handle, o.users.admin, addMember, { orgSlug: o.slug, email: user.email, role: "viewer" }, testMeta());
    expect(readded.ok).toBe(true);
    expect(await handle.db.select().from(membershipRemovals).where(eq(membershipRemovals.orgId, o.id))).toHaveLength(0);
    await applySignInMemberships(handle.db, user, ["eng"], config);
    expect((await findMemberByEmail(handle.db, o.id, user.email))?.role).toBe("viewer");
  });

  it("a removal is kept per organisation: the same person is still derived into another one", async () => {
    const a = await createTestOrg(handle.db);
    const b = await createTestOrg(handle.db);
    const user = await createUser(handle.db, `grp-${crypto.randomUUID()}@example.test`);
    const config = {
      bootstrapAdmins: [],
      groupRoles: [
        { group: "eng", orgSlug: a.slug, role: "viewer" as const },
        { group: "eng", orgSlug: b.slug, role: "viewer" as const },
      ],
    };
    await applySignInMemberships(handle.db, user, ["eng"], config);
    const inA = await findMemberByEmail(handle.db, a.id, user.email);
    expect((await executeUseCase(handle, a.users.admin, removeMember, { orgSlug: a.slug, memberId: inA!.id }, testMeta())).ok).toBe(true);
    await applySignInMemberships(handle.db, user, ["eng"], config);
    expect(await findMemberByEmail(handle.db, a.id, user.email)).toBeNull();
    expect((await findMemberByEmail(handle.db, b.id, user.email))?.role).toBe("viewer");
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
