// The demo's incident drill, as `npm run demo` serves it: acme synced from the simulator, an
// incident on tj-actions/changed-files with the story's window, exposure read from acme's
// fixture runs, then "disable all" through the responder App.
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
    expect(d.exposureNote).toMatch(/^7 run\(s\) of in-scope workflows inside the window\.$/);
    const secrets = Object.fromEntries(d.scope.secrets.map((s) => [s.label, s.exposed]));
    expect(secrets).toMatchObject({ NPM_TOKEN: true, DATABASE_URL_PROD: true });
    expect(d.scope.identities.filter((i) => i.exposed).map((i) => i.label).join(" ")).toContain("gh-api-deploy");
    expect(d.scope.identities.filter((i) => !i.exposed).map((i) => i.label).join(" ")).toContain("gh-terraform-plan");
    // sdk-js is public: its runs' logs are world-readable.
    expect(d.scope.repositories.find((x) => x.label === "acme/sdk-js")).toMatchObject({ exposed: true, data: { logReview: true } });
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
});
