import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { memberships, organizations } from "@/lib/db/schema";
import type { Role } from "@/lib/authz/roles";

export interface OrgMembershipDto {
  slug: string;
  name: string;
  role: Role;
}

/** The organisations the signed-in user belongs to, with their role in each. */
export async function listOrgsForUser(db: Db, email: string): Promise<OrgMembershipDto[]> {
  return db
    .select({ slug: organizations.slug, name: organizations.name, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.email, email.toLowerCase()))
    .orderBy(asc(organizations.slug));
}

/** Creates the organisation if it does not exist yet; returns its id either way. */
export async function ensureOrg(db: Db, slug: string, name: string): Promise<string> {
  await db.insert(organizations).values({ slug: slug.toLowerCase(), name }).onConflictDoNothing();
  const [row] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, slug.toLowerCase()));
  return row!.id;
}

