import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));

// Two projects: pure unit tests, and integration tests that talk to a real database
// (PostgreSQL on 127.0.0.1:5432 or TEST_DATABASE_URL; PGlite when no server answers).
export default defineConfig({
  resolve: { alias: { "@": root, "server-only": `${root}lib/testing/server-only-stub.ts` } },
  test: {
    server: { deps: { inline: ["@actions/workflow-parser"] } },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["{lib,cli,sim,components,app,eslint,scripts}/**/*.test.{ts,tsx}"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{lib,cli,sim,app}/**/*.int.test.ts"],
          globalSetup: ["lib/testing/global-db-setup.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
