// A PostgreSQL database of one test's own, beside the run's shared one: for tests that start
// worker processes, whose job queue and reaper must not touch other tests' runs and jobs.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase } from "@/lib/db/open";
import { migrateDatabase } from "@/lib/db/migrate";
import type { DatabaseHandle } from "@/lib/db/types";

export interface OwnDatabase {
  url: string;
  handle: DatabaseHandle;
  drop(): Promise<void>;
}

/** `sharedUrl` is the run's database (inject("databaseUrl")); the new one lives on the same server. */
export async function createOwnDatabase(sharedUrl: string, prefix: string): Promise<OwnDatabase> {
  const admin = new URL(sharedUrl);
  admin.pathname = "/postgres";
  const name = `${new URL(sharedUrl).pathname.slice(1)}_${prefix}_${randomBytes(3).toString("hex")}`.slice(0, 63);
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  const url = new URL(sharedUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: ".data", poolSize: 5 });
  await migrateDatabase(handle);
  return {
    url: url.toString(),
    handle,
    drop: async () => {
      await handle.close().catch(() => undefined);
      const d = new pg.Client({ connectionString: admin.toString() });
      await d.connect();
      await d.query(`drop database if exists ${name} with (force)`);
      await d.end();
    },
  };
}
