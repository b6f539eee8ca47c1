// `npm run db:migrate`: applies pending migrations under the same advisory lock the server
// takes at start-up. In a two-role install (README, Production → Database) it runs as the
// owner, DATABASE_MIGRATION_URL, and grants the app role — the user of DATABASE_URL — what
// it needs, with only INSERT and SELECT on the audit log. Without DATABASE_MIGRATION_URL it
// migrates DATABASE_URL (or the embedded database) as before.
import { ConfigError, getEnv } from "@/lib/env";
import { openDatabase } from "@/lib/db/open";
import { migrateDatabase, migrationLevel } from "@/lib/db/migrate";
import { setUpAsOwner } from "@/lib/db/setup-owner";

try {
  const env = getEnv();
  if (env.DATABASE_MIGRATION_URL) {
    const { level, appRole } = await setUpAsOwner(env.DATABASE_MIGRATION_URL, env.DATABASE_URL);
    process.stdout.write(`PostgreSQL: ${level.applied} migrations applied, latest ${level.latest ?? "none"}; `);
    process.stdout.write(
      appRole
        ? `app role ${appRole} granted (audit_event: INSERT and SELECT only)\n`
        : "DATABASE_URL connects as the owner too: no app role to grant (set DATABASE_URL to a separate role to enforce the append-only audit log in the database)\n",
    );
  } else {
    const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
    try {
      await migrateDatabase(handle);
      const level = await migrationLevel(handle);
      process.stdout.write(`${handle.kind} at ${handle.location}: ${level.applied} migrations applied, latest ${level.latest ?? "none"}\n`);
    } finally {
      await handle.close();
    }
  }
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `Migration failed: ${err instanceof Error ? err.message : String(err)}`}\n`);
  process.exit(1);
}
