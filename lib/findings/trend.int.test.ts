// The trend's SQL on real rows: finished syncs and the lifecycle events stamped between them,
// read back as one point per sync with the findings present per severity after it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { findingEvents, syncRuns, type FindingEventType } from "@/lib/db/schema";
import { findingsTrend, TREND_DAYS, TREND_MAX_SYNCS } from "./trend-repo";

let handle: DatabaseHandle;
let org: TestOrg;
let other: TestOrg;
const now = new Date();
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

async function addRun(orgId: string, finishedAt: Date, status: "succeeded" | "partial" | "running" = "succeeded") {
  const [r] = await handle.db
    .insert(syncRuns)
    .values({ orgId, scope: "org", trigger: "schedule", status, startedAt: new Date(finishedAt.getTime() - 30_000), finishedAt: status === "running" ? null : finishedAt })
    .returning({ id: syncRuns.id });
  return r!.id;
}
async function addEvent(orgId: string, findingId: string, type: FindingEventType, severity: string, at: Date, syncRunId: string | null = null) {
  await handle.db.insert(findingEvents).values({
    orgId, findingId, fingerprint: `fp-${findingId}`, type, at, syncRunId, actor: "Gatehouse (sync)",
    data: { rule: "r", severity, repo: "acme/api", path: ".github/workflows/ci.yml", line: 1, job: null, message: "m" },
  });
}

beforeAll(async () => {
  handle = await openTestDatabase();
  org = await createTestOrg(handle.db);
  other = await createTestOrg(handle.db);
});
afterAll(async () => {
  await handle.close();
});

describe("findingsTrend", () => {
  it("gives each finished sync the findings present per severity after it", async () => {
    const [f1, f2, f3, f4] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    // Before the window: opened long ago (counts in the first point), and one opened then fixed.
    await addEvent(org.id, f1, "opened", "high", new Date(now.getTime() - 200 * 86_400_000));
    await addEvent(org.id, f4, "opened", "low", ago(300));
    await addEvent(org.id, f4, "fixed", "low", ago(250));
    const r1 = await addRun(org.id, ago(240));
    await addEvent(org.id, f2, "opened", "critical", ago(239.5));
    await addEvent(org.id, f3, "opened", "high", ago(239.5));
    const r2 = await addRun(org.id, ago(180));
    await addEvent(org.id, f1, "fixed", "high", ago(120.5));
    const r3 = await addRun(org.id, ago(120), "partial");
    await addEvent(org.id, f1, "regressed", "high", ago(60.5));
    await addEvent(org.id, f2, "fixed", "critical", ago(60.5));
    // A person's triage changes nothing present.
    await addEvent(org.id, f3, "triaged", "high", ago(60.2));
    const r4 = await addRun(org.id, ago(60));
    // A sync still running: its events belong to no point yet.
    await addRun(org.id, ago(1), "running");
    await addEvent(org.id, f3, "fixed", "high", ago(0.5));
    // Another organisation's syncs and events never show.
    await addRun(other.id, ago(90));
    await addEvent(other.id, randomUUID(), "opened", "critical", ago(95));

    const points = await findingsTrend(handle.db, org.id, now);
    expect(points.map((p) => p.runId)).toEqual([r1, r2, r3, r4]);
    expect(points.map((p) => [p.counts.critical, p.counts.high, p.counts.low, p.total])).toEqual([
      [0, 1, 0, 1],
      [1, 2, 0, 3],
      [1, 1, 0, 2],
      [0, 2, 0, 2],
    ]);
    expect(points[2]).toMatchObject({ status: "partial", trigger: "schedule", at: ago(120).toISOString() });
    const theirs = await findingsTrend(handle.db, other.id, now);
    expect(theirs.map((p) => p.counts.critical)).toEqual([1]);
  });

  it("is bounded: the last TREND_MAX_SYNCS syncs within TREND_DAYS, none older", async () => {
    const bounded = await createTestOrg(handle.db);
    const f = randomUUID();
    await addEvent(bounded.id, f, "opened", "medium", new Date(now.getTime() - (TREND_DAYS + 2) * 86_400_000));
    await addRun(bounded.id, new Date(now.getTime() - (TREND_DAYS + 1) * 86_400_000));
    const ids: string[] = [];
    for (let i = TREND_MAX_SYNCS + 5; i >= 1; i--) ids.push(await addRun(bounded.id, ago(i * 10)));
    const points = await findingsTrend(handle.db, bounded.id, now);
    expect(points).toHaveLength(TREND_MAX_SYNCS);
    expect(points.map((p) => p.runId)).toEqual(ids.slice(-TREND_MAX_SYNCS));
    expect(points.every((p) => p.counts.medium === 1 && p.total === 1)).toBe(true);
  });

  it("is empty before the first sync", async () => {
    const fresh = await createTestOrg(handle.db);
    expect(await findingsTrend(handle.db, fresh.id, now)).toEqual([]);
  });
});
