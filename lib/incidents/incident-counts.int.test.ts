// The navigation's open-incident count: this org's open incidents only.
import { afterAll, beforeAll, expect, it } from "vitest";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { incidents } from "@/lib/db/schema";
import { countOpenIncidents } from "./incident-counts";

let handle: DatabaseHandle;
let org: TestOrg;
let other: TestOrg;

const incident = (o: TestOrg, number: number, status: "open" | "closed") => ({
  orgId: o.id,
  number,
  kind: "action" as const,
  target: "tj-actions/changed-files",
  targetLabel: "tj-actions/changed-files",
  title: `INC ${number}`,
  severity: "high" as const,
  status,
  commander: "a@example.test",
  startedBy: "a@example.test",
});

beforeAll(async () => {
  handle = await openTestDatabase();
  org = await createTestOrg(handle.db);
  other = await createTestOrg(handle.db);
  await handle.db.insert(incidents).values([incident(org, 1, "open"), incident(org, 2, "closed"), incident(org, 3, "open"), incident(other, 1, "open")]);
});

afterAll(async () => {
  await handle.close();
});

it("counts the org's open incidents, not its closed ones nor another org's", async () => {
  expect(await countOpenIncidents(handle.db, org.id)).toBe(2);
  expect(await countOpenIncidents(handle.db, other.id)).toBe(1);
  const empty = await createTestOrg(handle.db);
  expect(await countOpenIncidents(handle.db, empty.id)).toBe(0);
});
