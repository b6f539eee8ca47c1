import type { SimUser } from "./core";
import { HttpError, notFound, ok, paginate } from "./http";
import type { RouteContext, RouteDef } from "./router";
import { userShape } from "./shapes";
import { hasScope } from "./users";

// The authenticated user (OAuth user tokens): GET /user and GET /user/emails, as the GitHub
// sign-in of Gatehouse reads them. Scopes as on GitHub: /user shows private profile fields
// only with `read:user` (or `user`); /user/emails needs `user:email` (or `user`).

function signedInUser(ctx: RouteContext): { user: SimUser; scopes: readonly string[] } {
  const login = ctx.auth.kind === "token" ? ctx.auth.record.user?.login : undefined;
  const user = login ? ctx.core.user(login) : undefined;
  if (!user || ctx.auth.kind !== "token") throw new HttpError(403, "Resource not accessible by integration");
  return { user, scopes: ctx.auth.record.user?.scopes ?? [] };
}

function scopeHeaders(granted: readonly string[], accepted: string): Record<string, string> {
  return { "x-oauth-scopes": granted.join(", "), "x-accepted-oauth-scopes": accepted };
}

function profile(ctx: RouteContext, user: SimUser, full: boolean) {
  const publicFields = {
    ...userShape(ctx.api, user.login, user.id),
    user_view_type: full ? "private" : "public",
    name: user.name ?? null,
    company: null,
    blog: "",
    location: null,
    email: user.publicEmail ?? null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: user.createdAt,
    updated_at: user.createdAt,
  };
  if (!full) return publicFields;
  return {
    ...publicFields,
    notification_email: user.emails.find((e) => e.primary)?.email ?? null,
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
    plan: { name: "free", space: 976562499, collaborators: 0, private_repos: 10000 },
  };
}

export const userRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/user",
    auth: "user",
    handler: (ctx) => {
      const { user, scopes } = signedInUser(ctx);
      return ok(profile(ctx, user, hasScope(scopes, "read:user")), 200, scopeHeaders(scopes, ""));
    },
  },
  {
    method: "GET",
    path: "/user/emails",
    auth: "user",
    handler: (ctx) => {
      const { user, scopes } = signedInUser(ctx);
      // Without the scope GitHub answers 404, not 403: the resource is hidden, not forbidden.
      if (!hasScope(scopes, "user:email")) {
        const err = notFound();
        return { ...err.toResponse(), headers: scopeHeaders(scopes, "user, user:email") };
      }
      const emails = user.emails.map((e) => ({
        email: e.email,
        primary: e.primary ?? false,
        verified: e.verified,
        visibility: e.visibility ?? (e.primary ? "private" : null),
      }));
      const page = paginate(emails, { url: ctx.url });
      return ok(page.slice, 200, { ...page.headers, ...scopeHeaders(scopes, "user, user:email") });
    },
  },
];
