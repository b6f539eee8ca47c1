// Test data: each test seeds organisations with unique slugs, so tests never share rows
// and need no global truncation.
import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/types";
import { memberships, organizations, sessions, users } from "@/lib/db/schema";
import type { Role } from "@/lib/authz/roles";
import type { SessionUser } from "@/lib/authz/actor";
import type { RequestMeta } from "@/lib/audit/record";

export interface TestOrg {
  id: string;
  slug: string;
  /** One signed-up user per role. */
  users: Record<Role, SessionUser>;
}

export const uniqueSlug = (prefix = "t") => `${prefix}-${randomBytes(5).toString("hex")}`;

export async function createUser(db: Db, email: string, name = email.split("@")[0]!): Promise<SessionUser> {
  const id = randomUUID();
  await db.insert(users).values({ id, email, name });
  return { id, email, name };
}

export async function createTestOrg(db: Db): Promise<TestOrg> {
  const slug = uniqueSlug();
  const [org] = await db.insert(organizations).values({ slug, name: `Org ${slug}` }).returning({ id: organizations.id });
  const entries = await Promise.all(
    (["viewer", "responder", "admin"] as const).map(async (role) => {
      const user = await createUser(db, `${role}@${slug}.test`);
      await db.insert(memberships).values({ orgId: org!.id, email: user.email, role, source: "manual" });
      return [role, user] as const;
    }),
  );
  return { id: org!.id, slug, users: Object.fromEntries(entries) as Record<Role, SessionUser> };
}

export async function createSession(db: Db, user: SessionUser): Promise<string> {
  const token = randomBytes(24).toString("hex");
  await db.insert(sessions).values({ sessionToken: token, userId: user.id, expires: new Date(Date.now() + 3600_000) });
  return token;
}

export const testMeta = (): RequestMeta => ({ ip: "203.0.113.7", userAgent: "vitest", requestId: randomUUID() });
