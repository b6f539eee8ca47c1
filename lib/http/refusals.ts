import "server-only";
import type { Db } from "@/lib/db/types";
import { resolveActor, type SessionUser } from "@/lib/authz/actor";
import { AppError } from "./errors";
import { recordDenial, recordNonMemberDenial, type Denial } from "@/lib/audit/denials";
import type { RequestMeta } from "@/lib/audit/record";
import { logger } from "@/lib/logger";

/**
 * Audits a refusal decided before the actor was resolved (a cross-site write): in the
 * caller's role when they are a member of `orgSlug`, as a non-member otherwise. Never throws:
 * a refusal stands even when its row cannot be written (that failure is logged).
 */
export async function auditRefusal(db: Db, user: SessionUser, orgSlug: string, meta: RequestMeta, denial: Denial): Promise<void> {
  try {
    const actor = await resolveActor(db, user, orgSlug).catch((err: unknown) => {
      if (err instanceof AppError && err.code === "not_found") return null;
      throw err;
    });
    if (actor) await recordDenial(db, actor, meta, denial);
    else await recordNonMemberDenial(db, user, orgSlug, meta, denial);
  } catch (err) {
    logDenialFailure(meta, err);
  }
}

export function logDenialFailure(meta: RequestMeta, err: unknown): void {
  logger.error("could not record a denial", { requestId: meta.requestId, error: err });
}
