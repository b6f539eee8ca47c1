// Several instances may start at once: the advisory lock makes them apply each migration
// exactly once. PostgreSQL only (PGlite is one process by construction).
import { describe, expect, inject, it } from "vitest";
import pg from "pg";
import { sql } from "drizzle-orm";
import { openDatabase } from "./open";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MIGRATIONS_DIR, migrateDatabase, migrationLevel, prepareDatabase, readJournal, rowsOf } from "./migrate";

const url = inject("ownerDatabaseUrl");

describe.skipIf(!url)("migrations on PostgreSQL", () => {
  it("three instances migrating a fresh database at once apply each migration once", async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const name = `gatehouse_mig_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    await admin.query(`create database ${name}`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    const handles = await Promise.all([0, 1, 2].map(() => openDatabase({ databaseUrl: dbUrl.toString(), dataDir: ".data", poolSize: 2 })));
    try {
      await Promise.all(handles.map((h) => migrateDatabase(h)));
      const rows = rowsOf<{ n: number }>(await handles[0]!.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
      expect(Number(rows[0]!.n)).toBe(readJournal().entries.length);
      const level = await migrationLevel(handles[0]!);
      expect(level).toEqual({ applied: readJournal().entries.length, latest: readJournal().entries.at(-1)!.tag, pending: 0 });
    } finally {
      await Promise.all(handles.map((h) => h.close()));
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  it("an unreachable server fails with the reason", async () => {
    const h = await openDatabase({ databaseUrl: "postgres://postgres@127.0.0.1:1/nothing", dataDir: ".data" });
    await expect(migrateDatabase(h)).rejects.toThrow(/ECONNREFUSED/);
    await h.close();
  });

  describe("a two-role install (README, Production → Database)", () => {
    const appUrl = inject("databaseUrl");

    it("the app role starts without migrating when nothing is pending", async () => {
      const h = await openDatabase({ databaseUrl: appUrl, dataDir: ".data", poolSize: 1 });
      try {
        expect(await prepareDatabase(h)).toBe("app");
      } finally {
        await h.close();
      }
    });

    it("the app role refuses to start while a migration is pending, and says what to run", async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-migrations-"));
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      const journal = readJournal(dir);
      journal.entries.push({ idx: journal.entries.length, tag: "9999_pending", when: Date.now(), version: "7", breakpoints: true } as never);
      writeFileSync(path.join(dir, "meta/_journal.json"), JSON.stringify(journal));
      writeFileSync(path.join(dir, "9999_pending.sql"), "create table pending_probe (id int);");
      const h = await openDatabase({ databaseUrl: appUrl, dataDir: ".data", poolSize: 1 });
      try {
        await expect(prepareDatabase(h, dir)).rejects.toThrow(/1 migration\(s\) are pending .*npm run db:migrate` with DATABASE_MIGRATION_URL/);
      } finally {
        await h.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("the owner migrates at start-up (a single-role install)", async () => {
      const h = await openDatabase({ databaseUrl: url, dataDir: ".data", poolSize: 1 });
      try {
        expect(await prepareDatabase(h)).toBe("owner");
      } finally {
        await h.close();
      }
    });
  });
});
