// Start-up refuses a wrong setting with one sentence naming it (run in a child process,
// as the server would be).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const TSX = path.resolve("node_modules/.bin/tsx");

function start(env: Record<string, string> & { NODE_ENV: "production" | "development" }) {
  const r = spawnSync(TSX, ["--conditions=react-server", "-e", 'import("./lib/server-start.ts").then((m) => m.startServer()).then(() => console.log("STARTED"))'], {
    // Only what is given: the child must not inherit this machine's settings.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

const OIDC = { AUTH_OIDC_ISSUER: "https://login.example.com", AUTH_OIDC_CLIENT_ID: "g", AUTH_OIDC_CLIENT_SECRET: "s" };

describe("server start-up", () => {
  it("stops on a missing AUTH_SECRET in production, naming it", () => {
    const r = start({ NODE_ENV: "production", ...OIDC });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("AUTH_SECRET is missing");
    expect(r.stdout).not.toContain("STARTED");
  });

  it("stops on a missing AUTH_SECRET under `next dev` too: no fixed development secret signs sessions", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "gatehouse-start-"));
    try {
      const r = start({ NODE_ENV: "development", DATA_DIR: dataDir });
      expect(r.stdout).not.toContain("STARTED");
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        "AUTH_SECRET is missing: set it to a random string of at least 32 characters (for example `export AUTH_SECRET=$(openssl rand -base64 32)` before `next dev`); `npm run demo` and the browser tests make one for each run themselves.",
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("stops on a DATABASE_URL whose server does not answer, naming it", () => {
    const r = start({ NODE_ENV: "production", AUTH_SECRET: "x".repeat(40), ...OIDC, DATABASE_URL: "postgres://gatehouse:pw@127.0.0.1:1/gatehouse" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Could not connect to or migrate the database at DATABASE_URL (postgres://gatehouse:***@127.0.0.1:1/gatehouse)");
    expect(r.stderr).not.toContain(":pw@");
  });

  it("stops on a malformed DATABASE_URL, naming it", () => {
    const r = start({ NODE_ENV: "production", AUTH_SECRET: "x".repeat(40), ...OIDC, DATABASE_URL: "localhost:5432" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/DATABASE_URL must be a PostgreSQL connection URL/);
  });
});
