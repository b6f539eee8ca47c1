// Steps 5 and 6 against the GitHub simulator: the releases in-scope repositories made inside the
// compromise window, read with the reader App at start and rebuilt by hand (one item each, done
// with evidence); the logs of the runs inside the window on a public repository, deleted through
// the responder App (dry run first, idempotent, the runs named in the evidence).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/lib/testing/test-db";
import { testMeta } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import type { SessionUser } from "@/lib/authz/actor";
import { executeUseCase } from "@/lib/door/use-case";
import { APP_ID, appKeys, RESPONDER_APP_ID, responderKeys, startResponderSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import type { GithubSim } from "@/sim/github";
import { stopQueue } from "@/lib/jobs/queue";
import { connectedSimOrg, syncSimOrg } from "@/lib/testing/simulator-org";
import { startIncident, updateItem } from "./incident-service";
import { runIncidentAction } from "./incident-actions";
import { getIncidentDetail } from "./incident-repo";
import { incidentMarkdown } from "./report";

let handle: DatabaseHandle;
let sim: GithubSim;
let org: { id: string; slug: string };
let responder: SessionUser;

const WINDOW = { from: "2025-03-14T16:00:00Z", to: "2025-03-15T12:00:00Z" };
const PUBLISH = ".github/workflows/publish.yml";
/** The runs of test-org/library's publish workflow seeded inside the window (library is public). */
let runsInWindow: number[] = [];

beforeAll(async () => {
  handle = await openTestDatabase();
  // Installation ids of this file's own (other files connect test-org in the same database).
  sim = await startResponderSim({ "test-org": { id: 760_001 } }, { app: { id: APP_ID, slug: "gatehouse", publicKeyPem: appKeys().publicKey, installations: { "test-org": { id: 760_002 } } } });
  useSimulatorApp(sim);
  process.env.GITHUB_RESPONDER_APP_ID = String(RESPONDER_APP_ID);
  process.env.GITHUB_RESPONDER_APP_PRIVATE_KEY = responderKeys().privateKey;
  const connected = await connectedSimOrg(handle, sim, "test-org");
  org = { id: connected.id, slug: connected.slug };
  responder = connected.member;
  await syncSimOrg(handle, org.id);

  runsInWindow = [
    sim.control.seedRun("test-org", "library", { workflow: PUBLISH, createdAt: "2025-03-14T18:00:00Z" }).id,
    sim.control.seedRun("test-org", "library", { workflow: PUBLISH, createdAt: "2025-03-15T09:30:00Z", conclusion: "failure" }).id,
  ];
  sim.control.seedRun("test-org", "library", { workflow: PUBLISH, createdAt: "2025-03-13T10:00:00Z" });
  // library: one release made inside the window, one drafted before it and published inside it,
  // one before it, and a draft (the reader may not push: GitHub does not list it to it).
  sim.control.addRelease("test-org", "library", { tagName: "v9.0.0", name: "Library 9", createdAt: "2025-03-14T18:05:00Z" });
  sim.control.addRelease("test-org", "library", { tagName: "v8.9.0", createdAt: "2025-03-01T10:00:00Z", publishedAt: "2025-03-15T10:00:00Z" });
  sim.control.addRelease("test-org", "library", { tagName: "v8.0.0", createdAt: "2025-03-10T10:00:00Z" });
  sim.control.addRelease("test-org", "library", { tagName: "v9.1.0-rc.1", createdAt: "2025-03-15T08:00:00Z", draft: true });
  // service (private, in scope, no run inside the window): its release is listed, not exposed.
  sim.control.addRelease("test-org", "service", { tagName: "svc-2025.03.14", createdAt: "2025-03-14T20:00:00Z", prerelease: true });
}, 120_000);
afterAll(async () => {
  await stopQueue();
  await sim.close();
  await handle.close();
});

const as = <T>(useCase: Parameters<typeof executeUseCase>[2], input: Record<string, unknown>) =>
  executeUseCase(handle, responder, useCase, { orgSlug: org.slug, ...input }, testMeta()) as Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string; fields?: Record<string, string> } }>;

type ActionResult = { summary: string; results: { itemId: string; label: string; status: string; message: string; calls: { method: string; path: string; when?: string }[] }[] };

async function start() {
  const tokensBefore = sim.installationTokens().length;
  const r = await as<{ id: string }>(startIncident, { kind: "action", target: "actions/checkout", title: "checkout re-pointed", window: WINDOW });
  if (!r.ok) throw new Error(r.error.message);
  return { id: r.data.id, tokens: sim.installationTokens().slice(tokensBefore) };
}

const logsDeleted = (runId: number) => sim.org("test-org").repos.find((r) => r.name === "library")!.runs!.get(runId)!.logsDeleted === true;
const logDeletes = () => sim.writeLog.filter((w) => /\/actions\/runs\/\d+\/logs$/.test(w.path)).map((w) => `${w.method} ${w.path} ${w.status}`);

describe("step 5: the releases made inside the window", () => {
  let incidentId: string;

  it("are read with the reader App at start: one scope entry and one rebuild item each, exposed where an in-scope workflow ran", async () => {
    const { id, tokens } = await start();
    incidentId = id;
    // Reading is the reader's: no responder token was minted, and the reader's tokens cannot write.
    expect(tokens.length).toBeGreaterThan(0);
    for (const t of tokens) {
      expect(t.appId).toBe(APP_ID);
      expect(Object.values(t.permissions).every((level) => level === "read")).toBe(true);
    }
    const d = await getIncidentDetail(handle.db, org.id, id);
    expect(d.exposureNote).toBe("2 run(s) of in-scope workflows inside the window; 3 release(s) created or published inside it.");
    expect(d.scope.releases.map((r) => [r.label, r.exposed])).toEqual([
      ["test-org/library v8.9.0", true],
      ["test-org/library v9.0.0", true],
      ["test-org/service svc-2025.03.14", false],
    ]);
    expect(d.scope.releases.find((r) => r.label.endsWith("v9.0.0"))!.data).toMatchObject({
      tagName: "v9.0.0",
      name: "Library 9",
      createdAt: "2025-03-14T18:05:00Z",
      htmlUrl: "https://github.com/test-org/library/releases/tag/v9.0.0",
      workflowsInWindow: [{ path: PUBLISH, runs: 2 }],
    });

    const step5 = d.steps[4]!.items;
    const releases = step5.filter((i) => i.kind === "rebuild-release");
    expect(releases.map((i) => [i.label, i.exposed, i.status])).toEqual([
      ["Rebuild test-org/library v8.9.0 from a clean runner", true, "todo"],
      ["Rebuild test-org/library v9.0.0 from a clean runner", true, "todo"],
      ["Rebuild test-org/service svc-2025.03.14 from a clean runner", false, "todo"],
    ]);
    const v9 = releases[1]!;
    // The repository's owner from the inventory; the release, what may have built it, where else to look.
    const libraryOwner = d.scope.repositories.find((r) => r.label === "test-org/library")!.data.owner;
    expect(libraryOwner).toEqual(expect.any(String));
    expect(v9.owner).toBe(libraryOwner);
    expect(v9.detail).toContain('v9.0.0 "Library 9": created 2025-03-14 18:05 UTC, published 2025-03-14 18:05 UTC.');
    expect(v9.detail).toContain("https://github.com/test-org/library/releases/tag/v9.0.0");
    expect(v9.detail).toContain("In-scope workflows of test-org/library ran inside the window (publish.yml: 2 run(s))");
    expect(v9.detail).toMatch(/Packages: the in-scope jobs of test-org\/library also publish to npm/);
    const id9 = d.scope.releases.find((r) => r.label.endsWith("v9.0.0"))!.data.id as number;
    expect(v9.command).toContain(`gh api -X PATCH repos/test-org/library/releases/${id9} -F draft=true`);
    expect(v9.command).toContain(`gh api repos/test-org/library/releases/${id9}/assets --paginate`);
    expect(v9.command).toContain("gh release create <next-version> --repo test-org/library --target 'main'");
    expect(releases[2]!.detail).toContain("(prerelease)");
    // The publish workflow's artifacts item stays, and points at the release items.
    expect(step5.find((i) => i.kind === "rebuild" && i.label.includes("library"))!.detail).toContain("The 2 release(s) of test-org/library inside the window have items of their own.");
    // The report lists them too.
    expect(incidentMarkdown(d)).toContain("### Releases inside the window (3)");
  });

  it("is finished by hand: done needs evidence (refused without, nothing changed), skipped needs a reason; no API action acts on it", async () => {
    const d = await getIncidentDetail(handle.db, org.id, incidentId);
    const [v89, v9, svc] = d.steps[4]!.items.filter((i) => i.kind === "rebuild-release");
    const refused = await as(updateItem, { incidentId, itemId: v9!.id, status: "done" });
    expect(refused).toMatchObject({ ok: false, error: { code: "invalid_input", fields: { evidence: "is required to mark it done" } } });
    expect(refused.ok || refused.error.message).toContain("the new release's link");
    const done = await as(updateItem, { incidentId, itemId: v9!.id, status: "done", evidence: "Rebuilt as v9.0.1: https://github.com/test-org/library/releases/tag/v9.0.1 (run 4242)" });
    expect(done).toEqual({ ok: true, data: { id: v9!.id, status: "done" } });
    // Evidence added first, done after: also fine.
    expect((await as(updateItem, { incidentId, itemId: v89!.id, evidence: "v8.9.0 deleted; users moved to v9.0.1" })).ok).toBe(true);
    expect(await as(updateItem, { incidentId, itemId: v89!.id, status: "done" })).toMatchObject({ ok: true, data: { status: "done" } });
    expect(await as(updateItem, { incidentId, itemId: svc!.id, status: "skipped" })).toMatchObject({ ok: false, error: { code: "invalid_input", fields: { reason: "is required" } } });
    expect(await as(updateItem, { incidentId, itemId: svc!.id, status: "skipped", reason: "Built by the release team's own runner, outside GitHub Actions" })).toMatchObject({ ok: true });
    const after = await getIncidentDetail(handle.db, org.id, incidentId);
    const items = after.steps[4]!.items.filter((i) => i.kind === "rebuild-release");
    expect(items.map((i) => i.status)).toEqual(["done", "done", "skipped"]);
    expect(items[1]!.evidence).toMatchObject([{ by: responder.email, text: expect.stringContaining("v9.0.1") }]);
    expect(after.timeline.at(-1)!.message).toContain("status todo → skipped (Built by the release team's own runner");
    const writes = sim.writeLog.length;
    const action = await as(runIncidentAction, { incidentId, action: "delete-run-logs", itemIds: [v9!.id], dryRun: true });
    expect(action).toMatchObject({ ok: false, error: { code: "invalid_input", message: expect.stringContaining("not delete-run-logs items") } });
    expect(sim.writeLog.length).toBe(writes);
  });
});

describe("step 6: the run logs of a public repository, deleted through the responder App", () => {
  let incidentId: string;
  let itemId: string;

  it("has one item for public library; a dry run lists the exact calls and calls nothing", async () => {
    incidentId = (await start()).id;
    const d = await getIncidentDetail(handle.db, org.id, incidentId);
    const items = d.steps[5]!.items.filter((i) => i.kind === "delete-run-logs");
    expect(items.map((i) => [i.label, i.exposed])).toEqual([["Review and delete the logs of runs inside the window (test-org/library is public)", true]]);
    itemId = items[0]!.id;
    expect(items[0]!.command).toContain("gh api 'repos/test-org/library/actions/workflows/");
    expect(items[0]!.command).toContain('gh api -X DELETE "repos/test-org/library/actions/runs/$id/logs"');
    const writes = sim.writeLog.length;
    const r = await as<ActionResult>(runIncidentAction, { incidentId, action: "delete-run-logs", dryRun: true });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.data.summary).toBe("Dry run of delete-run-logs: 2 call(s) planned for 1 item(s).");
    const workflowId = (d.scope.workflows.find((w) => w.label === `test-org/library/${PUBLISH}`)!.data.githubWorkflowId as number).toString();
    expect(r.data.results[0]!.calls).toEqual([
      { method: "GET", path: `/repos/test-org/library/actions/workflows/${workflowId}/runs?created=2025-03-14T16%3A00%3A00Z..2025-03-15T12%3A00%3A00Z&per_page=100`, when: "every page" },
      { method: "DELETE", path: "/repos/test-org/library/actions/runs/{each completed run inside the window}/logs" },
    ]);
    expect(sim.writeLog.length).toBe(writes);
    expect((await getIncidentDetail(handle.db, org.id, incidentId)).steps[5]!.items.find((i) => i.id === itemId)!.status).toBe("todo");
  });

  it("deletes the logs of every completed run inside the window, with one scoped token, revoked; the item is done with the runs as evidence", async () => {
    const tokensBefore = sim.installationTokens().length;
    const before = logDeletes().length;
    const r = await as<ActionResult>(runIncidentAction, { incidentId, action: "delete-run-logs" });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.data.summary).toBe("delete-run-logs: 1 of 1 item(s) done.");
    expect(r.data.results[0]).toMatchObject({ status: "done", message: `logs of 2 completed run(s) inside the window deleted: ${runsInWindow.join(", ")}` });
    expect(r.data.results[0]!.calls).toEqual(runsInWindow.map((id) => ({ method: "DELETE", path: `/repos/test-org/library/actions/runs/${id}/logs` })));
    // Exactly those runs, on GitHub: not the run before the window.
    expect(logDeletes().slice(before)).toEqual(runsInWindow.map((id) => `DELETE /repos/test-org/library/actions/runs/${id}/logs 204`));
    expect(runsInWindow.every(logsDeleted)).toBe(true);
    const minted = sim.installationTokens().slice(tokensBefore);
    expect(minted).toHaveLength(1);
    expect(minted[0]).toMatchObject({ appId: RESPONDER_APP_ID, repositories: ["library"], permissions: { actions: "write", metadata: "read" }, revoked: true });
    const item = (await getIncidentDetail(handle.db, org.id, incidentId)).steps[5]!.items.find((i) => i.id === itemId)!;
    expect(item.status).toBe("done");
    expect(item.evidence).toHaveLength(1);
    expect(item.evidence[0]!.text).toBe(
      `delete-run-logs: logs of 2 completed run(s) inside the window deleted: ${runsInWindow.join(", ")} [${runsInWindow.map((id) => `DELETE /repos/test-org/library/actions/runs/${id}/logs`).join("; ")}]`,
    );
  });

  it("is idempotent: logs already gone answer 204 again, and the item stays done", async () => {
    const before = logDeletes().length;
    const r = await as<ActionResult>(runIncidentAction, { incidentId, action: "delete-run-logs" });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.data.results[0]!.status).toBe("done");
    expect(logDeletes().slice(before)).toEqual(runsInWindow.map((id) => `DELETE /repos/test-org/library/actions/runs/${id}/logs 204`));
    const item = (await getIncidentDetail(handle.db, org.id, incidentId)).steps[5]!.items.find((i) => i.id === itemId)!;
    expect(item).toMatchObject({ status: "done", statusReason: null });
    expect(item.evidence).toHaveLength(2);
  });

  it("a run inside the window still in progress is not asked (GitHub refuses its logs): the item fails naming it, and succeeds once it has ended", async () => {
    const running = sim.control.seedRun("test-org", "library", { workflow: PUBLISH, createdAt: "2025-03-15T11:00:00Z", status: "in_progress" });
    const before = logDeletes().length;
    const r = await as<ActionResult>(runIncidentAction, { incidentId, action: "delete-run-logs" });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.data.results[0]).toMatchObject({ status: "failed", message: expect.stringContaining(`1 run(s) still in progress: ${running.id}: GitHub keeps their logs until they end`) });
    expect(logDeletes().slice(before).some((w) => w.includes(`/runs/${running.id}/logs`))).toBe(false);
    let item = (await getIncidentDetail(handle.db, org.id, incidentId)).steps[5]!.items.find((i) => i.id === itemId)!;
    expect(item).toMatchObject({ status: "failed", statusReason: expect.stringContaining(`cancel them (step 1)`) });

    const run = sim.org("test-org").repos.find((x) => x.name === "library")!.runs!.get(running.id)!;
    Object.assign(run, { status: "completed", conclusion: "cancelled" });
    const again = await as<ActionResult>(runIncidentAction, { incidentId, action: "delete-run-logs" });
    if (!again.ok) throw new Error(again.error.message);
    expect(again.data.results[0]!.message).toBe(`logs of 3 completed run(s) inside the window deleted: ${[...runsInWindow, running.id].join(", ")}`);
    expect(logsDeleted(running.id)).toBe(true);
    item = (await getIncidentDetail(handle.db, org.id, incidentId)).steps[5]!.items.find((i) => i.id === itemId)!;
    expect(item).toMatchObject({ status: "done", statusReason: null });
  });

  it("the responder App without actions: write: the item fails saying which permission, no log is deleted", async () => {
    const installation = sim.core.installationForOrg("test-org", RESPONDER_APP_ID)!;
    const saved = { ...installation.permissions };
    delete (installation.permissions as Record<string, string>).actions;
    const before = logDeletes().length;
    try {
      const r = await as<ActionResult>(runIncidentAction, { incidentId, action: "delete-run-logs" });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.data.results[0]).toMatchObject({ status: "failed", message: expect.stringContaining("actions: write") });
      expect(logDeletes().length).toBe(before);
    } finally {
      Object.assign(installation.permissions, saved);
    }
  });
});

describe("what cannot be read is said, not taken for nothing", () => {
  it("a repository gone from GitHub since the sync: its runs and releases are reported unread in the exposure note (the third library run is the one seeded in progress above)", async () => {
    const repos = sim.org("test-org").repos;
    const index = repos.findIndex((r) => r.name === "tools");
    const [tools] = repos.splice(index, 1);
    try {
      const d = await getIncidentDetail(handle.db, org.id, (await start()).id);
      expect(d.exposureNote).toMatch(/^3 run\(s\) of in-scope workflows inside the window; 3 release\(s\) created or published inside it; could not read 2: /);
      expect(d.exposureNote).toContain("releases of test-org/tools: not found on GitHub (deleted since the last sync?)");
    } finally {
      repos.splice(index, 0, tools!);
    }
  });
});
