import "server-only";
import { headers } from "next/headers";
import { getEnv } from "@/lib/env";
import { getDatabase } from "@/lib/db";
import { currentUser } from "@/lib/auth/current-user";
import type { Result } from "./errors";
import { executeUseCase, fail, type OrgInputSchema, type UseCase } from "./use-case";
import { requestMetaFrom } from "./request-meta";
import { auditRefusal } from "./refusals";
import { crossSite, crossSiteMessage } from "./write-guard";

/**
 * Turns a use-case into a server action: the only way the UI writes. Call the returned
 * function from a "use server" module; it never throws to the client.
 *
 * Next.js already aborts an action whose Origin host differs from X-Forwarded-Host / Host
 * (but lets one without Origin through); the same cross-site rule as route handlers is
 * applied here too, so a refused attempt is audited and the rule is ours, not a framework
 * default.
 */
export function defineAction<S extends OrgInputSchema, R, P>(useCase: UseCase<S, R, P>) {
  return async (input: unknown): Promise<Result<R>> => {
    const requestHeaders = await headers();
    const meta = requestMetaFrom(requestHeaders);
    const [handle, user] = await Promise.all([getDatabase(), currentUser()]);
    const cross = user ? crossSite(requestHeaders, null, getEnv()) : null;
    if (user && cross) {
      const orgSlug = input && typeof input === "object" && "orgSlug" in input && typeof input.orgSlug === "string" ? input.orgSlug : "";
      const details = { origin: cross.origin, secFetchSite: cross.fetchSite };
      await auditRefusal(handle.db, user, orgSlug, meta, { action: useCase.action, permission: useCase.permission, reason: "cross_site", details });
      return fail({ code: "forbidden", message: crossSiteMessage(cross) });
    }
    return executeUseCase(handle, user, useCase, input, meta);
  };
}
