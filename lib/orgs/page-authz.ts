import "server-only";
import type { Db } from "@/lib/db/types";
import { AppError } from "@/lib/http/errors";
import { can, resolveActor, type Actor, type SessionUser } from "@/lib/authz/actor";
import type { Permission } from "@/lib/authz/roles";
import { recordDenial, recordNonMemberDenial } from "@/lib/audit/denials";
import type { RequestMeta } from "@/lib/audit/record";
import { logDenialFailure } from "@/lib/http/refusals";

/** The action of a page refused to its viewer (the 404 page instead). */
export const PAGE_VIEW = "page.view";

/** The caller's role in `orgSlug`; null (audited as a non-member's probe) when they have none. */
export async function resolvePageActor(db: Db, user: SessionUser, orgSlug: string, meta: RequestMeta): Promise<Actor | null> {
  try {
    return await resolveActor(db, user, orgSlug);
  } catch (err) {
    if (!(err instanceof AppError && err.code === "not_found")) throw err;
    await recordNonMemberDenial(db, user, orgSlug, meta, { action: PAGE_VIEW, permission: "org.read" }).catch((e: unknown) => logDenialFailure(meta, e));
    return null;
  }
}

/** Whether the actor may open a page gated on `permission`; a refusal is audited. */
export async function mayViewPage(db: Db, actor: Actor, permission: Permission, meta: RequestMeta): Promise<boolean> {
  if (can(actor, permission)) return true;
  await recordDenial(db, actor, meta, { action: PAGE_VIEW, reason: "permission", permission }).catch((e: unknown) => logDenialFailure(meta, e));
  return false;
}
