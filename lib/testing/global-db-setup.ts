// Vitest global setup of the integration project: creates a database of its own on the
// local PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres)
// and an app role of its own, sets the database up as production's `npm run db:migrate`
// does (migrations as the owner, the app role granted — only INSERT and SELECT on the audit
// log), hands the tests the app role's URL (and the owner's, for the few tests that need
// it), and drops both at the end. When no server answers — or TEST_DB=pglite — the tests
// run on in-memory PGlite and say so.
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { setUpAsOwner } from "../db/setup-owner";
import { testEnv } from "./test-env";

declare module "vitest" {
  export interface ProvidedContext {
    /** The app role's URL: what the application connects as. */
    databaseUrl: string;
    /** The owner's URL (migrations, creating databases); "" on PGlite. */
    ownerDatabaseUrl: string;
  }
}


/** The guard: tests create and drop databases, so only a server on this machine will do. */
export function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
    throw new Error(`TEST_DATABASE_URL points at ${host}: integration tests only run against a PostgreSQL on this machine.`);
  }
}

export default async function setup(project: TestProject) {
  const env = testEnv();
  const adminUrl = env.adminDatabaseUrl;
  const answered = !env.forcePglite && (await answers(adminUrl));
  // Under CI the PostgreSQL run must run on PostgreSQL: its PostgreSQL-only tests never skip there.
  if (!answered && !env.forcePglite && env.ci) {
    throw new Error(`PostgreSQL did not answer at ${new URL(adminUrl).host}: under CI=true the integration suite needs it (start it, or set TEST_DATABASE_URL); TEST_DB=pglite runs the PGlite pass on purpose.`);
  }
  if (!answered) {
    process.stdout.write(
      `\n[integration] PostgreSQL did not answer at ${new URL(adminUrl).host} (or TEST_DB=pglite): running on embedded PGlite.\n\n`,
    );
    project.provide("databaseUrl", "");
    project.provide("ownerDatabaseUrl", "");
    return;
  }
  assertLocal(adminUrl);
  const name = `gatehouse_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const appRole = `${name}_app`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.query(`create role ${appRole} login`);
  await admin.end();
  const ownerUrl = new URL(adminUrl);
  ownerUrl.pathname = `/${name}`;
  const appUrl = new URL(ownerUrl);
  appUrl.username = appRole;
  appUrl.password = "";
  await setUpAsOwner(ownerUrl.toString(), appUrl.toString());
  process.stdout.write(`\n[integration] PostgreSQL at ${ownerUrl.host}, database ${name}, app role ${appRole}\n\n`);
  project.provide("databaseUrl", appUrl.toString());
  project.provide("ownerDatabaseUrl", ownerUrl.toString());

  return async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`drop role if exists ${appRole}`);
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
