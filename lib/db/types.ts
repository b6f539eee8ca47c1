import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { PGlite } from "@electric-sql/pglite";
import type * as schema from "./schema";

export type Schema = typeof schema;

/** A database or a transaction: repo functions take this, never a default instance. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DatabaseKind = "postgres" | "pglite";

export interface DatabaseHandle {
  kind: DatabaseKind;
  db: Db;
  /** PostgreSQL only: the connection URL, for tools that need a connection of their own. Never print it. */
  url?: string;
  /** PGlite only: the embedded instance, for pg-boss's PGlite adapter. */
  pglite?: PGlite;
  /** Where the data lives, safe to print (no password). */
  location: string;
  close(): Promise<void>;
}
