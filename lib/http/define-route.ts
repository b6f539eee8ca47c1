import "server-only";
import type { z } from "zod";
import { getEnv } from "@/lib/env";
import { getDatabase } from "@/lib/db";
import type { Db } from "@/lib/db/types";
import { findSessionActor, findSessionUser, sessionTokenFromCookieHeader } from "@/lib/auth/session";
import { PermissionDenied, requirePermission, type Actor, type SessionUser } from "@/lib/authz/actor";
import type { Permission } from "@/lib/authz/roles";
import { recordDenial, recordNonMemberDenial } from "@/lib/audit/denials";
import type { RequestMeta } from "@/lib/audit/record";
import { HTTP_STATUS, notFound, type Result } from "./errors";
import { executeUseCase, fail, invalidInput, toErrorBody, type OrgInputSchema, type UseCase } from "@/lib/door/use-case";
import { requestMetaFrom } from "./request-meta";
import { auditRefusal, logDenialFailure } from "./refusals";
import { crossSite, crossSiteMessage, isJsonContentType, UNSUPPORTED_MEDIA_TYPE_MESSAGE } from "./write-guard";

type Params = Record<string, string | string[]>;
type RouteContext = { params: Promise<Params> };

/** A read endpoint scoped to one organisation: needs `permission` there. */
export interface OrgReadRoute<S extends OrgInputSchema, R> {
  kind: "org-read";
  /** Name used in denial audit events, e.g. "member.list". */
  action: string;
  permission: Permission;
  input: S;
  /** `meta` is for a read that audits itself (an export): see lib/audit/README.md. */
  run(ctx: { db: Db; actor: Actor; input: z.infer<S>; meta: RequestMeta }): Promise<R>;
}

/** A read endpoint about the caller themself (their orgs): any signed-in user. */
export interface UserReadRoute<R> {
  kind: "user-read";
  run(ctx: { db: Db; user: SessionUser }): Promise<R>;
}

/** A write endpoint: a use-case, for the app's own pages (components/api/client.ts) and scripts alike. */
export interface WriteRoute<S extends OrgInputSchema, R> {
  kind: "write";
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- prepare's type is the use-case's own business
  useCase: UseCase<S, R, any, any>;
  successStatus?: number;
}

export type RouteDef<S extends OrgInputSchema, R> = OrgReadRoute<S, R> | UserReadRoute<R> | WriteRoute<S, R>;

/**
 * The one door for route handlers. Authenticates from the database session cookie
 * (anonymous → 401) and answers `{ ok, data }` or `{ ok: false, error: { code, message } }`
 * with the matching status. Reads take path params and the query string. Writes must come
 * from Gatehouse's own pages (else 403, audited) with a JSON object body (else 415 / 400),
 * and take path params and that body only: never the query string.
 */
export function defineRoute<S extends OrgInputSchema, R>(def: RouteDef<S, R>) {
  return async (req: Request, ctx?: RouteContext): Promise<Response> => {
    const meta = requestMetaFrom(req.headers);
    const respond = (result: Result<R>, okStatus = 200) =>
      Response.json(result, {
        status: result.ok ? okStatus : HTTP_STATUS[result.error.code],
        headers: { "x-request-id": meta.requestId, "cache-control": "no-store" },
      });
    try {
      const handle = await getDatabase();
      const token = sessionTokenFromCookieHeader(req.headers.get("cookie"));
      const unauthenticated = () => respond(fail({ code: "unauthenticated", message: "Sign in to use the API." }));
      const params = ctx ? await ctx.params : {};
      if (def.kind === "user-read") {
        const user = await findSessionUser(handle.db, token);
        if (!user) return unauthenticated();
        return respond({ ok: true, data: await def.run({ db: handle.db, user }) });
      }
      if (def.kind === "write") {
        const user = await findSessionUser(handle.db, token);
        if (!user) return unauthenticated();
        const cross = crossSite(req.headers, req.url, getEnv());
        if (cross) {
          const orgSlug = typeof params.orgSlug === "string" ? params.orgSlug : "";
          const { action, permission } = def.useCase;
          const details = { origin: cross.origin, secFetchSite: cross.fetchSite };
          await auditRefusal(handle.db, user, orgSlug, meta, { action, permission, reason: "cross_site", details });
          return respond(fail({ code: "forbidden", message: crossSiteMessage(cross) }));
        }
        if (!isJsonContentType(req.headers.get("content-type"))) return respond(fail({ code: "unsupported_media_type", message: UNSUPPORTED_MEDIA_TYPE_MESSAGE }));
        const body = await readJsonObject(req);
        if (typeof body === "string") return respond(fail({ code: "invalid_input", message: body }));
        // Path params win: a body cannot redirect a write to another organisation or member.
        return respond(await executeUseCase(handle, user, def.useCase, { ...body, ...params }, meta), def.successStatus ?? 200);
      }
      // An org read: the session and the membership in the path's organisation in one query.
      const raw = { ...Object.fromEntries(new URL(req.url).searchParams), ...params };
      const found = await findSessionActor(handle.db, token, typeof raw.orgSlug === "string" ? raw.orgSlug : "");
      if (!found) return unauthenticated();
      const parsed = def.input.safeParse(raw);
      if (!parsed.success) return respond(fail(invalidInput(parsed.error)));
      // Not a member, or no such organisation: the same answer (see resolveActor), audited.
      const actor = found.actor;
      if (!actor) {
        await recordNonMemberDenial(handle.db, found.user, parsed.data.orgSlug, meta, { action: def.action, permission: def.permission }).catch((e: unknown) =>
          logDenialFailure(meta, e),
        );
        throw notFound("Organisation");
      }
      try {
        requirePermission(actor, def.permission);
      } catch (err) {
        if (err instanceof PermissionDenied) {
          await recordDenial(handle.db, actor, meta, { action: def.action, reason: "permission", permission: def.permission }).catch((e: unknown) =>
            logDenialFailure(meta, e),
          );
        }
        throw err;
      }
      const data = await def.run({ db: handle.db, actor, input: parsed.data, meta });
      // A read may answer a file (exports): it is passed through as it is.
      if (data instanceof Response) return data;
      return respond({ ok: true, data });
    } catch (err) {
      return respond(fail(toErrorBody(err, meta.requestId)));
    }
  };
}

/** The body as a JSON object, or the sentence that says what is wrong with it. */
async function readJsonObject(req: Request): Promise<Record<string, unknown> | string> {
  const text = await req.text();
  if (!text.trim()) return "The request body is empty: send a JSON object ({} when there is nothing to send).";
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    return "The request body must be a JSON object.";
  } catch {
    return "The request body is not valid JSON.";
  }
}
