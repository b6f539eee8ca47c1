// A secret value set through Gatehouse is found nowhere afterwards: not in any table, file or
// WAL segment of the database (an on-disk PGlite here; on the PostgreSQL pass also the server's
// tables and WAL, read as the owner), not in anything the server printed, not in the audit log,
// not in any response — after a write that succeeded and one that GitHub refused.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { openDatabase } from "@/lib/db/open";
import { migrateDatabase } from "@/lib/db/migrate";
import type { DatabaseHandle } from "@/lib/db/types";
import { executeUseCase } from "@/lib/door/use-case";
import { testMeta } from "@/lib/testing/fixtures";
import { openTestDatabase } from "@/lib/testing/test-db";
import { postgresPass } from "@/lib/testing/postgres-pass";
import { APP_ID, appKeys, RESPONDER_APP_ID, responderKeys, startResponderSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import { connectedSimOrg, syncSimOrg } from "@/lib/testing/simulator-org";
import type { GithubSim } from "@/sim/github";
import { stopQueue } from "@/lib/jobs/queue";
import { startIncident } from "./incident-service";
import { getIncidentDetail } from "./incident-repo";
import { setSecretValue } from "./secret-value";

let sim: GithubSim;
const printed: string[] = [];
const restore: (() => void)[] = [];

beforeAll(async () => {
  // Everything the process prints from here on is kept, to be searched.
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      printed.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
  sim = await startResponderSim({ "test-org": { id: 740_001 } }, { app: { id: APP_ID, slug: "gatehouse", publicKeyPem: appKeys().publicKey, installations: { "test-org": { id: 740_002 } } } });
  useSimulatorApp(sim);
  process.env.GITHUB_RESPONDER_APP_ID = String(RESPONDER_APP_ID);
  process.env.GITHUB_RESPONDER_APP_PRIVATE_KEY = responderKeys().privateKey;
}, 60_000);
afterAll(async () => {
  for (const r of restore) r();
  await stopQueue();
  await sim.close();
});

/** Sets a fresh random value twice: once GitHub accepts it, once it refuses (a 500 on the PUT). Returns the values and every response. */
async function setValues(handle: DatabaseHandle) {
  (globalThis as unknown as { __gatehouseDb?: Promise<DatabaseHandle> }).__gatehouseDb = Promise.resolve(handle);
  const org = await connectedSimOrg(handle, sim, "test-org");
  await syncSimOrg(handle, org.id);
  const title = `npm token leaked ${crypto.randomUUID()}`;
  const started = await executeUseCase(handle, org.member, startIncident, { orgSlug: org.slug, kind: "secret", target: "NPM_TOKEN", title }, testMeta());
  if (!started.ok) throw new Error(started.error.message);
  const detail = await getIncidentDetail(handle.db, org.id, started.data.id);
  const item = detail.steps[2]!.items[0]!;
  const accepted = `gh-leak-${crypto.randomUUID()}`;
  const refused = `gh-leak-${crypto.randomUUID()}`;
  const ok = await executeUseCase(handle, org.member, setSecretValue, { orgSlug: org.slug, incidentId: started.data.id, itemId: item.id, value: accepted }, testMeta());
  // The responder App loses the permission: GitHub refuses the token, the write fails.
  const installation = sim.core.installationForOrg("test-org", RESPONDER_APP_ID)!;
  const granted = { ...installation.permissions };
  for (const p of ["secrets", "organization_secrets", "environments"]) delete (installation.permissions as Record<string, string>)[p];
  const failed = await executeUseCase(handle, org.member, setSecretValue, { orgSlug: org.slug, incidentId: started.data.id, itemId: item.id, value: refused }, testMeta());
  Object.assign(installation.permissions, granted);
  const after = await getIncidentDetail(handle.db, org.id, started.data.id);
  return { values: [accepted, refused], responses: [ok, failed, after], ok, failed, title };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

const notIn = (haystack: string, values: string[]) => {
  for (const v of values) expect(haystack.includes(v), `the value ${v.slice(0, 12)}… was found`).toBe(false);
};

describe("a secret value set through Gatehouse", () => {
  it("is in no file of an on-disk PGlite (tables, WAL), no printed line, no response", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-leak-"));
    try {
      const handle = await openDatabase({ dataDir: dir });
      await migrateDatabase(handle);
      const { values, responses, ok, failed, title } = await setValues(handle);
      expect(ok).toEqual({ ok: true, data: { status: "updated" } });
      expect(failed).toMatchObject({ ok: false, error: { code: "upstream_failed", message: expect.stringContaining("lacks") } });
      await stopQueue();
      await handle.close();
      const files = filesUnder(path.join(dir, "pglite"));
      expect(files.some((f) => f.includes("pg_wal"))).toBe(true);
      const contents = files.map((f) => readFileSync(f).toString("latin1"));
      // The search works on these files: what was written (the incident's title) is found.
      expect(contents.some((c) => c.includes(title))).toBe(true);
      for (const c of contents) notIn(c, values);
      notIn(JSON.stringify(responses), values);
      notIn(printed.join(""), values);
      notIn(JSON.stringify(sim.writeLog) + JSON.stringify(sim.secretWrites), values);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  // PostgreSQL's own files: on the PostgreSQL pass only (postgres-pass.ts says why it cannot go
  // missing under CI). The PGlite files are searched above, on both passes.
  const postgres = postgresPass();
  // PostgreSQL pass only (postgresPass): skipped on the PGlite pass by design; under CI=true the
  // PostgreSQL pass fails outright when no server answers, so this cannot go missing there.
  it.runIf(postgres !== null)("is in no table and no WAL segment of PostgreSQL", async () => {
    const handle = await openTestDatabase();
    const { values, responses, ok, failed, title } = await setValues(handle);
    expect(ok.ok && !failed.ok).toBe(true);
    notIn(JSON.stringify(responses), values);
    const owner = new pg.Client({ connectionString: postgres!.owner });
    await owner.connect();
    try {
      await owner.query("checkpoint");
      const tables = await owner.query<{ t: string }>("select format('%I.%I', schemaname, tablename) as t from pg_tables where schemaname in ('public', 'pgboss')");
      for (const { t } of tables.rows) {
        const { rows } = await owner.query<{ n: number }>(`select count(*)::int as n from ${t} x where ${values.map((_, i) => `strpos(x::text, $${i + 1}) > 0`).join(" or ")}`, values);
        expect(rows[0]!.n, `found in ${t}`).toBe(0);
      }
      const wal = await owner.query<{ name: string }>("select name from pg_ls_waldir() order by modification desc limit 4");
      const control = await owner.query<{ n: number }>(
        "select count(*)::int as n from (select name from pg_ls_waldir() order by modification desc limit 4) w where position(convert_to($1, 'UTF8') in pg_read_binary_file('pg_wal/' || w.name)) > 0",
        [title],
      );
      // The search works on these segments: what was written (the incident's title) is found.
      expect(control.rows[0]!.n).toBeGreaterThan(0);
      for (const { name } of wal.rows) {
        const { rows } = await owner.query<{ hit: boolean }>(
          `select ${values.map((_, i) => `position(convert_to($${i + 1}, 'UTF8') in pg_read_binary_file('pg_wal/' || $${values.length + 1}::text)) > 0`).join(" or ")} as hit`,
          [...values, name],
        );
        expect(rows[0]!.hit, `found in WAL segment ${name}`).toBe(false);
      }
    } finally {
      await owner.end();
      await handle.close();
    }
    notIn(printed.join(""), values);
  }, 120_000);
});
