import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { memberships, organizations, sessions, users } from "@/lib/db/schema";
import type { Actor, SessionUser } from "@/lib/authz/actor";

/** Auth.js database-session cookie names (the __Secure- one on https). */
export const SESSION_COOKIE_NAMES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

/**
 * The user behind a session token, or null when the token is unknown or expired. Sessions
 * are database rows (Auth.js `strategy: "database"`), so signing out or deleting the row
 * ends access at once — no token outlives its revocation.
 */
export async function findSessionUser(db: Db, token: string | undefined | null): Promise<SessionUser | null> {
  if (!token) return null;
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.sessionToken, token), gt(sessions.expires, new Date())))
    .limit(1);
  if (!row?.email) return null;
  return { id: row.id, email: row.email.toLowerCase(), name: row.name };
}

function sessionActorQuery(db: Db) {
  return (
    db
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        orgId: organizations.id,
        orgSlug: organizations.slug,
        orgName: organizations.name,
        role: memberships.role,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      // At most one organisation (slugs are unique) and one membership in it (unique per org and email).
      .leftJoin(organizations, eq(organizations.slug, sql.placeholder("slug")))
      .leftJoin(memberships, and(eq(memberships.orgId, organizations.id), eq(memberships.email, sql`lower(${users.email})`)))
      .where(and(eq(sessions.sessionToken, sql.placeholder("token")), gt(sessions.expires, sql`now()`)))
      .limit(1)
      // A named prepared statement: parsed and planned once per connection, not on every request.
      .prepare("gatehouse_session_actor")
  );
}
const sessionActorQueries = new WeakMap<Db, ReturnType<typeof sessionActorQuery>>();

/**
 * The user behind a session token and their membership in `orgSlug`, in one query (an
 * org-scoped API call needs both; one round trip less on every such request). `actor` is
 * null when the user is not a member or there is no such organisation — the same answer,
 * as in resolveActor. Null when the token is unknown or expired.
 */
export async function findSessionActor(db: Db, token: string | undefined | null, orgSlug: string): Promise<{ user: SessionUser; actor: Actor | null } | null> {
  if (!token) return null;
  let query = sessionActorQueries.get(db);
  if (!query) sessionActorQueries.set(db, (query = sessionActorQuery(db)));
  const [row] = await query.execute({ token, slug: orgSlug.toLowerCase() });
  if (!row?.email) return null;
  const user: SessionUser = { id: row.id, email: row.email.toLowerCase(), name: row.name };
  const actor = row.role && row.orgId && row.orgSlug && row.orgName !== null ? { user, orgId: row.orgId, orgSlug: row.orgSlug, orgName: row.orgName, role: row.role } : null;
  return { user, actor };
}

/** Reads the session token from a Cookie header. */
export function sessionTokenFromCookieHeader(header: string | null): string | null {
  if (!header) return null;
  const cookies = new Map<string, string>();
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0) cookies.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()));
  }
  for (const name of SESSION_COOKIE_NAMES) {
    const v = cookies.get(name);
    if (v) return v;
  }
  return null;
}
