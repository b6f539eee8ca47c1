// What `npm run db:migrate` does as the schema's owner: apply the migrations, install
// pg-boss's schema (the app role may not create schemas), and grant the app role its
// privileges (lib/db/app-role.ts). Shared with the integration tests' global setup, so the
// suite runs as an app role exactly as production should.
import pg from "pg";
import { PgBoss } from "pg-boss";
import { openDatabase } from "./open";
import { migrateDatabase, migrationLevel, type MigrationLevel } from "./migrate";
import { grantAppRole, JOB_SCHEMA, roleOfUrl } from "./app-role";

export interface OwnerSetup {
  level: MigrationLevel;
  /** The role granted app privileges, or null when the app connects as the owner itself. */
  appRole: string | null;
}

export async function setUpAsOwner(ownerUrl: string, appUrl?: string): Promise<OwnerSetup> {
  const handle = await openDatabase({ databaseUrl: ownerUrl, dataDir: ".data", poolSize: 2 });
  let level: MigrationLevel;
  try {
    await migrateDatabase(handle);
    level = await migrationLevel(handle);
  } finally {
    await handle.close();
  }
  const boss = new PgBoss({ connectionString: ownerUrl, schema: JOB_SCHEMA, max: 1, supervise: false, schedule: false });
  boss.on("error", () => undefined);
  await boss.start();
  await boss.stop({ graceful: false, close: true });

  const appRole = appUrl ? roleOfUrl(appUrl) : null;
  if (!appRole || appRole === roleOfUrl(ownerUrl)) return { level, appRole: null };
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await grantAppRole(client, appRole);
  } finally {
    await client.end();
  }
  return { level, appRole };
}
