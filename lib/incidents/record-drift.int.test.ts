// Scope drift as a sync sees it: acme synced from the simulator, an incident on the story's
// action, then a workflow that starts using it pushed to GitHub. The next sync puts the drift on
// the incident's timeline once, as Gatehouse itself; later syncs do not repeat it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { testMeta } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import type { SessionUser } from "@/lib/authz/actor";
import { auditEvents, incidentEvents, incidentItems } from "@/lib/db/schema";
import { executeUseCase } from "@/lib/door/use-case";
import { startSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import type { GithubSim } from "@/sim/github";
import { ACME_INCIDENT } from "@/sim/fixtures/acme-story";
import { stopQueue } from "@/lib/jobs/queue";
import { connectedSimOrg, syncSimOrg } from "@/lib/testing/simulator-org";
import { addScope, closeIncident, startIncident } from "./incident-service";
import { getIncidentDetail } from "./incident-repo";
import { incidentMarkdown } from "./report";

const usesAction = (name: string) => `name: ${name}
on: pull_request
permissions:
  contents: read
jobs:
  changed:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - uses: ${ACME_INCIDENT.action}@${ACME_INCIDENT.ref}
`;

let handle: DatabaseHandle;
let sim: GithubSim;
let org: { id: string; slug: string };
let responder: SessionUser;

beforeAll(async () => {
  handle = await openTestDatabase();
  // Installation ids of this file's own (other files connect acme in the same database).
  sim = await startSim({ acme: { id: 770_001 } });
  useSimulatorApp(sim);
  const connected = await connectedSimOrg(handle, sim, "acme");
  org = { id: connected.id, slug: connected.slug };
  responder = connected.member;
  await syncSimOrg(handle, org.id);
}, 120_000);
afterAll(async () => {
  await stopQueue();
  await sim.close();
  await handle.close();
});

const driftEvents = async (incidentId: string) =>
  handle.db.select().from(incidentEvents).where(and(eq(incidentEvents.orgId, org.id), eq(incidentEvents.incidentId, incidentId), eq(incidentEvents.type, "drift"))).orderBy(incidentEvents.id);

async function start(title: string): Promise<string> {
  const r = await executeUseCase(handle, responder, startIncident, { orgSlug: org.slug, kind: "action", target: ACME_INCIDENT.action, title }, testMeta());
  if (!r.ok) throw new Error(r.error.message);
  return r.data.id;
}

describe("scope drift recorded by a sync", () => {
  let incidentId: string;
  const first = "acme/web/.github/workflows/changed-docs.yml";
  const second = "acme/docs/.github/workflows/changed-links.yml";

  it("a sync that sees a new workflow using the action appends one drift event naming it, as Gatehouse (sync), audited", async () => {
    incidentId = await start("changed-files tags re-pointed");
    // A sync with nothing new: no drift, nothing on the timeline.
    await syncSimOrg(handle, org.id);
    expect(await driftEvents(incidentId)).toEqual([]);

    await sim.setFile("acme", "web", ".github/workflows/changed-docs.yml", usesAction("Changed docs"), "Lint changed docs");
    await syncSimOrg(handle, org.id);
    const events = await driftEvents(incidentId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: "Gatehouse (sync)", message: `Scope drift: 1 new workflow (${first}) reaches the target outside the frozen scope; in scope only once added.` });
    const d = await getIncidentDetail(handle.db, org.id, incidentId);
    expect(d.drift).toEqual([{ workflowId: (events[0]!.data.workflowIds as string[])[0], label: first, seenAt: events[0]!.at.toISOString() }]);
    // Recorded, not added: the frozen scope is as it was.
    expect(d.scope.workflows.map((w) => w.label).sort()).toEqual([...ACME_INCIDENT.workflows].sort());
    expect(d.timeline.at(-1)).toMatchObject({ type: "drift", actor: "Gatehouse (sync)" });
    const audit = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, incidentId), eq(auditEvents.action, "incident.drift_seen")));
    expect(audit).toMatchObject([{ actorRole: "system", actorEmail: null, metadata: { workflowIds: events[0]!.data.workflowIds } }]);
    expect(incidentMarkdown(d)).toMatch(new RegExp(`- ${first.replace(/[./]/g, "\\$&")} — first seen by the sync of \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`));
    expect(incidentMarkdown(d)).toContain(`Scope drift: 1 new workflow (${first})`);
  });

  it("the next syncs do not report it again; a second new workflow is reported on its own", async () => {
    await syncSimOrg(handle, org.id);
    expect(await driftEvents(incidentId)).toHaveLength(1);

    await sim.setFile("acme", "docs", ".github/workflows/changed-links.yml", usesAction("Changed links"), "Check changed links");
    await syncSimOrg(handle, org.id);
    await syncSimOrg(handle, org.id);
    const events = await driftEvents(incidentId);
    expect(events.map((e) => e.message)).toEqual([expect.stringContaining(`(${first})`), `Scope drift: 1 new workflow (${second}) reaches the target outside the frozen scope; in scope only once added.`]);
    const d = await getIncidentDetail(handle.db, org.id, incidentId);
    expect(d.drift.map((w) => w.label).sort()).toEqual([second, first].sort());
  });

  it("an incident started after the workflow exists has it in scope: no drift; a closed incident records none", async () => {
    const later = await start("second look");
    const closedId = await start("closed before the push");
    await handle.db.update(incidentItems).set({ status: "skipped", statusReason: "test" }).where(and(eq(incidentItems.orgId, org.id), eq(incidentItems.incidentId, closedId)));
    const closed = await executeUseCase(handle, responder, closeIncident, { orgSlug: org.slug, incidentId: closedId, summary: "Closed before the next push." }, testMeta());
    expect(closed.ok).toBe(true);

    await sim.setFile("acme", "web", ".github/workflows/changed-styles.yml", usesAction("Changed styles"), "Lint changed styles");
    await syncSimOrg(handle, org.id);
    expect((await driftEvents(later)).map((e) => e.message)).toEqual([expect.stringContaining("(acme/web/.github/workflows/changed-styles.yml)")]);
    expect(await driftEvents(closedId)).toEqual([]);
    // The first incident reports only the workflow it had not seen.
    expect((await driftEvents(incidentId)).at(-1)!.message).toContain("(acme/web/.github/workflows/changed-styles.yml)");
    expect(await driftEvents(incidentId)).toHaveLength(3);
  });

  it("a workflow added to scope from drift leaves the drift list; its event stays on the timeline", async () => {
    const d = await getIncidentDetail(handle.db, org.id, incidentId);
    const target = d.drift.find((w) => w.label === first)!;
    const r = await executeUseCase(handle, responder, addScope, { orgSlug: org.slug, incidentId, workflowIds: [target.workflowId] }, testMeta());
    expect(r.ok).toBe(true);
    await syncSimOrg(handle, org.id);
    const after = await getIncidentDetail(handle.db, org.id, incidentId);
    expect(after.drift.map((w) => w.label)).not.toContain(first);
    expect(after.scope.workflows.map((w) => w.label)).toContain(first);
    expect(await driftEvents(incidentId)).toHaveLength(3);
  });
});
