// The demo's incident drill, as `npm run demo` serves it: acme synced from the simulator, an
// incident on tj-actions/changed-files with the story's window, exposure read from acme's
// fixture runs and releases, then "disable all" and "delete run logs" through the responder App.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "@/lib/testing/test-db";
import { testMeta } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import type { SessionUser } from "@/lib/authz/actor";
import { executeUseCase } from "@/lib/door/use-case";
import { APP_ID, appKeys, RESPONDER_APP_ID, responderKeys, startResponderSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import type { GithubSim } from "@/sim/github";
import { ACME_INCIDENT, acmeIncidentWindow } from "@/sim/fixtures/acme-story";
import { stopQueue } from "@/lib/jobs/queue";
import { connectedSimOrg, syncSimOrg } from "@/lib/testing/simulator-org";
import { startIncident } from "./incident-service";
import { runIncidentAction } from "./incident-actions";
import { getIncidentDetail } from "./incident-repo";

let handle: DatabaseHandle;
let sim: GithubSim;
let org: { id: string; slug: string };
let responder: SessionUser;

beforeAll(async () => {
  handle = await openTestDatabase();
  // Installation ids of this file's own (other files connect acme's default ones in the same database).
  sim = await startResponderSim({ acme: { id: 750_001 } }, { app: { id: APP_ID, slug: "gatehouse", publicKeyPem: appKeys().publicKey, installations: { acme: { id: 750_002 } } } });
  useSimulatorApp(sim);
  process.env.GITHUB_RESPONDER_APP_ID = String(RESPONDER_APP_ID);
  process.env.GITHUB_RESPONDER_APP_PRIVATE_KEY = responderKeys().privateKey;
  process.env.INCIDENT_FORCE_CANCEL_SECONDS = "0.5";
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

describe("acme's incident drill", () => {
  let incidentId: string;

  it("scopes the four workflows using the action; the three that ran inside the window, and what they hold, are exposed", async () => {
    const r = await executeUseCase(handle, responder, startIncident, { orgSlug: org.slug, kind: "action", target: ACME_INCIDENT.action, window: acmeIncidentWindow(Date.now()), title: "changed-files tags re-pointed" }, testMeta());
    if (!r.ok) throw new Error(r.error.message);
    incidentId = r.data.id;
    const d = await getIncidentDetail(handle.db, org.id, incidentId);
    expect(d.scope.workflows.map((w) => w.label).sort()).toEqual([...ACME_INCIDENT.workflows].sort());
    expect(d.scope.workflows.filter((w) => w.exposed).map((w) => w.label).sort()).toEqual(ACME_INCIDENT.workflows.slice(0, 3).sort());
    // sdk-js's publish once, api's deploy twice, web's CI four times; infra's plan ran before the window.
    // sdk-js's release v2.4.1 was cut inside it (v2.4.0 long before).
    expect(d.exposureNote).toBe("7 run(s) of in-scope workflows inside the window; 1 release(s) created or published inside it.");
    const secrets = Object.fromEntries(d.scope.secrets.map((s) => [s.label, s.exposed]));
    expect(secrets).toMatchObject({ NPM_TOKEN: true, DATABASE_URL_PROD: true });
    expect(d.scope.identities.filter((i) => i.exposed).map((i) => i.label).join(" ")).toContain("gh-api-deploy");
    expect(d.scope.identities.filter((i) => !i.exposed).map((i) => i.label).join(" ")).toContain("gh-terraform-plan");
    // sdk-js is public: its runs' logs are world-readable.
    expect(d.scope.repositories.find((x) => x.label === "acme/sdk-js")).toMatchObject({ exposed: true, data: { logReview: true } });
  });

  it("step 5 rebuilds sdk-js v2.4.1 by hand (npm to check too); step 6 deletes sdk-js's public run logs", async () => {
    const d = await getIncidentDetail(handle.db, org.id, incidentId);
    const sdkOwner = d.scope.repositories.find((x) => x.label === "acme/sdk-js")!.data.owner;
    expect(sdkOwner).toEqual(expect.any(String));
    const releases = d.steps[4]!.items.filter((i) => i.kind === "rebuild-release");
    expect(releases.map((i) => [i.label, i.exposed, i.owner])).toEqual([["Rebuild acme/sdk-js v2.4.1 from a clean runner", true, sdkOwner]]);
    expect(releases[0]!.detail).toContain("https://github.com/acme/sdk-js/releases/tag/v2.4.1");
    expect(releases[0]!.detail).toMatch(/Packages: the in-scope jobs of acme\/sdk-js also publish to npm/);
    expect(releases[0]!.command).toContain("gh release create <next-version> --repo acme/sdk-js");
    const logs = d.steps[5]!.items.filter((i) => i.kind === "delete-run-logs");
    expect(logs.map((i) => [i.label, i.exposed])).toEqual([["Review and delete the logs of runs inside the window (acme/sdk-js is public)", true]]);
  });

  it("disable all: the four workflows disabled on GitHub and their runs in progress cancelled", async () => {
    const r = await executeUseCase(handle, responder, runIncidentAction, { orgSlug: org.slug, incidentId, action: "disable-workflows" }, testMeta());
    expect(r).toMatchObject({ ok: true, data: { summary: "disable-workflows: 4 of 4 item(s) done." } });
    const acme = sim.org("acme");
    for (const label of ACME_INCIDENT.workflows) {
      const [, name, ...path] = label.split("/");
      const repo = acme.repos.find((x) => x.name === name)!;
      expect(repo.workflowStates.get(path.join("/"))).toBe("disabled_manually");
      expect([...repo.runs!.values()].filter((run) => run.workflowPath === path.join("/") && run.status !== "completed")).toEqual([]);
    }
  });

  it("delete run logs: the one publish run of sdk-js inside the window loses its logs on GitHub; the item is done", async () => {
    const r = await executeUseCase(handle, responder, runIncidentAction, { orgSlug: org.slug, incidentId, action: "delete-run-logs" }, testMeta());
    expect(r).toMatchObject({ ok: true, data: { summary: "delete-run-logs: 1 of 1 item(s) done." } });
    const sdk = sim.org("acme").repos.find((x) => x.name === "sdk-js")!;
    const window = acmeIncidentWindow(Date.now());
    const inWindow = [...sdk.runs!.values()].filter((run) => run.createdAt >= window.from && run.createdAt <= window.to);
    expect(inWindow).toHaveLength(1);
    expect(inWindow[0]!.logsDeleted).toBe(true);
    expect([...sdk.runs!.values()].filter((run) => run.logsDeleted).map((run) => run.id)).toEqual([inWindow[0]!.id]);
    expect(sim.writeLog.filter((w) => w.path.endsWith("/logs")).map((w) => `${w.method} ${w.path} ${w.status}`)).toEqual([`DELETE /repos/acme/sdk-js/actions/runs/${inWindow[0]!.id}/logs 204`]);
    const item = (await getIncidentDetail(handle.db, org.id, incidentId)).steps[5]!.items.find((i) => i.kind === "delete-run-logs")!;
    expect(item).toMatchObject({ status: "done", evidence: [{ text: expect.stringContaining(`logs of 1 completed run(s) inside the window deleted: ${inWindow[0]!.id}`) }] });
  });
});
