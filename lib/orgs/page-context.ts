import "server-only";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { getDatabase } from "@/lib/db";
import { currentUser } from "@/lib/auth/current-user";
import type { Actor } from "@/lib/authz/actor";
import type { Permission } from "@/lib/authz/roles";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { listOrgsForUser, type OrgMembershipDto } from "./orgs-repo";
import { mayViewPage, resolvePageActor } from "./page-authz";

export interface OrgPageContext {
  actor: Actor;
  orgs: OrgMembershipDto[];
}

/**
 * What every org page needs: the signed-in user (else → sign-in), their role in the org
 * (not a member → 404, the same answer as a missing org, audited), and their other orgs for
 * the switcher. Cached per request so layout and page share one lookup (and one audit row).
 */
export const getOrgPageContext = cache(async (orgSlug: string): Promise<OrgPageContext> => {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(`/orgs/${orgSlug}`)}`);
  const { db } = await getDatabase();
  const actor = await resolvePageActor(db, user, orgSlug, requestMetaFrom(await headers()));
  if (!actor) notFound();
  return { actor, orgs: await listOrgsForUser(db, user.email) };
});

/** For pages gated on a permission: a member without it gets the 404 page too, audited. */
export async function requirePagePermission(orgSlug: string, permission: Permission): Promise<OrgPageContext> {
  const ctx = await getOrgPageContext(orgSlug);
  const { db } = await getDatabase();
  if (!(await mayViewPage(db, ctx.actor, permission, requestMetaFrom(await headers())))) notFound();
  return ctx;
}
