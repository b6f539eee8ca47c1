import "server-only";
import type { Db } from "@/lib/db/types";
import { memberships } from "@/lib/db/schema";
import { ensureOrg } from "@/lib/orgs/orgs-repo";
import type { Role } from "@/lib/authz/roles";

export const DEMO_ORG = { slug: "acme", name: "Acme Corp" } as const;

export const DEMO_MEMBERS: readonly { email: string; role: Role }[] = [
  { email: "admin@acme.test", role: "admin" },
  { email: "responder@acme.test", role: "responder" },
  { email: "viewer@acme.test", role: "viewer" },
];

/**
 * Seeds the demo organisation and its three members. Idempotent: a role an admin changed
 * in the demo is left as they set it on the next start.
 */
export async function seedDemo(db: Db, extraOrgs: string[] = []): Promise<void> {
  await db.transaction(async (tx) => {
    const orgId = await ensureOrg(tx, DEMO_ORG.slug, DEMO_ORG.name);
    await tx
      .insert(memberships)
      .values(DEMO_MEMBERS.map((m) => ({ orgId, email: m.email, role: m.role, source: "seed" as const })))
      .onConflictDoNothing();
    // Further organisations for the browser tests: the demo admin administers them.
    for (const slug of extraOrgs) {
      const id = await ensureOrg(tx, slug, slug);
      await tx.insert(memberships).values({ orgId: id, email: "admin@acme.test", role: "admin", source: "seed" }).onConflictDoNothing();
    }
  });
}
