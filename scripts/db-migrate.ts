// `npm run db:migrate`: applies pending migrations to DATABASE_URL (or the embedded
// database) under the same advisory lock the server takes at start-up.
import { ConfigError, getEnv } from "@/lib/env";
import { openDatabase } from "@/lib/db/open";
import { migrateDatabase, migrationLevel } from "@/lib/db/migrate";

try {
  const env = getEnv();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    await migrateDatabase(handle);
    const level = await migrationLevel(handle);
    process.stdout.write(`${handle.kind} at ${handle.location}: ${level.applied} migrations applied, latest ${level.latest ?? "none"}\n`);
  } finally {
    await handle.close();
  }
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `Migration failed: ${err instanceof Error ? err.message : String(err)}`}\n`);
  process.exit(1);
}
