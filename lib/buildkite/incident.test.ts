import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startBuildkiteSim, type BuildkiteSim } from "@/sim/buildkite";
import { BK_SHARED_CLUSTER, buildkiteAcme, buildkiteAcmeTokens } from "@/sim/fixtures/buildkite-acme";
import type { BuildkiteConnection } from "./connection";
import { applyBuildkiteContainment, readContainmentTarget } from "./incident";
import { planBuildkiteContainment, type BuildkiteContainmentTarget } from "./incident-plan";

let sim: BuildkiteSim;
beforeEach(async () => {
  sim = await startBuildkiteSim({ fixture: buildkiteAcme, tokens: buildkiteAcmeTokens });
});
afterEach(async () => sim.close());

const conn = (token: string): BuildkiteConnection => ({ apiUrl: sim.url, orgSlug: "acme", token });
const reader = () => conn("bkua_acme_reader");
const responder = () => conn("bkua_acme_responder");
const DEPLOY_QUEUE = buildkiteAcme.clusters[0]!.queues[1]!.id;
const NOTE = "Gatehouse incident 7: payments compromised";
const P = "/v2/organizations/acme";

describe("Buildkite containment", () => {
  it("reads the target with a read-only token and plans the exact calls, purely", async () => {
    const target = await readContainmentTarget(reader(), "payments");
    expect(target.pipeline).toMatchObject({ slug: "payments", archivedAt: null, clusterId: BK_SHARED_CLUSTER, clusterName: "Shared CI" });
    expect(target.activeBuilds.map((b) => [b.number, b.state, b.pullRequestRepository])).toEqual([[1043, "scheduled", null], [1042, "running", "git://github.com/contributor/payments-service.git"]]);
    expect(target.queues.map((q) => q.key)).toEqual(["default", "deploy"]);

    const plan = planBuildkiteContainment(target, { pauseQueues: ["deploy", "gpu"], note: NOTE });
    expect(planBuildkiteContainment(target, { pauseQueues: ["deploy", "gpu"], note: NOTE })).toEqual(plan);
    expect(plan.calls.map((c) => [c.method, c.path, c.body, c.scope])).toEqual([
      ["POST", `${P}/clusters/${BK_SHARED_CLUSTER}/queues/${DEPLOY_QUEUE}/pause_dispatch`, { dispatch_paused_note: NOTE }, "write_clusters"],
      ["PUT", `${P}/pipelines/payments/builds/1042/cancel`, null, "write_builds"],
      ["PUT", `${P}/pipelines/payments/builds/1043/cancel`, null, "write_builds"],
      ["POST", `${P}/pipelines/payments/archive`, null, "write_pipelines"],
    ]);
    expect(plan.calls.map((c) => c.description)).toEqual([
      "Pause dispatch on queue deploy of cluster Shared CI: its agents take no new job from any pipeline until it is resumed.",
      "Cancel build #1042 (running on contributor:fix-typo, pull request from git://github.com/contributor/payments-service.git).",
      "Cancel build #1043 (scheduled on main).",
      "Archive pipeline payments: it runs no new builds; its builds, logs and artifacts are kept.",
    ]);
    expect(plan.scopes).toEqual(["write_clusters", "write_builds", "write_pipelines"]);
    expect(plan.skipped).toEqual(["Queue gpu is not paused: cluster Shared CI has no such queue (it has default, deploy)."]);
    expect(plan.summary).toBe(
      "Contains Buildkite pipeline acme/payments: pauses dispatch on queue deploy (every pipeline sending jobs there waits until it is resumed); cancels builds #1042 (running), #1043 (scheduled); " +
        "archives the pipeline (no new builds; builds, logs and artifacts kept; unarchiving restores it). Jobs already on an agent are sent a cancel signal and may run until the agent stops them. " +
        "Agent tokens, the cluster's secrets and any cloud credentials the pipeline's steps used stay valid: rotate them separately. A build waiting on a block step keeps its last state and is not cancelled through the API.",
    );
    expect(plan.commands[0]).toBe(
      `curl -X POST -H "Authorization: Bearer $BUILDKITE_API_TOKEN" -H 'Content-Type: application/json' -d '{"dispatch_paused_note":"Gatehouse incident 7: payments compromised"}' '${sim.url}${P}/clusters/${BK_SHARED_CLUSTER}/queues/${DEPLOY_QUEUE}/pause_dispatch'`,
    );
    expect(plan.commands[3]).toBe(`curl -X POST -H "Authorization: Bearer $BUILDKITE_API_TOKEN" '${sim.url}${P}/pipelines/payments/archive'`);
    expect(sim.writeLog).toEqual([]);
  });

  it("refuses a token without the plan's write scopes before writing anything", async () => {
    const plan = planBuildkiteContainment(await readContainmentTarget(reader(), "payments"), { pauseQueues: ["deploy"], note: NOTE });
    await expect(applyBuildkiteContainment(reader(), plan)).rejects.toMatchObject({
      kind: "denied",
      message: "The Buildkite API access token lacks write_clusters, write_builds, write_pipelines (needed to contain pipeline payments; nothing was changed): add them to the token (Personal Settings → API Access Tokens → Edit).",
    });
    expect(sim.writeLog).toEqual([]);
  });

  it("applies the plan with a write token, keeps evidence, verifies by re-reading, and plans nothing the second time", async () => {
    const plan = planBuildkiteContainment(await readContainmentTarget(reader(), "payments"), { pauseQueues: ["deploy"], note: NOTE });
    const result = await applyBuildkiteContainment(responder(), plan, reader());
    expect(result.evidence.map((e) => [e.status, e.outcome])).toEqual([
      [200, "queue deploy dispatch_paused true"],
      [200, "build #1042 canceled"],
      [200, "build #1043 canceled"],
      [200, expect.stringMatching(/^archived_at \d{4}-\d\d-\d\dT/)],
    ]);
    expect(result.evidence.every((e) => !Number.isNaN(Date.parse(e.at)) && e.durationMs >= 0)).toBe(true);
    expect(result.verified).toBe(true);
    expect(result.checks).toEqual([
      expect.stringMatching(/^Pipeline payments is archived \(archived_at \d{4}-.+\)\.$/),
      "No build of payments is scheduled, running or failing.",
      `Queue deploy: dispatch paused ("${NOTE}").`,
    ]);
    expect(sim.writeLog.map((w) => `${w.tokenId} ${w.method} ${w.path} ${w.status}`)).toEqual(plan.calls.map((c) => `gatehouse-responder ${c.method} ${c.path} 200`));
    expect(sim.writeLog[0]?.body).toEqual({ dispatch_paused_note: NOTE });
    expect(sim.control.queue(BK_SHARED_CLUSTER, "deploy")).toMatchObject({ dispatchPaused: true, dispatchPausedNote: NOTE });

    const again = planBuildkiteContainment(await readContainmentTarget(reader(), "payments"), { pauseQueues: ["deploy"], note: NOTE });
    expect(again.calls).toEqual([]);
    expect(again.summary).toMatch(/^Nothing to write for Buildkite pipeline acme\/payments\./);
    expect(again.skipped).toEqual([`Queue deploy is paused already ("${NOTE}").`, "No build of payments is scheduled, running or failing: nothing to cancel.", expect.stringMatching(/^Pipeline payments was archived already, at \d{4}-/)]);
    const noop = await applyBuildkiteContainment(reader(), again);
    expect([noop.evidence, noop.verified]).toEqual([[], true]);
  });

  it("keeps a refused call as evidence, goes on, and does not verify a build that appeared after the plan", async () => {
    const target: BuildkiteContainmentTarget = await readContainmentTarget(reader(), "payments");
    const plan = planBuildkiteContainment(target, { note: NOTE });
    // Between the plan and its application: #1042 is cancelled by someone else, #1044 starts.
    await fetch(`${sim.url}${P}/pipelines/payments/builds/1042/cancel`, { method: "PUT", headers: { authorization: "Bearer bkua_acme_responder" } });
    sim.control.addBuild("payments", { number: 1044, state: "running", branch: "evil:main", commit: "f".repeat(40), message: "x", createdAt: "2026-08-21T10:10:00.000Z", source: "webhook" });
    const result = await applyBuildkiteContainment(responder(), plan);
    expect(result.evidence.map((e) => [e.status, e.outcome])).toEqual([
      [422, `Buildkite answered 422 while PUT ${P}/pipelines/payments/builds/1042/cancel (Build #1042 can't be canceled because it's canceled).`],
      [200, "build #1043 canceled"],
      [200, expect.stringMatching(/^archived_at /)],
    ]);
    expect(result.verified).toBe(false);
    expect(result.checks).toEqual([expect.stringMatching(/^Pipeline payments is archived/), "Builds of payments still active: #1044 running (created after the plan)."]);
  });

  it("says why a queue cannot be paused for an unclustered pipeline and skips an archive already done", () => {
    const target: BuildkiteContainmentTarget = {
      apiUrl: "https://api.buildkite.com",
      orgSlug: "acme",
      pipeline: { slug: "legacy", name: "legacy", webUrl: "", archivedAt: "2025-01-01T00:00:00Z", clusterId: null, clusterName: null },
      activeBuilds: [],
      queues: [],
    };
    const plan = planBuildkiteContainment(target, { pauseQueues: ["deploy"], cancelBuilds: false, note: NOTE });
    expect(plan.calls).toEqual([]);
    expect(plan.skipped).toEqual(["Queue deploy is not paused: pipeline legacy is in no cluster.", "Pipeline legacy was archived already, at 2025-01-01T00:00:00Z."]);
    expect(plan.expect).toEqual({ archived: true, noActiveBuilds: false, pausedQueues: [] });
  });
});
