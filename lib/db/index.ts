import "server-only";
import { getEnv } from "@/lib/env";
import { openDatabase } from "./open";
import { prepareDatabase } from "./migrate";
import type { DatabaseHandle } from "./types";
import { logger } from "@/lib/logger";

export type { DatabaseHandle } from "./types";

// One database per process, kept on globalThis so Next's module reloading in development
// never opens a second PGlite on the same directory.
const holder = globalThis as unknown as { __gatehouseDb?: Promise<DatabaseHandle> };

export class DatabaseStartError extends Error {
  override name = "DatabaseStartError";
}

/** The process's database, opened and migrated on first use. */
export function getDatabase(): Promise<DatabaseHandle> {
  holder.__gatehouseDb ??= start().catch((err: unknown) => {
    holder.__gatehouseDb = undefined;
    throw err;
  });
  return holder.__gatehouseDb;
}

async function start(): Promise<DatabaseHandle> {
  const env = getEnv();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  let mode: Awaited<ReturnType<typeof prepareDatabase>>;
  try {
    mode = await prepareDatabase(handle);
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw new DatabaseStartError(describeStartFailure(handle, err));
  }
  if (handle.kind === "pglite") {
    logger.info(`database: embedded PGlite in ${handle.location} (set DATABASE_URL to use PostgreSQL)`);
  } else {
    logger.info(`database: PostgreSQL at ${handle.location}`);
    if (mode === "owner" && env.NODE_ENV === "production") {
      logger.warn(
        "database: the app connects as the owner of the schema, so the audit log's append-only triggers could be disabled with its credentials; run it as a separate app role (README, Production → Database)",
      );
    }
  }
  closeOnExit(handle);
  return handle;
}

function describeStartFailure(handle: DatabaseHandle, err: unknown): string {
  const reason = err instanceof Error ? err.message : String(err);
  if (handle.kind === "postgres") {
    return `Could not connect to or migrate the database at DATABASE_URL (${handle.location}): ${reason}. Check that the server is running, the URL's host, port, user and database are right, and that the user may create tables.`;
  }
  return `Could not open or migrate the embedded database in ${handle.location}: ${reason}. Check that DATA_DIR points to a writable directory used by no other running Gatehouse.`;
}

let hooked = false;
/** Needs NEXT_MANUAL_SIG_HANDLE=true (set by `npm start` and the demo), or Next exits first. */
function closeOnExit(handle: DatabaseHandle) {
  if (hooked) return;
  hooked = true;
  const close = (signal: NodeJS.Signals) => {
    // PGlite must be closed cleanly or its next start replays the WAL and sequences jump.
    handle
      .close()
      .then(() => logger.info(`database closed (${signal})`))
      .catch((err: unknown) => logger.error("database did not close cleanly", { error: String(err) }))
      .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", close);
  process.once("SIGTERM", close);
}
