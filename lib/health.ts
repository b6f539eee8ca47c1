import "server-only";
import { getDatabase, type DatabaseHandle } from "@/lib/db";
import { migrationLevel } from "@/lib/db/migrate";
import packageJson from "@/package.json";

export interface HealthReport {
  status: "ok" | "degraded";
  database: "postgres" | "pglite" | "unavailable";
  migration: string | null;
  pendingMigrations: number;
  version: string;
}

/** `database`: the process's database by default; the sync bench passes the one it syncs into. */
export async function healthReport(database: () => Promise<DatabaseHandle> = getDatabase): Promise<HealthReport> {
  try {
    const handle = await database();
    const level = await migrationLevel(handle);
    return {
      status: level.pending === 0 ? "ok" : "degraded",
      database: handle.kind,
      migration: level.latest,
      pendingMigrations: level.pending,
      version: packageJson.version,
    };
  } catch {
    return { status: "degraded", database: "unavailable", migration: null, pendingMigrations: 0, version: packageJson.version };
  }
}
