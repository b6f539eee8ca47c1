// The database of one integration test file: the run's PostgreSQL database, or an
// in-memory PGlite of the file's own. It is also installed as the app's process-wide
// database (lib/db/index.ts keeps it on globalThis), so route handlers use it too.
import { inject } from "vitest";
import { openDatabase } from "@/lib/db/open";
import { migrateDatabase } from "@/lib/db/migrate";
import type { DatabaseHandle } from "@/lib/db/types";

export async function openTestDatabase(): Promise<DatabaseHandle> {
  const url = inject("databaseUrl");
  const handle = url
    ? await openDatabase({ databaseUrl: url, dataDir: ".data", poolSize: 5 })
    : await openDatabase({ dataDir: ".data", inMemory: true });
  if (!url) await migrateDatabase(handle);
  (globalThis as unknown as { __gatehouseDb?: Promise<DatabaseHandle> }).__gatehouseDb = Promise.resolve(handle);
  return handle;
}
