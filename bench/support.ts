// What the benchmarks share: a timestamped log, rounding, peak RSS, and a database (a new one on a
// PostgreSQL on this machine, dropped afterwards; in-memory PGlite; or one kept by an earlier run).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase } from "../lib/db/open";
import { migrateDatabase } from "../lib/db/migrate";
import type { DatabaseHandle } from "../lib/db/types";

const LOOPBACK = ["127.0.0.1", "localhost", "::1", "[::1]"];
const t0 = performance.now();

/** A progress line on stdout, timestamped from the bench's start. */
export const log = (msg: string) => void process.stdout.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`);

/** The bench's figures as its last line of stdout: one JSON object, for scripts and the closing notes. */
export const printFigures = (figures: object) => void process.stdout.write(`${JSON.stringify(figures)}\n`);

/** Runs a bench's main: exit 0 when it ends, 1 with the error's stack when it throws. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
export const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
export const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
export const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * A fresh, migrated database: in-memory PGlite, or a new database on the PostgreSQL `adminUrl`
 * points at (loopback only), which `drop` removes.
 */
/** The PostgreSQL the benches create their databases on: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local one. */
export const benchAdminUrl = (): string => process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";

type PostgresOpts = { pglite: false; adminUrl: string; poolSize?: number };
type Fresh<U> = { handle: DatabaseHandle; drop: () => Promise<void>; url: U };
export async function freshDatabase(opts: PostgresOpts): Promise<Fresh<string>>;
export async function freshDatabase(opts: { pglite: true } | PostgresOpts): Promise<Fresh<string | null>>;
export async function freshDatabase(opts: { pglite: true } | PostgresOpts): Promise<Fresh<string | null>> {
  if (opts.pglite) {
    const handle = await openDatabase({ dataDir: ".data", inMemory: true });
    await migrateDatabase(handle);
    return { handle, drop: async () => undefined, url: null };
  }
  const adminUrl = opts.adminUrl;
  const host = new URL(adminUrl).hostname;
  if (!LOOPBACK.includes(host)) throw new Error(`the bench only uses a PostgreSQL on this machine, not ${host}`);
  const name = `gatehouse_bench_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: ".data", ...(opts.poolSize ? { poolSize: opts.poolSize } : {}) });
  await migrateDatabase(handle);
  log(`PostgreSQL ${url.host}, database ${name}`);
  return {
    handle,
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * A database kept by an earlier run (a bench's --keep), migrated to this checkout (new indexes
 * included), vacuumed and analysed, for iterating on queries without building the organisation
 * again. Vacuumed as a fresh build leaves it: a migration may have rewritten every row of a table,
 * and a server's autovacuum may be off (a test machine's often is).
 * Loopback only; `drop` keeps it.
 */
export async function keptDatabase(url: string, poolSize?: number): Promise<{ handle: DatabaseHandle; drop: () => Promise<void>; url: string }> {
  if (!LOOPBACK.includes(new URL(url).hostname)) throw new Error(`the bench only uses a PostgreSQL on this machine, not ${new URL(url).hostname}`);
  const handle = await openDatabase({ databaseUrl: url, dataDir: ".data", ...(poolSize ? { poolSize } : {}) });
  await migrateDatabase(handle);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query("vacuum analyze");
  await c.end();
  log(`PostgreSQL ${new URL(url).host}, kept database ${new URL(url).pathname.slice(1)} (migrated, vacuumed, analysed)`);
  return { handle, url, drop: async () => {} };
}
