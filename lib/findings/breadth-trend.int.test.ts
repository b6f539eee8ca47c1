// The over-broad credentials' trend through the sync: each run that ends leaves one point (the
// job process writes it), an unused organisation secret shared with every repository shows up in
// the next point, and the trend carries the points beside the findings.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, desc, eq, sql } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import type { DatabaseHandle } from "@/lib/db/types";
import { broadestSnapshots, credentialBreadthPoints, syncRuns } from "@/lib/db/schema";
import { inventoryAndOverridesVersion } from "@/lib/inventory/read-cache";
import { APP_ID, appKeys, startSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import { connectedSimOrg, syncSimOrg } from "@/lib/testing/simulator-org";
import { createTestOrg } from "@/lib/testing/fixtures";
import { stopQueue } from "@/lib/jobs/queue";
import type { GithubSim } from "@/sim/github";
import { broadest, countOverBroad, type BroadCredential } from "./breadth";
import { broadestCredentials, credentialFacts } from "./breadth-repo";
import { recordBreadthPoint } from "./breadth-trend";
import { findingsTrend } from "./trend-repo";

let handle: DatabaseHandle;
let sim: GithubSim;
let org: { id: string; slug: string };

const latestRun = async () => (await handle.db.select({ id: syncRuns.id, finishedAt: syncRuns.finishedAt }).from(syncRuns).where(eq(syncRuns.orgId, org.id)).orderBy(desc(syncRuns.startedAt)).limit(1))[0]!;
const pointOf = async (runId: string) => (await handle.db.select().from(credentialBreadthPoints).where(and(eq(credentialBreadthPoints.orgId, org.id), eq(credentialBreadthPoints.syncRunId, runId))))[0];

beforeAll(async () => {
  handle = await openTestDatabase();
  sim = await startSim({}, { app: { id: APP_ID, slug: "gatehouse", publicKeyPem: appKeys().publicKey, installations: { "test-org": { id: 810_002 } } } });
  useSimulatorApp(sim);
  const connected = await connectedSimOrg(handle, sim, "test-org", "admin");
  org = { id: connected.id, slug: connected.slug };
}, 120_000);
afterAll(async () => {
  await stopQueue();
  await sim.close();
  await handle.close();
});

describe("the over-broad credentials' trend", () => {
  let first: { overBroad: number; unused: number; org: number };

  it("a sync that ends leaves one point: the over-broad credentials of the inventory it left", async () => {
    await syncSimOrg(handle, org.id);
    const run = await latestRun();
    const point = await pointOf(run.id);
    const expected = countOverBroad(await credentialFacts(handle.db, org.id));
    expect(expected.overBroad).toBeGreaterThan(0);
    expect(point).toMatchObject({ at: run.finishedAt, overBroad: expected.overBroad, unused: expected.unused, byScope: expected.byScope });
    first = { overBroad: point!.overBroad, unused: point!.unused, org: point!.byScope.org ?? 0 };
    // Once per run: a later batch or a retried job writes nothing.
    expect(await recordBreadthPoint(handle.db, org.id, run.id)).toBe(false);
  });

  it("an unused organisation secret shared with every repository is one more over-broad, unused, org credential in the next point", async () => {
    sim.setSecret({ org: "test-org", name: "UNUSED_EVERYWHERE", visibility: "all" });
    await syncSimOrg(handle, org.id);
    const point = await pointOf((await latestRun()).id);
    expect(point).toMatchObject({ overBroad: first.overBroad + 1, unused: first.unused + 1, byScope: expect.objectContaining({ org: first.org + 1 }) });
    const trend = await findingsTrend(handle.db, org.id);
    expect(trend.map((p) => p.overBroad?.overBroad)).toEqual([first.overBroad, first.overBroad + 1]);
  });

  it("the run's end also stores the broadest list, which readers take only while the inventory is unchanged", async () => {
    const MARK = "MARKER_FROM_THE_JOB_PROCESS";
    const stored = async () => (await handle.db.select().from(broadestSnapshots).where(eq(broadestSnapshots.orgId, org.id)))[0]!;
    const first = await stored();
    expect(first.version).toBe(await inventoryAndOverridesVersion(handle.db, org.id));
    expect(first.list).toEqual(broadest(await credentialFacts(handle.db, org.id)));
    expect(first.list.length).toBeGreaterThan(0);
    const marked = (list: BroadCredential[]) => [{ ...list[0]!, name: MARK }, ...list.slice(1)];
    // A row of an older inventory version is never shown: the list is computed again.
    await handle.db.update(broadestSnapshots).set({ version: "an older inventory", list: marked(first.list) }).where(eq(broadestSnapshots.orgId, org.id));
    expect((await broadestCredentials(handle.db, org.id)).map((c) => c.name)).not.toContain(MARK);
    // The next run's end stores its own; a reader takes it as stored (the marker comes back), not recomputing.
    await syncSimOrg(handle, org.id);
    const next = await stored();
    expect(next.version).toBe(await inventoryAndOverridesVersion(handle.db, org.id));
    await handle.db.update(broadestSnapshots).set({ list: marked(next.list) }).where(eq(broadestSnapshots.orgId, org.id));
    expect((await broadestCredentials(handle.db, org.id))[0]!.name).toBe(MARK);
  });

  it("a run still going, or another organisation's run, gets no point", async () => {
    const [running] = await handle.db.insert(syncRuns).values({ orgId: org.id, scope: "org", trigger: "manual", status: "running", startedAt: new Date() }).returning({ id: syncRuns.id });
    expect(await recordBreadthPoint(handle.db, org.id, running!.id)).toBe(false);
    const other = await createTestOrg(handle.db);
    expect(await recordBreadthPoint(handle.db, other.id, (await latestRun()).id)).toBe(false);
    expect(await findingsTrend(handle.db, other.id)).toEqual([]);
  });

  it("a point is never changed", async () => {
    const [point] = await handle.db.select().from(credentialBreadthPoints).where(eq(credentialBreadthPoints.orgId, org.id)).limit(1);
    const err = await handle.db
      .execute(sql`update credential_breadth_point set over_broad = 0 where sync_run_id = ${point!.syncRunId}`)
      .then(() => null)
      .catch((x: unknown) => x as Error & { cause?: Error });
    expect(`${err?.message ?? ""} ${err?.cause?.message ?? ""}`).toMatch(/credential_breadth_point is append-only|permission denied/);
    expect((await handle.db.select().from(credentialBreadthPoints).where(eq(credentialBreadthPoints.syncRunId, point!.syncRunId)))[0]).toEqual(point);
  });
});
