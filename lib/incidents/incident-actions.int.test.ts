// Incident actions against the GitHub simulator with both Apps: the reader syncs test-org, the
// responder disables, cancels, deletes and writes — one token per repository, scoped and
// revoked — and every outcome lands on the items, the timeline and the audit log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { testMeta } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { auditEvents, incidentItems } from "@/lib/db/schema";
import type { SessionUser } from "@/lib/authz/actor";
import { executeUseCase } from "@/lib/door/use-case";
import { APP_ID, appKeys, RESPONDER_APP_ID, responderKeys, startResponderSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import type { GithubSim } from "@/sim/github";
import { stopQueue } from "@/lib/jobs/queue";
import { connectedSimOrg, syncSimOrg } from "@/lib/testing/simulator-org";
import { startIncident, updateItem } from "./incident-service";
import { runIncidentAction } from "./incident-actions";
import { setSecretValue } from "./secret-value";
import { getIncidentDetail } from "./incident-repo";

let handle: DatabaseHandle;
let sim: GithubSim;
let org: { id: string; slug: string };
let responder: SessionUser;

const sync = () => syncSimOrg(handle, org.id);

beforeAll(async () => {
  handle = await openTestDatabase();
  // Installation ids of this file's own (connections.int.test.ts connects test-org's default one in the same database).
  sim = await startResponderSim({ "test-org": { id: 730_001 } }, { app: { id: APP_ID, slug: "gatehouse", publicKeyPem: appKeys().publicKey, installations: { "test-org": { id: 730_002 } } } });
  useSimulatorApp(sim);
  process.env.GITHUB_RESPONDER_APP_ID = String(RESPONDER_APP_ID);
  process.env.GITHUB_RESPONDER_APP_PRIVATE_KEY = responderKeys().privateKey;
  process.env.INCIDENT_FORCE_CANCEL_SECONDS = "0.5";
  // A Gatehouse org whose slug is its own: what it acts on is the connection's GitHub login, test-org.
  const connected = await connectedSimOrg(handle, sim, "test-org");
  org = { id: connected.id, slug: connected.slug };
  responder = connected.member;
  await sync();
}, 120_000);
afterAll(async () => {
  await stopQueue();
  await sim.close();
  await handle.close();
});

const as = <T>(useCase: Parameters<typeof executeUseCase>[2], input: Record<string, unknown>) =>
  executeUseCase(handle, responder, useCase, { orgSlug: org.slug, ...input }, testMeta()) as Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>;

async function start(target = "actions/checkout", window?: { from: string; to: string }) {
  const r = await as<{ id: string }>(startIncident, { kind: "action", target, title: "checkout re-pointed", ...(window ? { window } : {}) });
  if (!r.ok) throw new Error(r.error.message);
  return r.data.id;
}

type ActionResult = { summary: string; github: { requests: number; retries: number } | null; results: { itemId: string; label: string; status: string; message: string; calls: { method: string; path: string }[] }[] };

describe("containing through the responder App", () => {
  it("exposure: runs inside the window mark their workflows and the secrets they hold exposed", async () => {
    sim.control.seedRun("test-org", "library", { workflow: ".github/workflows/publish.yml", createdAt: "2025-03-14T18:00:00Z" });
    const id = await start("actions/checkout", { from: "2025-03-14T16:00:00Z", to: "2025-03-15T12:00:00Z" });
    const d = await getIncidentDetail(handle.db, org.id, id);
    const exposed = d.scope.workflows.filter((w) => w.exposed).map((w) => w.label);
    expect(exposed).toEqual(["test-org/library/.github/workflows/publish.yml"]);
    // Exposed first, in the detail as in the report.
    expect(d.scope.workflows[0]!.label).toBe("test-org/library/.github/workflows/publish.yml");
    expect(d.scope.secrets.find((s) => s.label === "NPM_TOKEN")).toMatchObject({ exposed: true });
    expect(d.steps[2]!.items[0]).toMatchObject({ exposed: true });
    expect(d.exposureNote).toMatch(/^1 run\(s\) of in-scope workflows inside the window/);
  });

  it("a dry run lists the exact calls and calls nothing", async () => {
    const id = await start();
    const writes = sim.writeLog.length;
    const r = await as<ActionResult>(runIncidentAction, { incidentId: id, action: "disable-workflows", dryRun: true });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.results.every((x) => x.status === "planned")).toBe(true);
    expect(r.data.results[0]!.calls.map((c) => c.method + " " + c.path)).toContain(`PUT /repos/test-org/legacy/actions/workflows/${r.data.results[0]!.calls[0]!.path.split("/").at(-1)}/disable`);
    expect(sim.writeLog.length).toBe(writes);
    const d = await getIncidentDetail(handle.db, org.id, id);
    expect(d.steps[0]!.items.every((i) => i.status === "todo")).toBe(true);
  });

  it("disable all: every in-scope workflow disabled and its active runs cancelled (force-cancel when needed), one scoped token per repository, revoked", async () => {
    const stuck = sim.control.seedRun("test-org", "service", { workflow: ".github/workflows/deploy.yml", createdAt: new Date().toISOString(), status: "in_progress", needsForceCancel: true });
    const id = await start();
    const tokensBefore = sim.installationTokens().length;
    const writesBefore = sim.writeLog.length;
    const meta = testMeta();
    const r = (await executeUseCase(handle, responder, runIncidentAction, { orgSlug: org.slug, incidentId: id, action: "disable-workflows" }, meta)) as { ok: true; data: ActionResult };
    expect(r.ok).toBe(true);
    expect(r.data.results.map((x) => x.status).every((s) => s === "done" || s === "already")).toBe(true);
    const disabled = sim.writeLog.filter((w) => w.method === "PUT" && w.path.endsWith("/disable"));
    expect(disabled.length).toBeGreaterThanOrEqual(r.data.results.length);
    expect(sim.writeLog.some((w) => w.path.endsWith(`/runs/${stuck.id}/force-cancel`))).toBe(true);
    const service = r.data.results.find((x) => x.label.includes("service/.github/workflows/deploy.yml"))!;
    expect(service.message).toMatch(/\d+ active run\(s\) cancelled \(1 force-cancelled\)/);
    // Containment first: every workflow of every repository is disabled before any run is cancelled.
    const writes = sim.writeLog.slice(writesBefore).map((w) => `${w.method} ${w.path}`);
    const lastDisable = writes.findLastIndex((w) => w.endsWith("/disable"));
    const firstCancel = writes.findIndex((w) => /\/(force-)?cancel$/.test(w));
    expect(firstCancel).toBeGreaterThan(lastDisable);
    expect(r.data.github!.requests).toBeGreaterThan(writes.length);
    // One token per repository, with actions: write only and that repository only, each revoked.
    const minted = sim.installationTokens().slice(tokensBefore);
    const repos = new Set(r.data.results.map((x) => x.label.split("/.github/")[0]));
    expect(minted).toHaveLength(repos.size);
    for (const t of minted) {
      expect(t.permissions).toEqual({ actions: "write", metadata: "read" });
      expect(t.repositories).toHaveLength(1);
      expect(t.revoked).toBe(true);
    }
    const d = await getIncidentDetail(handle.db, org.id, id);
    expect(d.steps[0]!.items.every((i) => i.status === "done" && i.evidence.length === 1)).toBe(true);
    // The scope shows GitHub's answer at once, not at the next sync.
    expect(d.scope.workflows.every((w) => w.data.liveState === "disabled_manually")).toBe(true);
    expect(d.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(["action", "action_result"]));
    const audit = await handle.db.select().from(auditEvents).where(eq(auditEvents.requestId, meta.requestId)).orderBy(auditEvents.id);
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ["incident.action", "success"],
      ["incident.action.outcome", "success"],
    ]);
    // Idempotent: a second "disable all" finds them disabled.
    const again = (await as<ActionResult>(runIncidentAction, { incidentId: id, action: "disable-workflows" })) as { ok: true; data: ActionResult };
    expect(again.data.results.every((x) => x.status === "already")).toBe(true);
  });

  it("re-enabling is refused per item until the fixed boundary is met, without a call", async () => {
    const id = await start();
    const writes = sim.writeLog.length;
    const r = (await as<ActionResult>(runIncidentAction, { incidentId: id, action: "enable-workflows" })) as { ok: true; data: ActionResult };
    expect(r.data.results.every((x) => x.status === "refused")).toBe(true);
    expect(r.data.results[0]!.message).toMatch(/No sync of|still uses actions\/checkout/);
    expect(sim.writeLog.length).toBe(writes);
  });

  it("caches deleted; a GitHub refusal leaves the item failed with GitHub's message", async () => {
    sim.control.addCache("test-org", "service", { key: "npm-linux-abc" });
    sim.control.addCache("test-org", "service", { key: "npm-linux-def" });
    const id = await start();
    const r = (await as<ActionResult>(runIncidentAction, { incidentId: id, action: "delete-caches" })) as { ok: true; data: ActionResult };
    expect(r.data.results.find((x) => x.label.endsWith("test-org/service"))).toMatchObject({ status: "done", message: "2 cache(s) deleted" });

    // The responder App loses actions: write on test-org: the item fails and says which permission.
    const inst = sim.core.installationForOrg("test-org", RESPONDER_APP_ID)!;
    const saved = { ...inst.permissions };
    delete (inst.permissions as Record<string, string>).actions;
    try {
      const failed = (await as<ActionResult>(runIncidentAction, { incidentId: id, action: "cancel-runs" })) as { ok: true; data: ActionResult };
      expect(failed.data.results.every((x) => x.status === "failed")).toBe(true);
      expect(failed.data.results[0]!.message).toContain("actions: write");
      const d = await getIncidentDetail(handle.db, org.id, id);
      expect(d.steps[0]!.items[0]).toMatchObject({ status: "failed", statusReason: expect.stringContaining("actions: write") });
    } finally {
      Object.assign(inst.permissions, saved);
    }
  });
});

describe("setting a rotated secret's new value", () => {
  it("seals and writes it; a sync that sees it verifies the item; the value is in no row, no response, no log", async () => {
    const id = await start();
    const d = await getIncidentDetail(handle.db, org.id, id);
    const item = d.steps[2]!.items.find((i) => i.label.startsWith("Rotate NPM_TOKEN"))!;
    const value = `npm_${crypto.randomUUID().replace(/-/g, "")}`;
    const r = await as<{ status: string }>(setSecretValue, { incidentId: id, itemId: item.id, value });
    expect(r).toEqual({ ok: true, data: { status: "updated" } });
    expect(JSON.stringify(r)).not.toContain(value);
    // The simulator accepts a PUT only when the sealed box opens with the scope's private key.
    expect(sim.secretWrites.at(-1)).toMatchObject({ name: "NPM_TOKEN" });
    expect(JSON.stringify(sim.writeLog)).not.toContain(value);
    let after = await getIncidentDetail(handle.db, org.id, id);
    expect(after.steps[2]!.items.find((i) => i.id === item.id)!.status).toBe("done");
    await sync();
    after = await getIncidentDetail(handle.db, org.id, id);
    expect(after.steps[2]!.items.find((i) => i.id === item.id)).toMatchObject({ status: "verified", updatedBy: "Gatehouse (sync)" });
  });

  it("refuses a value over GitHub's 48 KB before any call, and closed incidents", async () => {
    const id = await start();
    const d = await getIncidentDetail(handle.db, org.id, id);
    const item = d.steps[2]!.items[0]!;
    const writes = sim.writeLog.length;
    const big = await as(setSecretValue, { incidentId: id, itemId: item.id, value: "x".repeat(48 * 1024 + 1) });
    expect(big).toMatchObject({ ok: false, error: { code: "invalid_input", message: "Check value: is over GitHub's limit of 48 KB for a secret" } });
    expect(sim.writeLog.length).toBe(writes);
    await handle.db.update(incidentItems).set({ status: "skipped", statusReason: "test" }).where(and(eq(incidentItems.orgId, org.id), eq(incidentItems.incidentId, id)));
    const u = await as(updateItem, { incidentId: id, itemId: item.id, note: "still open" });
    expect(u.ok).toBe(true);
  });
});
