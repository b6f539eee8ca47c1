// A renamed workflow file keeps its findings: same row, same triage and exception, the path moved
// on, and nothing recorded — through the simulator and the sync, as a repository's owner does it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq, inArray } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { testMeta } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import type { SessionUser } from "@/lib/authz/actor";
import { findingEvents, findings, repositories } from "@/lib/db/schema";
import { executeUseCase, type AnyUseCase } from "@/lib/door/use-case";
import { APP_ID, appKeys, startSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import { connectedSimOrg, syncSimOrg } from "@/lib/testing/simulator-org";
import { stopQueue } from "@/lib/jobs/queue";
import type { GithubSim } from "@/sim/github";
import { grantException } from "./exceptions-service";
import { triageFinding } from "./findings-service";
import { getFindingWithHistory } from "./findings-repo";

// One finding (unpinned-action on job lint); `name` changes the content, not the finding.
const oneFinding = (name: string) => `name: ${name}
on: push
permissions:
  contents: read
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-node@v4
      - run: echo ${name}
`;
const wf = (name: string) => `.github/workflows/${name}.yml`;

let handle: DatabaseHandle;
let sim: GithubSim;
let org: { id: string; slug: string };
let admin: SessionUser;
let clockOffsetMs = 0;
const setFiles = async (files: Record<string, string | null>) => {
  clockOffsetMs += 2000;
  for (const [path, text] of Object.entries(files)) await sim.setFile("test-org", "tools", path, text);
};
const sync = () => syncSimOrg(handle, org.id);
type Result<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
const ok = async <T,>(useCase: AnyUseCase, input: Record<string, unknown>): Promise<T> => {
  const r = (await executeUseCase(handle, admin, useCase, { orgSlug: org.slug, ...input }, testMeta())) as Result<T>;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data;
};
/** The tools repository's findings on our files, path → row. */
async function ours(names: string[]) {
  const rows = await handle.db
    .select({ id: findings.id, path: findings.path, fingerprint: findings.fingerprint, fixedAt: findings.fixedAt, assignee: findings.assignee, triageState: findings.triageState })
    .from(findings)
    .innerJoin(repositories, eq(repositories.id, findings.repoId))
    .where(and(eq(findings.orgId, org.id), eq(repositories.name, "tools"), inArray(findings.path, names.map(wf))))
    .orderBy(asc(findings.path));
  return rows;
}
let eventLog: { at: Date; count: number }[] = [];
async function eventCountAt(at: Date) {
  return eventLog.find((e) => e.at === at)!.count;
}
async function mark() {
  const at = new Date();
  const count = (await handle.db.select({ id: findingEvents.id }).from(findingEvents).where(eq(findingEvents.orgId, org.id))).length;
  eventLog = [...eventLog, { at, count }];
  return at;
}
async function newEvents(at: Date) {
  const all = await handle.db.select({ type: findingEvents.type, data: findingEvents.data }).from(findingEvents).where(eq(findingEvents.orgId, org.id)).orderBy(asc(findingEvents.id));
  return all.slice(await eventCountAt(at)).map((e) => `${e.type} ${e.data.path}`);
}

beforeAll(async () => {
  handle = await openTestDatabase();
  sim = await startSim({}, { app: { id: APP_ID, slug: "gatehouse", publicKeyPem: appKeys().publicKey, installations: { "test-org": { id: 810_001 } } }, now: () => Date.now() + clockOffsetMs });
  useSimulatorApp(sim);
  const connected = await connectedSimOrg(handle, sim, "test-org", "admin");
  org = { id: connected.id, slug: connected.slug };
  admin = connected.member;
}, 120_000);
afterAll(async () => {
  await stopQueue();
  await sim.close();
  await handle.close();
});

describe("findings across file renames", () => {
  it("a file renamed as is keeps its finding: id, triage and exception kept, path moved, no event", async () => {
    await setFiles({ [wf("release")]: oneFinding("release") });
    await sync();
    const [before] = await ours(["release"]);
    await ok(triageFinding, { findingId: before!.id, state: "acknowledged", assignee: admin.email, note: "pin it with the CI rework" });
    await ok(grantException, { scope: { findingId: before!.id }, reason: "setup-node is vendored until the CI rework", expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() });
    const at = await mark();

    await setFiles({ [wf("release")]: null, [wf("publish")]: oneFinding("release") });
    await sync();
    expect(await newEvents(at)).toEqual([]);
    expect(await ours(["release"])).toEqual([]);
    const [after] = await ours(["publish"]);
    expect(after).toMatchObject({ id: before!.id, path: wf("publish"), fixedAt: null, triageState: "acknowledged", assignee: admin.email });
    expect(after!.fingerprint).not.toBe(before!.fingerprint);
    const detail = await getFindingWithHistory(handle.db, org.id, before!.id);
    expect(detail).toMatchObject({ path: wf("publish"), state: "accepted", assignee: admin.email, exception: { reason: "setup-node is vendored until the CI rework" } });
    expect(detail!.history.map((h) => h.type)).toEqual(["opened", "triaged", "excepted"]);
    // The row carries the renamed file's workflow (the invariant on finding): the review links there.
    const [stored] = await handle.db.select({ workflowId: findings.workflowId }).from(findings).where(eq(findings.id, before!.id));
    expect(stored!.workflowId).toEqual(expect.any(String));
    expect(stored!.workflowId).toBe(detail!.workflowId);
  });

  it("a file edited as it moves keeps its finding when its job and subject are the same", async () => {
    const [before] = await ours(["publish"]);
    const at = await mark();
    await setFiles({ [wf("publish")]: null, [wf("ship")]: oneFinding("ship it") });
    await sync();
    expect(await newEvents(at)).toEqual([]);
    expect(await ours(["ship"])).toEqual([expect.objectContaining({ id: before!.id, assignee: admin.email })]);
  });

  it("two workflows with the same job and subject stay two findings; when both go and one appears, nothing is guessed", async () => {
    await setFiles({ [wf("twin-a")]: oneFinding("twin-a"), [wf("twin-b")]: oneFinding("twin-b") });
    await sync();
    const twins = await ours(["twin-a", "twin-b"]);
    expect(twins).toHaveLength(2);
    expect(new Set(twins.map((t) => t.id)).size).toBe(2);

    // One twin renamed: only its finding moves; the other stays where it is.
    let at = await mark();
    await setFiles({ [wf("twin-a")]: null, [wf("twin-c")]: oneFinding("twin-a") });
    await sync();
    expect(await newEvents(at)).toEqual([]);
    expect((await ours(["twin-b", "twin-c"])).map((t) => [t.path, t.id])).toEqual([[wf("twin-b"), twins[1]!.id], [wf("twin-c"), twins[0]!.id]]);

    // Both go, one file with the same job and subject comes: which one it is cannot be told.
    at = await mark();
    await setFiles({ [wf("twin-b")]: null, [wf("twin-c")]: null, [wf("twin-d")]: oneFinding("twin-d") });
    await sync();
    expect((await newEvents(at)).sort()).toEqual([`fixed ${wf("twin-b")}`, `fixed ${wf("twin-c")}`, `opened ${wf("twin-d")}`]);
  });
});
