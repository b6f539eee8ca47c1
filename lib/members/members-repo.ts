import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { membershipRemovals, memberships, users } from "@/lib/db/schema";
import type { Role } from "@/lib/authz/roles";
import type { SessionUser } from "@/lib/authz/actor";
import { toMemberDto, type MemberDto } from "./members-dto";

const memberColumns = {
  id: memberships.id,
  email: memberships.email,
  role: memberships.role,
  source: memberships.source,
  createdAt: memberships.createdAt,
  name: users.name,
  userId: users.id,
};

export async function listMembers(db: Db, orgId: string): Promise<MemberDto[]> {
  const rows = await db
    .select(memberColumns)
    .from(memberships)
    .leftJoin(users, eq(users.email, memberships.email))
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(memberships.email));
  return rows.map(toMemberDto);
}

export async function findMember(db: Db, orgId: string, memberId: string): Promise<MemberDto | null> {
  const [row] = await db
    .select(memberColumns)
    .from(memberships)
    .leftJoin(users, eq(users.email, memberships.email))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.id, memberId)))
    .limit(1);
  return row ? toMemberDto(row) : null;
}

export async function findMemberByEmail(db: Db, orgId: string, email: string) {
  const [row] = await db
    .select({ id: memberships.id, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.email, email)))
    .limit(1);
  return row ?? null;
}

export async function insertMember(
  db: Db,
  orgId: string,
  email: string,
  role: Role,
  source: MemberDto["source"] = "manual",
): Promise<string> {
  const [row] = await db.insert(memberships).values({ orgId, email, role, source }).returning({ id: memberships.id });
  return row!.id;
}

export async function updateMemberRole(db: Db, orgId: string, memberId: string, role: Role): Promise<void> {
  await db
    .update(memberships)
    .set({ role, source: "manual", updatedAt: new Date() })
    .where(and(eq(memberships.orgId, orgId), eq(memberships.id, memberId)));
}

export async function deleteMember(db: Db, orgId: string, memberId: string): Promise<void> {
  await db.delete(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.id, memberId)));
}

/**
 * Locks the org's admin rows until the transaction ends and counts them, so two
 * concurrent demotions cannot both see "another admin remains".
 */
export async function lockAndCountAdmins(db: Db, orgId: string): Promise<number> {
  const rows = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "admin")))
    .for("update");
  return rows.length;
}

/** Records that an admin removed `email` from the org by hand (latest removal wins). */
export async function recordRemoval(db: Db, orgId: string, email: string, by: SessionUser): Promise<void> {
  const values = { removedByUserId: by.id, removedByEmail: by.email, removedAt: new Date() };
  await db
    .insert(membershipRemovals)
    .values({ orgId, email, ...values })
    .onConflictDoUpdate({ target: [membershipRemovals.orgId, membershipRemovals.email], set: values });
}

/** Forgets a manual removal (an admin added the person again); true when there was one. */
export async function clearRemoval(db: Db, orgId: string, email: string): Promise<boolean> {
  const rows = await db
    .delete(membershipRemovals)
    .where(and(eq(membershipRemovals.orgId, orgId), eq(membershipRemovals.email, email)))
    .returning({ id: membershipRemovals.id });
  return rows.length > 0;
}
