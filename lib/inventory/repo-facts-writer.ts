import "server-only";
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/types";
import { environments, repoFiles, secrets, variables } from "@/lib/db/schema";
import type { RepoFacts } from "@/lib/github/facts";
import { isEnvironmentProtected } from "./resolve";
import { stableJson } from "./content-hash";
import { chunks, CHUNK, excludedSet } from "./write-batches";

// A repository's own facts — files, environments, secrets, variables — brought to the new
// snapshot inside the snapshot writer's transaction. Each row is matched by natural key: an
// unchanged row is not written, a changed one is updated in place (its id stays), a new one is
// inserted and a vanished one deleted.

/** The stored files of the repository made equal to the fetched ones (the blob SHA says whether a file changed). */
export async function writeFiles(tx: Db, orgId: string, repoId: string, files: RepoFacts["files"]): Promise<void> {
  const stored = await tx.select({ id: repoFiles.id, path: repoFiles.path, oid: repoFiles.oid, skipped: repoFiles.skipped }).from(repoFiles).where(and(eq(repoFiles.orgId, orgId), eq(repoFiles.repoId, repoId)));
  const byPath = new Map(stored.map((f) => [f.path, f]));
  const changed = files.filter((f) => {
    const s = byPath.get(f.path);
    return !s || s.oid !== f.oid || s.skipped !== (f.skipped ?? null);
  });
  const wanted = new Set(files.map((f) => f.path));
  await deleteIds(tx, repoFiles, orgId, stored.filter((f) => !wanted.has(f.path)).map((f) => f.id));
  for (const part of chunks(changed, CHUNK)) {
    await tx
      .insert(repoFiles)
      .values(part.map((f) => ({ orgId, repoId, path: f.path, oid: f.oid, text: f.text, skipped: f.skipped ?? null })))
      .onConflictDoUpdate({ target: [repoFiles.repoId, repoFiles.path], set: excludedSet(repoFiles, ["oid", "text", "skipped"]) });
  }
}

export async function writeEnvironments(tx: Db, orgId: string, repoId: string, list: RepoFacts["environments"]): Promise<void> {
  const stored = await tx.select().from(environments).where(and(eq(environments.orgId, orgId), eq(environments.repoId, repoId)));
  const byName = new Map(stored.map((e) => [e.name, e]));
  const wanted = new Set(list.map((e) => e.name));
  await deleteIds(tx, environments, orgId, stored.filter((e) => !wanted.has(e.name)).map((e) => e.id));
  const inserts: (typeof environments.$inferInsert)[] = [];
  for (const e of list) {
    const values = { protection: e.protection, isProtected: isEnvironmentProtected(e) };
    const s = byName.get(e.name);
    if (!s) inserts.push({ orgId, repoId, name: e.name, ...values });
    else if (s.isProtected !== values.isProtected || stableJson(s.protection) !== stableJson(values.protection)) {
      await tx.update(environments).set(values).where(and(eq(environments.orgId, orgId), eq(environments.id, s.id)));
    }
  }
  if (inserts.length > 0) await tx.insert(environments).values(inserts);
}

/** GitHub matches secret names without regard to case. */
const secretKey = (scope: string, environment: string | null, name: string) => `${scope}|${environment ?? ""}|${name.toUpperCase()}`;

/**
 * The repository's and its environments' secrets (names and dates: values are never readable).
 * Returns the id of each, for the job references: `secretIdFor(name, environment | null)`.
 */
export async function writeRepoSecrets(tx: Db, orgId: string, repoId: string, facts: Pick<RepoFacts, "secrets" | "environments">): Promise<(name: string, environment: string | null) => string | null> {
  const wanted = [
    ...facts.secrets.map((s) => ({ scope: "repo" as const, environment: null, s })),
    ...facts.environments.flatMap((e) => e.secrets.map((s) => ({ scope: "environment" as const, environment: e.name, s }))),
  ];
  const stored = await tx
    .select({ id: secrets.id, scope: secrets.scope, environment: secrets.environment, name: secrets.name, createdAt: secrets.createdAt, updatedAt: secrets.updatedAt })
    .from(secrets)
    .where(and(eq(secrets.orgId, orgId), eq(secrets.repoId, repoId)));
  const byKey = new Map(stored.map((s) => [secretKey(s.scope, s.environment, s.name), s]));
  const ids = new Map<string, string>();
  const inserts: (typeof secrets.$inferInsert)[] = [];
  for (const { scope, environment, s } of wanted) {
    const key = secretKey(scope, environment, s.name);
    if (ids.has(key)) continue;
    const values = { name: s.name, createdAt: new Date(s.createdAt), updatedAt: new Date(s.updatedAt) };
    const row = byKey.get(key);
    if (!row) {
      const id = randomUUID();
      inserts.push({ id, orgId, repoId, scope, environment, ...values });
      ids.set(key, id);
      continue;
    }
    ids.set(key, row.id);
    if (row.name !== values.name || row.createdAt.getTime() !== values.createdAt.getTime() || row.updatedAt.getTime() !== values.updatedAt.getTime()) {
      await tx.update(secrets).set(values).where(and(eq(secrets.orgId, orgId), eq(secrets.id, row.id)));
    }
  }
  await deleteIds(tx, secrets, orgId, stored.filter((s) => !ids.has(secretKey(s.scope, s.environment, s.name))).map((s) => s.id));
  for (const part of chunks(inserts, CHUNK)) await tx.insert(secrets).values(part);
  return (name, environment) => ids.get(secretKey(environment === null ? "repo" : "environment", environment, name)) ?? null;
}

/** Variables of the scopes fetched this time ("repo", "environment"); a scope not asked for keeps its rows. */
export async function writeRepoVariables(tx: Db, orgId: string, repoId: string, rows: { scope: "repo" | "environment"; environment: string | null; name: string; value: string }[], scopes: ("repo" | "environment")[]): Promise<void> {
  if (scopes.length === 0) return;
  const stored = await tx
    .select({ id: variables.id, scope: variables.scope, environment: variables.environment, name: variables.name, value: variables.value })
    .from(variables)
    .where(and(eq(variables.orgId, orgId), eq(variables.repoId, repoId), isNotNull(variables.repoId), inArray(variables.scope, scopes)));
  const key = (v: { scope: string; environment: string | null; name: string }) => `${v.scope}|${v.environment ?? ""}|${v.name}`;
  const byKey = new Map(stored.map((v) => [key(v), v]));
  const seen = new Set<string>();
  const inserts: (typeof variables.$inferInsert)[] = [];
  for (const v of rows) {
    const k = key(v);
    if (seen.has(k)) continue;
    seen.add(k);
    const s = byKey.get(k);
    if (!s) inserts.push({ orgId, repoId, ...v });
    else if (s.value !== v.value) await tx.update(variables).set({ value: v.value }).where(and(eq(variables.orgId, orgId), eq(variables.id, s.id)));
  }
  await deleteIds(tx, variables, orgId, stored.filter((v) => !seen.has(key(v))).map((v) => v.id));
  for (const part of chunks(inserts, CHUNK)) await tx.insert(variables).values(part);
}

type WithIdAndOrg = typeof repoFiles | typeof environments | typeof secrets | typeof variables;

async function deleteIds(tx: Db, table: WithIdAndOrg, orgId: string, ids: string[]): Promise<void> {
  for (const part of chunks(ids, CHUNK)) await tx.delete(table).where(and(eq(table.orgId, orgId), inArray(table.id, part)));
}
