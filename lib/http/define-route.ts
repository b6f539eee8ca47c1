import "server-only";
import type { z } from "zod";
import { getDatabase } from "@/lib/db";
import type { Db } from "@/lib/db/types";
import { findSessionActor, findSessionUser, sessionTokenFromCookieHeader } from "@/lib/auth/session";
import { PermissionDenied, requirePermission, type Actor, type SessionUser } from "@/lib/authz/actor";
import { notFound } from "./errors";
import type { Permission } from "@/lib/authz/roles";
import { recordDenial, type RequestMeta } from "@/lib/audit/record";
import { HTTP_STATUS, type Result } from "./errors";
import { executeUseCase, fail, invalidInput, toErrorBody, type OrgInputSchema, type UseCase } from "./use-case";
import { requestMetaFrom } from "./request-meta";

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

/** A write endpoint: the same use-case the server actions run. */
export interface WriteRoute<S extends OrgInputSchema, R> {
  kind: "write";
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- prepare's type is the use-case's own business
  useCase: UseCase<S, R, any>;
  successStatus?: number;
}

export type RouteDef<S extends OrgInputSchema, R> = OrgReadRoute<S, R> | UserReadRoute<R> | WriteRoute<S, R>;

/**
 * The one door for route handlers. Authenticates from the database session cookie
 * (anonymous → 401), merges path params, query and JSON body into the input, and answers
 * `{ ok, data }` or `{ ok: false, error: { code, message } }` with the matching status.
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
      const invalidJson = () => respond(fail({ code: "invalid_input", message: "The request body is not valid JSON." }));
      if (def.kind !== "org-read") {
        const user = await findSessionUser(handle.db, token);
        if (!user) return unauthenticated();
        const raw = await readInput(req, ctx);
        if (raw === INVALID_JSON) return invalidJson();
        if (def.kind === "write") return respond(await executeUseCase(handle, user, def.useCase, raw, meta), def.successStatus ?? 200);
        return respond({ ok: true, data: await def.run({ db: handle.db, user }) });
      }
      // An org read: the session and the membership in the path's organisation in one query.
      const raw = await readInput(req, ctx);
      const found = await findSessionActor(handle.db, token, raw !== INVALID_JSON && typeof raw.orgSlug === "string" ? raw.orgSlug : "");
      if (!found) return unauthenticated();
      if (raw === INVALID_JSON) return invalidJson();
      const parsed = def.input.safeParse(raw);
      if (!parsed.success) return respond(fail(invalidInput(parsed.error)));
      // Not a member, or no such organisation: the same answer (see resolveActor).
      const actor = found.actor;
      if (!actor) throw notFound("Organisation");
      try {
        requirePermission(actor, def.permission);
      } catch (err) {
        if (err instanceof PermissionDenied) await recordDenial(handle.db, actor, meta, def.action, def.permission);
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

const INVALID_JSON = Symbol("invalid-json");

async function readInput(req: Request, ctx?: RouteContext): Promise<Record<string, unknown> | typeof INVALID_JSON> {
  const params = ctx ? await ctx.params : {};
  const query = Object.fromEntries(new URL(req.url).searchParams);
  let body: Record<string, unknown> = {};
  if (req.method !== "GET" && req.method !== "HEAD") {
    const text = await req.text();
    if (text.trim()) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
        else return INVALID_JSON;
      } catch {
        return INVALID_JSON;
      }
    }
  }
  // Path params win: a body cannot redirect a write to another organisation or member.
  return { ...query, ...body, ...params };
}
