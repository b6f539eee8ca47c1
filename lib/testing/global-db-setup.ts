// Vitest global setup of the integration project: creates a database of its own on the
// local PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres),
// migrates it, hands its URL to the tests, and drops it at the end. When no server
// answers — or TEST_DB=pglite — the tests run on in-memory PGlite and say so.
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../db/open";
import { migrateDatabase } from "../db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

const DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/** The guard: tests create and drop databases, so only a server on this machine will do. */
export function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
    throw new Error(`TEST_DATABASE_URL points at ${host}: integration tests only run against a PostgreSQL on this machine.`);
  }
}

export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_URL || DEFAULT_ADMIN_URL;
  if (process.env.TEST_DB === "pglite" || !(await answers(adminUrl))) {
    process.stdout.write(
      `\n[integration] PostgreSQL did not answer at ${new URL(adminUrl).host} (or TEST_DB=pglite): running on embedded PGlite.\n\n`,
    );
    project.provide("databaseUrl", "");
    return;
  }
  assertLocal(adminUrl);
  const name = `gatehouse_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: ".data" });
  await migrateDatabase(handle);
  await handle.close();
  process.stdout.write(`\n[integration] PostgreSQL at ${url.host}, database ${name}\n\n`);
  project.provide("databaseUrl", url.toString());

  return async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
}

async function answers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}
