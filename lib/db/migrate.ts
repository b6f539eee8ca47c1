import path from "node:path";
import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "./types";
import { roleMode, roleOfUrl, type RoleMode } from "./app-role";

export const MIGRATIONS_DIR = path.resolve(process.cwd(), "db/migrations");

/** Arbitrary constant shared by every Gatehouse instance: "gatehous" as 8 bytes. */
const MIGRATION_LOCK_KEY = 0x6761746568_6f75n.toString();

interface Journal {
  entries: { idx: number; tag: string; when: number }[];
}

export function readJournal(dir = MIGRATIONS_DIR): Journal {
  return JSON.parse(readFileSync(path.join(dir, "meta/_journal.json"), "utf8")) as Journal;
}

/**
 * Applies pending migrations. On PostgreSQL the whole run holds a session-level advisory
 * lock on one dedicated connection, so instances starting together apply each
 * migration once and the others wait, then find nothing to do.
 */
export async function migrateDatabase(handle: DatabaseHandle, dir = MIGRATIONS_DIR): Promise<void> {
  if (handle.kind === "pglite") {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(handle.db as never, { migrationsFolder: dir });
    return;
  }
  const { Client } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { migrate } = await import("drizzle-orm/node-postgres/migrator");
  const client = new Client({ connectionString: handle.url });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(client), { migrationsFolder: dir });
    } finally {
      await client.query("select pg_advisory_unlock($1::bigint)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/**
 * What a server or worker does with the schema at start-up. A single-role install (the
 * connected role owns the schema, or the database is empty) migrates, as before. A
 * two-role install's app role never migrates: it starts only when `npm run db:migrate`
 * (run as the owner) has left nothing pending. PGlite always migrates (one role).
 */
export async function prepareDatabase(handle: DatabaseHandle, dir = MIGRATIONS_DIR): Promise<RoleMode> {
  if (handle.kind === "pglite") {
    await migrateDatabase(handle, dir);
    return "owner";
  }
  const { Client } = await import("pg");
  const client = new Client({ connectionString: handle.url });
  await client.connect();
  let mode: RoleMode;
  try {
    mode = await roleMode(client);
  } finally {
    await client.end();
  }
  if (mode === "owner") {
    await migrateDatabase(handle, dir);
    return mode;
  }
  const level = await migrationLevel(handle, dir);
  if (level.pending > 0) {
    throw new Error(
      `${level.pending} migration(s) are pending and this role (${roleOfUrl(handle.url!)}) does not own the schema, so it may not apply them: run \`npm run db:migrate\` with DATABASE_MIGRATION_URL set to the owner's URL, then start again`,
    );
  }
  return mode;
}

export interface MigrationLevel {
  applied: number;
  latest: string | null;
  pending: number;
}

/** How far this database is migrated, for /api/health. */
export async function migrationLevel(handle: DatabaseHandle, dir = MIGRATIONS_DIR): Promise<MigrationLevel> {
  const journal = readJournal(dir);
  let applied = 0;
  try {
    const rows = await handle.db.execute(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    applied = Number(rowsOf<{ n: number }>(rows)[0]?.n ?? 0);
  } catch {
    applied = 0;
  }
  const latest = applied > 0 ? (journal.entries[applied - 1]?.tag ?? null) : null;
  return { applied, latest, pending: Math.max(0, journal.entries.length - applied) };
}

/** node-postgres returns { rows }, PGlite returns { rows } too; keep the access in one place. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: T[] }).rows;
  return rows ?? [];
}
