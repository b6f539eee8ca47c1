import "server-only";
import { and, eq, gt } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { sessions, users } from "@/lib/db/schema";
import type { SessionUser } from "@/lib/authz/actor";

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
