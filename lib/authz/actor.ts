import "server-only";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { memberships, organizations } from "@/lib/db/schema";
import { AuditedRefusal, notFound } from "@/lib/http/errors";
import { ROLE_LABELS, roleGrants, type Permission, type Role } from "./roles";

/** Who is signed in: identity only. Authority is looked up per request (resolveActor). */
export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
}

/** A signed-in user acting within one organisation, with the role our tables give them. */
export interface Actor {
  user: SessionUser;
  orgId: string;
  orgSlug: string;
  orgName: string;
  role: Role;
}

/**
 * Resolves the caller's membership in orgSlug. Not a member, or no such organisation,
 * is the same answer — not found — so one tenant cannot probe for another's existence.
 */
export async function resolveActor(db: Db, user: SessionUser, orgSlug: string): Promise<Actor> {
  const [row] = await db
    .select({ orgId: organizations.id, orgSlug: organizations.slug, orgName: organizations.name, role: memberships.role })
    .from(organizations)
    .innerJoin(memberships, eq(memberships.orgId, organizations.id))
    .where(and(eq(organizations.slug, orgSlug.toLowerCase()), eq(memberships.email, user.email.toLowerCase())))
    .limit(1);
  if (!row) throw notFound("Organisation");
  return { user, ...row };
}

export class PermissionDenied extends AuditedRefusal {
  constructor(
    readonly actor: Actor,
    readonly permission: Permission,
  ) {
    super("forbidden", `Your role (${ROLE_LABELS[actor.role]}) does not allow this. Ask an admin of ${actor.orgSlug} for access.`, "permission");
    this.name = "PermissionDenied";
  }
}

/** First line of every use-case. Throws PermissionDenied, which the one door audits. */
export function requirePermission(actor: Actor, permission: Permission): void {
  if (!roleGrants(actor.role, permission)) throw new PermissionDenied(actor, permission);
}

export function can(actor: Actor, permission: Permission): boolean {
  return roleGrants(actor.role, permission);
}
