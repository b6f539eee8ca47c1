// Incident mode on a real database: a compromised action's scope frozen at start, the
// checklist of the seven steps, drift shown and added by hand, the fixed boundary before
// re-enabling, closing, the report — and nobody outside the org or without the role.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { auditEvents, incidentEvents, incidentItems, incidents } from "@/lib/db/schema";
import { seedOrgFacts, seedRepo, type TestRepo } from "@/lib/testing/inventory";
import { executeUseCase } from "@/lib/door/use-case";
import { addScope, closeIncident, startIncident, updateItem } from "./incident-service";
import { getIncidentDetail } from "./incident-repo";
import { incidentMarkdown } from "./report";
import { verifyRotations } from "./verify-rotations";

const AT = "2025-03-10T00:00:00.000Z";

const workflow = (ref: string, extra = "") => `name: Release
on:
  push:
    tags: ["v*"]
permissions:
  contents: read
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: tj-actions/changed-files@${ref}
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
          SHARED: \${{ secrets.SHARED_TOKEN }}
${extra}`;

const LINT = `name: Lint
on: pull_request
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make lint
`;

let handle: DatabaseHandle;
let org: TestOrg;
let other: TestOrg;
const snapshot = (target: TestOrg, repo: TestRepo, at = new Date()) => seedRepo(handle.db, target, repo, at);
const repo = (githubId: number, name: string, files: Record<string, string>): TestRepo => ({ githubId, name, files, visibility: name === "site" ? "public" : "private" });

beforeAll(async () => {
  handle = await openTestDatabase();
  org = await createTestOrg(handle.db);
  other = await createTestOrg(handle.db);
  for (const o of [org, other]) await seedOrgFacts(handle.db, o);
  await snapshot(org, repo(501, "api", { ".github/workflows/release.yml": workflow("v45"), ".github/workflows/lint.yml": LINT }), new Date(AT));
  await snapshot(org, repo(502, "site", { ".github/workflows/release.yml": workflow("v44") }), new Date(AT));
  await snapshot(org, repo(503, "docs", { ".github/workflows/lint.yml": LINT }), new Date(AT));
  await snapshot(other, repo(601, "api", { ".github/workflows/release.yml": workflow("v45") }), new Date(AT));
}, 120_000);
afterAll(async () => handle.close());

const start = (input: Record<string, unknown>, who = org.users.responder) =>
  executeUseCase(handle, who, startIncident, { orgSlug: org.slug, kind: "action", target: "tj-actions/changed-files", title: "changed-files tags re-pointed", ...input }, testMeta());

async function startedId(input: Record<string, unknown> = {}): Promise<string> {
  const r = await start(input);
  if (!r.ok) throw new Error(r.error.message);
  return r.data.id;
}

describe("starting an incident", () => {
  it("freezes the action's scope and expands the seven steps into one item per thing to do", async () => {
    const meta = testMeta();
    const r = await executeUseCase(handle, org.users.responder, startIncident, { orgSlug: org.slug, kind: "action", target: "tj-actions/changed-files", title: "changed-files tags re-pointed", severity: "critical" }, meta);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const d = await getIncidentDetail(handle.db, org.id, r.data.id);
    expect(d).toMatchObject({ status: "open", kind: "action", severity: "critical", commander: org.users.responder.email, startedBy: org.users.responder.email });
    // Only the release workflows use the action; lint does not, and the other org's never counts.
    expect(d.scope.workflows.map((w) => w.label)).toEqual([`${org.slug}/api/.github/workflows/release.yml`, `${org.slug}/site/.github/workflows/release.yml`]);
    expect(d.scope.repositories.map((w) => w.label).sort()).toEqual([`${org.slug}/api`, `${org.slug}/site`]);
    expect(d.scope.secrets.map((s) => s.data.where).sort()).toEqual(["organisation secret", `repository ${org.slug}/api`, `repository ${org.slug}/site`]);
    const kinds = (step: number) => d.steps[step - 1]!.items.map((i) => i.kind);
    expect(kinds(1)).toEqual(["disable-workflow", "disable-workflow"]);
    expect(kinds(3)).toEqual(["rotate-secret", "rotate-secret", "rotate-secret"]);
    expect(kinds(4)).toEqual(["revoke-registry"]);
    expect(d.steps[3]!.items[0]!.detail).toContain("Trusted publisher");
    expect(kinds(5)).toEqual(["rebuild", "rebuild"]);
    expect(kinds(6)).toContain("delete-caches");
    expect(kinds(7)).toEqual(["restore-workflow", "restore-workflow"]);
    const rotateShared = d.steps[2]!.items.find((i) => i.label.startsWith("Rotate SHARED_TOKEN"))!;
    expect(rotateShared.command).toBe(`gh secret set SHARED_TOKEN --org ${org.slug} --visibility all  # keeps the selected repositories when visibility is selected`);
    expect(d.steps[0]!.items[0]!.command).toMatch(/^gh api -X PUT repos\/.+\/actions\/workflows\/\d+\/disable/);
    expect(d.timeline.map((e) => e.type)).toEqual(["started", "scope_frozen"]);
    const audit = await handle.db.select().from(auditEvents).where(eq(auditEvents.requestId, meta.requestId));
    expect(audit).toMatchObject([{ action: "incident.start", outcome: "success", targetId: r.data.id, metadata: { kind: "action", scope: { workflow: 2, secret: 3 } } }]);
  });

  it("numbers incidents per organisation", async () => {
    const a = await start({});
    const b = await start({});
    expect(a.ok && b.ok && b.data.number - a.data.number).toBe(1);
  });

  it("refuses an unknown target, a window that ends before it starts, and a viewer — writing nothing", async () => {
    const before = (await handle.db.select().from(incidents).where(eq(incidents.orgId, org.id))).length;
    expect(await start({ target: "nobody/uses-this" })).toMatchObject({ ok: false, error: { code: "not_found", message: expect.stringContaining("Nothing in the inventory matches") } });
    expect(await start({ window: { from: "2025-03-14T16:00:00Z", to: "2025-03-14T15:00:00Z" } })).toMatchObject({ ok: false, error: { code: "invalid_input", fields: { "window.to": "must end after it starts" } } });
    expect(await start({}, org.users.viewer)).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect((await handle.db.select().from(incidents).where(eq(incidents.orgId, org.id))).length).toBe(before);
  });

  it("another organisation's incident is not found", async () => {
    const id = await startedId();
    await expect(getIncidentDetail(handle.db, other.id, id)).rejects.toThrow("Incident was not found");
    const r = await executeUseCase(handle, other.users.admin, closeIncident, { orgSlug: other.slug, incidentId: id, summary: "closing someone else's incident" }, testMeta());
    expect(r).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});

describe("working the checklist", () => {
  it("skipping needs a reason, verified is Gatehouse's to set, and each change lands on the timeline", async () => {
    const id = await startedId();
    const d = await getIncidentDetail(handle.db, org.id, id);
    const item = d.steps[5]!.items[0]!;
    const patch = (p: Record<string, unknown>) => executeUseCase(handle, org.users.responder, updateItem, { orgSlug: org.slug, incidentId: id, itemId: item.id, ...p }, testMeta());
    expect(await patch({ status: "skipped" })).toMatchObject({ ok: false, error: { code: "invalid_input", fields: { reason: "is required" } } });
    expect(await patch({ status: "verified" })).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    expect(await patch({ status: "skipped", reason: "no caches in this repository", assignee: "@acme/platform", note: "checked the cache list" })).toMatchObject({ ok: true, data: { status: "skipped" } });
    const after = await getIncidentDetail(handle.db, org.id, id);
    const updated = after.steps[5]!.items.find((i) => i.id === item.id)!;
    expect(updated).toMatchObject({ status: "skipped", statusReason: "no caches in this repository", assignee: "@acme/platform", updatedBy: org.users.responder.email });
    expect(updated.notes).toMatchObject([{ by: org.users.responder.email, text: "checked the cache list" }]);
    expect(after.timeline.at(-1)!.message).toContain("status todo → skipped (no caches in this repository)");
  });

  it("shows new reach after start as drift, and adds it only when asked", async () => {
    const id = await startedId();
    await snapshot(org, repo(504, "worker", { ".github/workflows/release.yml": workflow("v45") }));
    const d = await getIncidentDetail(handle.db, org.id, id);
    expect(d.drift.map((w) => w.label)).toEqual([`${org.slug}/worker/.github/workflows/release.yml`]);
    expect(d.scope.workflows).toHaveLength(2);
    const r = await executeUseCase(handle, org.users.responder, addScope, { orgSlug: org.slug, incidentId: id, workflowIds: [d.drift[0]!.workflowId] }, testMeta());
    expect(r.ok).toBe(true);
    const after = await getIncidentDetail(handle.db, org.id, id);
    expect(after.drift).toEqual([]);
    expect(after.scope.workflows.find((w) => w.label.includes("/worker/"))).toMatchObject({ addedBy: org.users.responder.email });
    expect(after.steps[0]!.items).toHaveLength(3);
    expect(after.timeline.at(-1)).toMatchObject({ type: "scope_added" });
  });

  it("re-enabling waits for a sync that shows the action pinned to a commit, unless an admin writes why", async () => {
    const id = await startedId();
    const d = await getIncidentDetail(handle.db, org.id, id);
    const restore = d.steps[6]!.items.find((i) => i.label.includes("/site/"))!;
    const patch = (who: TestOrg["users"]["admin"], p: Record<string, unknown>) => executeUseCase(handle, who, updateItem, { orgSlug: org.slug, incidentId: id, itemId: restore.id, ...p }, testMeta());
    expect(await patch(org.users.responder, { status: "done" })).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringContaining("No sync of") } });
    // A sync after the start that still has the tag: still refused, and says why.
    await snapshot(org, repo(502, "site", { ".github/workflows/release.yml": workflow("v44", "# touched\n") }));
    expect(await patch(org.users.responder, { status: "done" })).toMatchObject({ ok: false, error: { message: expect.stringContaining("still uses tj-actions/changed-files at v44") } });
    // An admin may override, with a reason.
    expect(await patch(org.users.admin, { status: "done", reason: "release freeze: the workflow only builds docs now" })).toMatchObject({ ok: true });
    // Pinned to a full SHA by the next sync: allowed for the other workflow without override.
    const api = d.steps[6]!.items.find((i) => i.label.includes("/api/"))!;
    await snapshot(org, repo(501, "api", { ".github/workflows/release.yml": workflow("0e58ed8671d6b60d0890c21b07f8835ace038e67"), ".github/workflows/lint.yml": LINT }));
    const ok = await executeUseCase(handle, org.users.responder, updateItem, { orgSlug: org.slug, incidentId: id, itemId: api.id, status: "done" }, testMeta());
    expect(ok).toMatchObject({ ok: true });
  });
});

describe("rotation verified by a sync", () => {
  it("a secret GitHub reports updated after the start verifies its item, as Gatehouse itself; the others stay as they were", async () => {
    const id = await startedId();
    const before = await getIncidentDetail(handle.db, org.id, id);
    const apiNpm = before.steps[2]!.items.find((i) => i.label === `Rotate NPM_TOKEN (repository ${org.slug}/api)`)!;
    const siteNpm = before.steps[2]!.items.find((i) => i.label === `Rotate NPM_TOKEN (repository ${org.slug}/site)`)!;
    expect(await verifyRotations(handle, org.id, "11111111-1111-4111-8111-111111111111")).toBe(0);
    await snapshot(org, { ...repo(501, "api", { ".github/workflows/release.yml": workflow("v45"), ".github/workflows/lint.yml": LINT }), secretsUpdatedAt: new Date(Date.now() + 60_000).toISOString() });
    expect(await verifyRotations(handle, org.id, "11111111-1111-4111-8111-111111111111")).toBeGreaterThanOrEqual(1);
    const after = await getIncidentDetail(handle.db, org.id, id);
    const items = after.steps[2]!.items;
    expect(items.find((i) => i.id === apiNpm.id)).toMatchObject({ status: "verified", updatedBy: "Gatehouse (sync)" });
    expect(items.find((i) => i.id === apiNpm.id)!.evidence[0]!.text).toContain("updated at");
    expect(items.find((i) => i.id === siteNpm.id)!.status).toBe("todo");
    expect(after.timeline.at(-1)).toMatchObject({ type: "verified", actor: "Gatehouse (sync)" });
    const [row] = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, "incident.rotation_verified")));
    expect(row).toMatchObject({ actorRole: "system", actorEmail: null, metadata: { itemIds: [apiNpm.id] } });
    // A second sync changes nothing more.
    expect(await verifyRotations(handle, org.id, "22222222-2222-4222-8222-222222222222")).toBe(0);
  });
});

describe("closing", () => {
  it("needs every item finished, records the summary, then the incident is read-only; the report tells the story", async () => {
    const id = await startedId();
    const close = () => executeUseCase(handle, org.users.responder, closeIncident, { orgSlug: org.slug, incidentId: id, summary: "Contained: workflows disabled, secrets rotated." }, testMeta());
    expect(await close()).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringContaining("not done, verified or skipped") } });
    await handle.db.update(incidentItems).set({ status: "skipped", statusReason: "test" }).where(and(eq(incidentItems.orgId, org.id), eq(incidentItems.incidentId, id)));
    expect(await close()).toMatchObject({ ok: true });
    const d = await getIncidentDetail(handle.db, org.id, id);
    expect(d).toMatchObject({ status: "closed", closedBy: org.users.responder.email, summary: "Contained: workflows disabled, secrets rotated." });
    expect(d.drift).toEqual([]);
    const item = d.steps[0]!.items[0]!;
    const late = await executeUseCase(handle, org.users.responder, updateItem, { orgSlug: org.slug, incidentId: id, itemId: item.id, note: "late note" }, testMeta());
    expect(late).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringContaining("is closed: it is read-only") } });

    const md = incidentMarkdown(d, new Date("2025-03-20T00:00:00Z"));
    expect(md).toContain(`# INC-${d.number}: changed-files tags re-pointed`);
    const disable = d.steps[0]!.items.length;
    expect(md).toContain(`### 1. Disable the workflows and cancel their runs (${disable}/${disable})`);
    expect(md).toContain("| Target | action: `tj-actions/changed-files` |");
    expect(md).toMatch(/\| .* \| .* \| Closed: Contained: workflows disabled, secrets rotated\. \|/);
  });

  it("the timeline refuses to be rewritten", async () => {
    const id = await startedId();
    await expect(handle.db.update(incidentEvents).set({ message: "nothing happened" }).where(eq(incidentEvents.incidentId, id))).rejects.toThrow();
  });
});
