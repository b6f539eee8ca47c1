import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { secrets, variables } from "@/lib/db/schema";
import type { OrgFacts } from "@/lib/github/facts";
import { stableJson } from "./content-hash";

/**
 * Writes the organisation's secrets and variables in one transaction. Both are matched by
 * name: a secret keeps its id (job references from repositories not re-synced in this run
 * keep pointing at the same rows), and an unchanged row is not rewritten.
 */
export async function writeOrgFacts(db: Db, orgId: string, org: OrgFacts): Promise<void> {
  // A part GitHub refused this time keeps its stored rows: an empty list would read as "none".
  const refused = new Set(org.unavailable.map((u) => u.part));
  await db.transaction(async (tx) => {
    if (!refused.has("secrets")) await replaceOrgSecrets(tx, orgId, org);
    if (!refused.has("variables")) await replaceOrgVariables(tx, orgId, org);
  });
}

/** Fills the parts GitHub refused this time with what the last good sync stored. */
export async function withStoredOrgParts(db: Db, orgId: string, org: OrgFacts): Promise<OrgFacts> {
  const refused = new Set(org.unavailable.map((u) => u.part));
  const out = { ...org };
  if (refused.has("secrets")) {
    const rows = await db.select().from(secrets).where(and(eq(secrets.orgId, orgId), isNull(secrets.repoId)));
    out.secrets = rows.map((r) => ({
      name: r.name,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
      visibility: r.visibility ?? "all",
      selectedRepositoryIds: r.selectedRepoIds ?? null,
    }));
  }
  if (refused.has("variables")) {
    const rows = await db.select().from(variables).where(and(eq(variables.orgId, orgId), isNull(variables.repoId)));
    out.variables = rows.map((r) => ({
      name: r.name,
      value: r.value,
      createdAt: "",
      updatedAt: "",
      visibility: r.visibility ?? "all",
      selectedRepositoryIds: r.selectedRepoIds ?? null,
    }));
  }
  return out;
}

async function replaceOrgSecrets(tx: Db, orgId: string, org: OrgFacts): Promise<void> {
  const existing = await tx
    .select({ id: secrets.id, name: secrets.name, createdAt: secrets.createdAt, updatedAt: secrets.updatedAt, visibility: secrets.visibility, selectedRepoIds: secrets.selectedRepoIds })
    .from(secrets)
    .where(and(eq(secrets.orgId, orgId), isNull(secrets.repoId)));
  const byName = new Map(existing.map((s) => [s.name, s]));
  for (const s of org.secrets) {
    const values = {
      createdAt: new Date(s.createdAt),
      updatedAt: new Date(s.updatedAt),
      visibility: s.visibility,
      selectedRepoIds: s.selectedRepositoryIds,
    };
    const row = byName.get(s.name);
    byName.delete(s.name);
    if (!row) {
      await tx.insert(secrets).values({ orgId, repoId: null, scope: "org", environment: null, name: s.name, ...values });
      continue;
    }
    // An unchanged secret is not rewritten.
    const same =
      row.createdAt.getTime() === values.createdAt.getTime() &&
      row.updatedAt.getTime() === values.updatedAt.getTime() &&
      row.visibility === values.visibility &&
      stableJson(row.selectedRepoIds ?? null) === stableJson(values.selectedRepoIds ?? null);
    if (!same) await tx.update(secrets).set(values).where(and(eq(secrets.orgId, orgId), eq(secrets.id, row.id)));
  }
  for (const gone of byName.values()) await tx.delete(secrets).where(and(eq(secrets.orgId, orgId), eq(secrets.id, gone.id)));
}

/** Org variables matched by name: unchanged ones are not rewritten. */
async function replaceOrgVariables(tx: Db, orgId: string, org: OrgFacts): Promise<void> {
  const existing = await tx.select().from(variables).where(and(eq(variables.orgId, orgId), isNull(variables.repoId)));
  const byName = new Map(existing.map((v) => [v.name, v]));
  const inserts: (typeof variables.$inferInsert)[] = [];
  for (const v of org.variables) {
    const values = { value: v.value, visibility: v.visibility, selectedRepoIds: v.selectedRepositoryIds };
    const row = byName.get(v.name);
    byName.delete(v.name);
    if (!row) inserts.push({ orgId, repoId: null, scope: "org", environment: null, name: v.name, ...values });
    else if (row.value !== values.value || row.visibility !== values.visibility || stableJson(row.selectedRepoIds ?? null) !== stableJson(values.selectedRepoIds ?? null)) {
      await tx.update(variables).set(values).where(and(eq(variables.orgId, orgId), eq(variables.id, row.id)));
    }
  }
  for (const gone of byName.values()) await tx.delete(variables).where(and(eq(variables.orgId, orgId), eq(variables.id, gone.id)));
  if (inserts.length > 0) await tx.insert(variables).values(inserts);
}
