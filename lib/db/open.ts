import path from "node:path";
import { mkdirSync } from "node:fs";
import * as schema from "./schema";
import type { DatabaseHandle, Db } from "./types";

export interface OpenOptions {
  /** PostgreSQL URL; when absent the embedded PGlite under dataDir is used. */
  databaseUrl?: string;
  dataDir: string;
  /** PGlite only: keep the database in memory (tests). */
  inMemory?: boolean;
  poolSize?: number;
}

/** Redacts the password of a connection URL so it can be printed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

export async function openDatabase(opts: OpenOptions): Promise<DatabaseHandle> {
  if (opts.databaseUrl) {
    const { Pool } = await import("pg");
    const { drizzle } = await import("drizzle-orm/node-postgres");
    const pool = new Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle client that errors (server restart) must not crash the process.
    pool.on("error", () => undefined);
    const db = drizzle(pool, { schema }) as unknown as Db;
    return {
      kind: "postgres",
      db,
      url: opts.databaseUrl,
      location: redactUrl(opts.databaseUrl),
      close: () => pool.end(),
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  let dir: string | undefined;
  if (!opts.inMemory) {
    dir = path.resolve(opts.dataDir, "pglite");
    mkdirSync(dir, { recursive: true });
  }
  // pg_trgm backs the Workflows search (migration 0005); PGlite ships it as a contrib extension.
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const client = await PGlite.create({ ...(dir ? { dataDir: dir } : {}), extensions: { pg_trgm } });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    kind: "pglite",
    db,
    pglite: client,
    location: dir ?? "memory",
    close: () => client.close(),
  };
}
