import "server-only";
import { ConfigError, getEnv } from "@/lib/env";
import { DatabaseStartError, getDatabase } from "@/lib/db";

/** Start-up checks of the web server; a failure exits with the reason and what to do. */
export async function startServer(): Promise<void> {
  try {
    getEnv();
    await getDatabase();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DatabaseStartError) {
      process.stderr.write(`\n[gatehouse] ${err.message}\n\n`);
      process.exit(1);
    }
    throw err;
  }
}
