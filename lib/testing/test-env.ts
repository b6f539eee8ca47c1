// The one reader of the test runner's own settings (lib/env.ts reads the application's):
// - CI=true: a missing prerequisite fails instead of skipping (the corpus, PostgreSQL);
// - TEST_DB=pglite: the integration suite runs on embedded PGlite on purpose;
// - TEST_DATABASE_URL: the local PostgreSQL the integration suite creates its database on.
export interface TestEnv {
  ci: boolean;
  forcePglite: boolean;
  adminDatabaseUrl: string;
}

export function testEnv(source: Record<string, string | undefined> = process.env): TestEnv {
  return {
    ci: source.CI === "true",
    forcePglite: source.TEST_DB === "pglite",
    adminDatabaseUrl: source.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres",
  };
}
