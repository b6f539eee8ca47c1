import { describe, expect, it } from "vitest";
import { testEnv } from "./test-env";

describe("testEnv", () => {
  it("reads CI, TEST_DB and TEST_DATABASE_URL, with the local PostgreSQL by default", () => {
    expect(testEnv({})).toEqual({ ci: false, forcePglite: false, adminDatabaseUrl: "postgres://postgres@127.0.0.1:5432/postgres" });
    expect(testEnv({ CI: "true", TEST_DB: "pglite", TEST_DATABASE_URL: "postgres://u@localhost:5433/x" })).toEqual({
      ci: true,
      forcePglite: true,
      adminDatabaseUrl: "postgres://u@localhost:5433/x",
    });
    expect(testEnv({ CI: "1", TEST_DB: "postgres", TEST_DATABASE_URL: "" }).ci).toBe(false);
  });
});
