import "server-only";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { getDatabase } from "@/lib/db";
import { currentUser } from "@/lib/auth/current-user";
import { AppError } from "@/lib/http/errors";
import { can, resolveActor, type Actor } from "@/lib/authz/actor";
import type { Permission } from "@/lib/authz/roles";
import { listOrgsForUser, type OrgMembershipDto } from "./orgs-repo";

export interface OrgPageContext {
  actor: Actor;
  orgs: OrgMembershipDto[];
}

/**
 * What every org page needs: the signed-in user (else → sign-in), their role in the org
 * (not a member → 404, the same answer as a missing org), and their other orgs for the
 * switcher. Cached per request so layout and page share one lookup.
 */
export const getOrgPageContext = cache(async (orgSlug: string): Promise<OrgPageContext> => {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(`/orgs/${orgSlug}`)}`);
  const { db } = await getDatabase();
  let actor: Actor;
  try {
    actor = await resolveActor(db, user, orgSlug);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
  return { actor, orgs: await listOrgsForUser(db, user.email) };
});

/** For pages gated on a permission: a member without it gets the 404 page too. */
export async function requirePagePermission(orgSlug: string, permission: Permission): Promise<OrgPageContext> {
  const ctx = await getOrgPageContext(orgSlug);
  if (!can(ctx.actor, permission)) notFound();
  return ctx;
}
