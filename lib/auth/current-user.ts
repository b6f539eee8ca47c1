import "server-only";
import { cookies } from "next/headers";
import { getDatabase } from "@/lib/db";
import type { SessionUser } from "@/lib/authz/actor";
import { SESSION_COOKIE_NAMES, findSessionUser } from "./session";

/** The signed-in user of the current page or server action, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  const jar = await cookies();
  const token = SESSION_COOKIE_NAMES.map((n) => jar.get(n)?.value).find(Boolean);
  if (!token) return null;
  const { db } = await getDatabase();
  return findSessionUser(db, token);
}
