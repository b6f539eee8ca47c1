import { inject } from "vitest";

// The integration suite runs twice: on PostgreSQL, and on embedded PGlite (TEST_DB=pglite);
// global-db-setup.ts says which at the start of each. A PostgreSQL-only test (the server's own
// files, its roles, real processes sharing one server) asks here, and runs on the PostgreSQL
// pass only. It cannot go missing: under CI=true the PostgreSQL pass fails outright when no
// server answers, instead of falling back to PGlite (lib/testing/test-env.ts).

export interface PostgresPass {
  /** The run's database as the app role. */
  app: string;
  /** The same database as its owner (creates databases and roles, reads the server's files). */
  owner: string;
}

/** The PostgreSQL pass's URLs, or null on the PGlite pass. */
export function postgresPass(): PostgresPass | null {
  const owner = inject("ownerDatabaseUrl");
  return owner ? { app: inject("databaseUrl"), owner } : null;
}
