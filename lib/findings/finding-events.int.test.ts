// A finding's history: each sync appends what it saw change — opened, fixed, regressed — with the
// run that saw it and what the finding was; an unchanged sync appends nothing; no row changes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq, sql } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, type TestOrg } from "@/lib/testing/fixtures";
import { seedOrgFacts, seedRepo } from "@/lib/testing/inventory";
import { analyzeFiles } from "@/lib/analysis";
import { findingWorkflow as workflow } from "@/lib/testing/findings";
import type { DatabaseHandle } from "@/lib/db/types";
import { findingEvents, findings } from "@/lib/db/schema";

const W1 = { ".github/workflows/one.yml": workflow("ONE_TOKEN") };
const W2 = { ".github/workflows/two.yml": workflow("TWO_TOKEN") };
const W3 = { ".github/workflows/three.yml": workflow("THREE_TOKEN") };
const findingsOf = (files: Record<string, string>) => analyzeFiles(Object.entries(files).map(([path, content]) => ({ path, content }))).findings;

let handle: DatabaseHandle;
let org: TestOrg;
const REPO = { githubId: 9_410_001, name: "history" };

beforeAll(async () => {
  handle = await openTestDatabase();
  org = await createTestOrg(handle.db);
  await seedOrgFacts(handle.db, org);
});
afterAll(async () => {
  await handle.close();
});

async function eventsSince(id: number) {
  return handle.db
    .select()
    .from(findingEvents)
    .where(and(eq(findingEvents.orgId, org.id), sql`${findingEvents.id} > ${id}`))
    .orderBy(asc(findingEvents.id));
}
async function lastEventId(): Promise<number> {
  const [r] = await handle.db.select({ id: sql<number>`coalesce(max(${findingEvents.id}), 0)::bigint` }).from(findingEvents);
  return Number(r?.id ?? 0);
}

describe("finding_event", () => {
  it("records opened, fixed and regressed as syncs see them, and nothing for an unchanged sync", async () => {
    const one = findingsOf(W1).length;
    const two = findingsOf(W2).length;
    const three = findingsOf(W3).length;
    expect(one).toBeGreaterThan(0);
    expect(two).toBeGreaterThan(0);

    let mark = await lastEventId();
    await seedRepo(handle.db, org, { ...REPO, files: { ...W1, ...W2 } }, new Date("2026-11-02T09:00:00Z"));
    let events = await eventsSince(mark);
    expect(events.map((e) => e.type)).toEqual(Array(one + two).fill("opened"));
    expect(events.every((e) => e.actor === "Gatehouse (sync)" && e.at.toISOString() === "2026-11-02T09:00:00.000Z")).toBe(true);
    expect(events[0]!.data.repo).toBe(`${org.slug}/history`);

    // one.yml goes: its findings are fixed, and the event keeps what they were.
    mark = await lastEventId();
    await seedRepo(handle.db, org, { ...REPO, files: W2 }, new Date("2026-11-03T09:00:00Z"));
    events = await eventsSince(mark);
    expect(events.map((e) => e.type)).toEqual(Array(one).fill("fixed"));
    expect(new Set(events.map((e) => e.data.path))).toEqual(new Set([".github/workflows/one.yml"]));
    const fixedIds = new Set(events.map((e) => e.findingId));
    const stored = await handle.db.select({ id: findings.id, fixedAt: findings.fixedAt }).from(findings).where(eq(findings.orgId, org.id));
    expect(stored.filter((f) => fixedIds.has(f.id)).every((f) => f.fixedAt !== null)).toBe(true);

    // one.yml comes back (regressed, same finding ids) and three.yml is new (opened).
    mark = await lastEventId();
    await seedRepo(handle.db, org, { ...REPO, files: { ...W1, ...W2, ...W3 } }, new Date("2026-11-04T09:00:00Z"));
    events = await eventsSince(mark);
    expect(events.filter((e) => e.type === "regressed")).toHaveLength(one);
    expect(new Set(events.filter((e) => e.type === "regressed").map((e) => e.findingId))).toEqual(fixedIds);
    expect(events.filter((e) => e.type === "opened").map((e) => e.data.path)).toEqual(Array(three).fill(".github/workflows/three.yml"));
    expect(events).toHaveLength(one + three);

    // The same snapshot again: nothing happened, nothing is appended.
    mark = await lastEventId();
    await seedRepo(handle.db, org, { ...REPO, files: { ...W1, ...W2, ...W3 } }, new Date("2026-11-05T09:00:00Z"));
    expect(await eventsSince(mark)).toEqual([]);
  });

  it("is append-only: a recorded event cannot be changed", async () => {
    const [e] = await handle.db.select({ id: findingEvents.id }).from(findingEvents).where(eq(findingEvents.orgId, org.id)).limit(1);
    expect(e).toBeDefined();
    const err = await handle.db
      .execute(sql`update finding_event set type = 'fixed' where id = ${e!.id}`)
      .then(() => null)
      .catch((x: unknown) => x as Error & { cause?: Error });
    // As the app role (PostgreSQL): no UPDATE privilege at all; on PGlite's one role: the trigger.
    expect(`${err?.message ?? ""} ${err?.cause?.message ?? ""}`).toMatch(/finding_event is append-only: UPDATE is not allowed|permission denied for table finding_event/);
  });
});
