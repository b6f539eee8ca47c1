import "server-only";
import { and, eq, inArray, notExists } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { auditEvents, membershipRemovals, memberships, organizations } from "@/lib/db/schema";
import { clearRemoval } from "@/lib/members/members-repo";
import type { Role } from "@/lib/authz/roles";
import { ROLES } from "@/lib/authz/roles";

export interface SignInRoleConfig {
  bootstrapAdmins: string[];
  groupRoles: { group: string; orgSlug: string; role: Role }[];
}

const rank = (r: Role) => ROLES.indexOf(r);

/**
 * Derives memberships at sign-in, in one transaction:
 * - a bootstrap admin email becomes admin of every organisation that has no admin at all
 *   (and of no other: once an org has an admin, only admins decide who is in it);
 * - AUTH_GROUP_ROLES grants the highest role among the user's IdP groups. Only rows this
 *   mapping created (source idp-group) are changed or removed later: a role an admin set
 *   by hand always wins over the IdP, and a membership an admin removed by hand
 *   (membership_removal) is not re-created until an admin adds the person again.
 * Every change is audited with the user as actor and "idp" as their role.
 */
export async function applySignInMemberships(
  db: Db,
  user: { id: string; email: string; name: string | null },
  groups: string[],
  config: SignInRoleConfig,
): Promise<void> {
  const email = user.email.toLowerCase();
  await db.transaction(async (tx) => {
    const audit = (orgId: string, orgSlug: string, action: string, metadata: Record<string, unknown>) =>
      tx.insert(auditEvents).values({
        orgId,
        orgSlug,
        actorUserId: user.id,
        actorEmail: email,
        actorName: user.name,
        actorRole: "idp",
        action,
        outcome: "success",
        targetType: "membership",
        targetLabel: email,
        metadata,
      });

    if (config.bootstrapAdmins.includes(email)) {
      const adminless = await tx
        .select({ id: organizations.id, slug: organizations.slug })
        .from(organizations)
        .where(
          notExists(
            tx
              .select({ id: memberships.id })
              .from(memberships)
              .where(and(eq(memberships.orgId, organizations.id), eq(memberships.role, "admin"))),
          ),
        );
      for (const org of adminless) {
        const [existing] = await tx
          .select({ id: memberships.id, role: memberships.role })
          .from(memberships)
          .where(and(eq(memberships.orgId, org.id), eq(memberships.email, email)));
        if (existing) {
          await tx.update(memberships).set({ role: "admin", source: "bootstrap", updatedAt: new Date() }).where(eq(memberships.id, existing.id));
        } else {
          const inserted = await tx
            .insert(memberships)
            .values({ orgId: org.id, email, role: "admin", source: "bootstrap" })
            .onConflictDoNothing()
            .returning({ id: memberships.id });
          if (inserted.length === 0) continue;
        }
        // The organisation had no admin: recovering it outranks an earlier manual removal.
        const overrodeRemoval = await clearRemoval(tx, org.id, email);
        await audit(org.id, org.slug, "member.bootstrap_admin", {
          email,
          role: "admin",
          from: existing?.role ?? null,
          to: "admin",
          ...(overrodeRemoval ? { overrodeRemoval } : {}),
        });
      }
    }

    if (config.groupRoles.length === 0) return;
    const wanted = new Map<string, Role>();
    for (const m of config.groupRoles) {
      if (!groups.includes(m.group)) continue;
      const prev = wanted.get(m.orgSlug);
      if (!prev || rank(m.role) > rank(prev)) wanted.set(m.orgSlug, m.role);
    }
    const mappedSlugs = [...new Set(config.groupRoles.map((m) => m.orgSlug))];
    const orgs = await tx
      .select({ id: organizations.id, slug: organizations.slug })
      .from(organizations)
      .where(inArray(organizations.slug, mappedSlugs));
    for (const org of orgs) {
      const [existing] = await tx
        .select({ id: memberships.id, role: memberships.role, source: memberships.source })
        .from(memberships)
        .where(and(eq(memberships.orgId, org.id), eq(memberships.email, email)));
      const role = wanted.get(org.slug);
      if (!existing && role) {
        const [removal] = await tx
          .select({ id: membershipRemovals.id })
          .from(membershipRemovals)
          .where(and(eq(membershipRemovals.orgId, org.id), eq(membershipRemovals.email, email)));
        if (removal) continue;
        await tx.insert(memberships).values({ orgId: org.id, email, role, source: "idp-group" });
        await audit(org.id, org.slug, "member.idp_sync", { email, from: null, to: role, groups });
      } else if (existing?.source === "idp-group" && role && existing.role !== role) {
        await tx.update(memberships).set({ role, updatedAt: new Date() }).where(eq(memberships.id, existing.id));
        await audit(org.id, org.slug, "member.idp_sync", { email, from: existing.role, to: role, groups });
      } else if (existing?.source === "idp-group" && !role) {
        await tx.delete(memberships).where(eq(memberships.id, existing.id));
        await audit(org.id, org.slug, "member.idp_sync", { email, from: existing.role, to: null, groups });
      }
    }
  });
}
