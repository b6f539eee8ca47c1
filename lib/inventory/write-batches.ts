import "server-only";
import { getTableColumns, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

/** Rows per INSERT: far below PostgreSQL's 65,535 bind parameters for every table here. */
export const CHUNK = 1000;

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `ON CONFLICT … DO UPDATE SET col = excluded.col` for the named columns of a table. */
export function excludedSet<T extends PgTable>(table: T, keys: (keyof T["_"]["columns"] & string)[]): Record<string, SQL> {
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  return Object.fromEntries(keys.map((k) => [k, sql.raw(`excluded."${columns[k]!.name}"`)]));
}
