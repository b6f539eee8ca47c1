import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes SQL migrations into db/migrations; they are committed and
// applied at start-up (and by `npm run db:migrate`) under an advisory lock.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema/index.ts",
  out: "./db/migrations",
});
