import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GithubSim } from "@/sim/github";
import { RESPONDER_APP_ID, startResponderSim } from "../test-sim";
import { ResponderError } from ".";
import { openTestSession } from "./test-support";

// Every session method against the simulator, through Octokit: results, idempotency, the
// force-cancel path and transient faults.

let sim: GithubSim;
beforeAll(async () => {
  sim = await startResponderSim();
});
afterAll(async () => sim.close());

const writesOf = (path: string) => sim.writeLog.filter((w) => w.path.startsWith(path)).map((w) => `${w.method} ${w.path.slice(path.length)} ${w.status}`);

describe("workflows", () => {
  it("reads a workflow by file name; disable then disable again is done, then already — one PUT", async () => {
    const session = await openTestSession(sim, "disable-workflows");
    try {
      const before = await session.getWorkflow("test-org", "service", "deploy.yml");
      expect(before).toMatchObject({ path: ".github/workflows/deploy.yml", state: "active" });
      expect(await session.disableWorkflow("test-org", "service", before.id)).toBe("done");
      expect(await session.disableWorkflow("test-org", "service", before.id)).toBe("already");
      expect((await session.getWorkflow("test-org", "service", before.id)).state).toBe("disabled_manually");
      expect(writesOf("/repos/test-org/service/actions/workflows")).toEqual([`PUT /${before.id}/disable 204`]);
    } finally {
      await session.close();
    }
  });

  it("enable: an active workflow is already; a disabled one is enabled once", async () => {
    const session = await openTestSession(sim, "enable-workflows", { repos: ["tools"] });
    try {
      // tools/nightly.yml is disabled_inactivity in the fixture; service/ci.yml is active but outside the token
      expect(await session.enableWorkflow("test-org", "tools", "nightly.yml")).toBe("done");
      expect(await session.enableWorkflow("test-org", "tools", "nightly.yml")).toBe("already");
      expect((await session.getWorkflow("test-org", "tools", "nightly.yml")).state).toBe("active");
    } finally {
      await session.close();
    }
  });
});

describe("runs", () => {
  it("lists runs in a window (created=from..to), by workflow and by status, every page", async () => {
    const from = new Date("2025-03-14T09:00:00Z");
    const to = new Date("2025-03-15T05:00:00Z");
    const seeded = [
      sim.control.seedRun("test-org", "library", { workflow: ".github/workflows/publish.yml", createdAt: "2025-03-14T08:59:59Z" }),
      ...Array.from({ length: 120 }, (_, i) => sim.control.seedRun("test-org", "library", { workflow: ".github/workflows/publish.yml", createdAt: new Date(from.getTime() + i * 60_000) })),
      sim.control.seedRun("test-org", "library", { workflow: ".github/workflows/publish.yml", createdAt: "2025-03-15T05:00:00Z", status: "in_progress" }),
      sim.control.seedRun("test-org", "library", { workflow: ".github/workflows/publish.yml", createdAt: "2025-03-15T05:00:01Z" }),
    ];
    const session = await openTestSession(sim, "list-runs", { repos: ["library"] });
    try {
      const inWindow = await session.listRuns("test-org", "library", { created: { from, to } });
      expect(inWindow).toHaveLength(121);
      expect(inWindow.map((r) => r.id)).toEqual(expect.arrayContaining([seeded[1]!.id, seeded[121]!.id]));
      expect(inWindow.map((r) => r.id)).not.toContain(seeded[0]!.id);
      expect(inWindow.map((r) => r.id)).not.toContain(seeded[122]!.id);
      expect(inWindow[0]).toMatchObject({ id: seeded[121]!.id, status: "in_progress", conclusion: null, event: "push", createdAt: "2025-03-15T05:00:00Z" });
      expect(inWindow[0]!.htmlUrl).toContain(`/actions/runs/${seeded[121]!.id}`);
      const running = await session.listRuns("test-org", "library", { workflowId: "publish.yml", created: { from, to }, status: "in_progress" });
      expect(running.map((r) => r.id)).toEqual([seeded[121]!.id]);
      expect(running[0]!.workflowId).toBe(seeded[121]!.workflowId);
    } finally {
      await session.close();
    }
  });

  it("cancel: a running run is cancelled; a finished one is already-completed", async () => {
    const run = sim.control.seedRun("test-org", "service", { workflow: ".github/workflows/ci.yml", createdAt: "2026-01-01T10:00:00Z", status: "in_progress" });
    const session = await openTestSession(sim, "cancel-runs");
    try {
      expect(await session.cancelRun("test-org", "service", run.id, { forceAfterMs: 0 })).toBe("cancelled");
      expect(await session.cancelRun("test-org", "service", run.id, { forceAfterMs: 0 })).toBe("already-completed");
      // the write log keeps the writes GitHub accepted: the refused second cancel changed nothing
      expect(writesOf(`/repos/test-org/service/actions/runs/${run.id}`)).toEqual(["POST /cancel 202"]);
    } finally {
      await session.close();
    }
  });

  it("force-cancel: a run that ignores the cancel is force-cancelled once forceAfterMs has passed", async () => {
    const run = sim.control.seedRun("test-org", "service", { workflow: ".github/workflows/deploy.yml", createdAt: "2026-01-01T11:00:00Z", status: "in_progress", needsForceCancel: true });
    const session = await openTestSession(sim, "cancel-runs");
    try {
      expect(await session.cancelRun("test-org", "service", run.id, { forceAfterMs: 20, pollMs: 5 })).toBe("force-cancelled");
      expect(writesOf(`/repos/test-org/service/actions/runs/${run.id}`)).toEqual(["POST /cancel 202", "POST /force-cancel 202"]);
      expect(sim.org("test-org").repos.find((r) => r.name === "service")!.runs!.get(run.id)).toMatchObject({ status: "completed", conclusion: "cancelled" });
      expect(await session.cancelRun("test-org", "service", run.id)).toBe("already-completed");
    } finally {
      await session.close();
    }
  });
});

describe("artifacts, caches, logs, deploy keys, releases", () => {
  it("artifacts: per repository, per run, by creation window; delete is done then already", async () => {
    const run = sim.control.seedRun("test-org", "legacy", { workflow: ".github/workflows/deploy.yml", createdAt: "2025-03-14T10:00:00Z" });
    const inside = sim.control.addArtifact("test-org", "legacy", { runId: run.id, name: "dist" });
    const outside = sim.control.addArtifact("test-org", "legacy", { runId: run.id, name: "late", createdAt: "2025-03-20T00:00:00Z" });
    const session = await openTestSession(sim, "delete-artifacts", { repos: ["legacy"] });
    try {
      expect((await session.listArtifacts("test-org", "legacy")).map((a) => a.name).sort()).toEqual(["dist", "late"]);
      const window = await session.listArtifacts("test-org", "legacy", { runId: run.id, createdFrom: new Date("2025-03-14T00:00:00Z"), createdTo: new Date("2025-03-15T00:00:00Z") });
      expect(window).toEqual([{ id: inside.id, name: "dist", sizeInBytes: 1024, runId: run.id, createdAt: "2025-03-14T10:00:00Z", expiresAt: "2025-06-12T10:00:00Z", expired: true }]);
      expect(await session.deleteArtifact("test-org", "legacy", inside.id)).toBe("done");
      expect(await session.deleteArtifact("test-org", "legacy", inside.id)).toBe("already");
      expect((await session.listArtifacts("test-org", "legacy")).map((a) => a.id)).toEqual([outside.id]);
    } finally {
      await session.close();
    }
  });

  it("caches: list, delete by id (then already), delete by key and ref (then 0)", async () => {
    const a = sim.control.addCache("test-org", "legacy", { key: "npm-linux-abc" });
    sim.control.addCache("test-org", "legacy", { key: "npm-linux-def" });
    sim.control.addCache("test-org", "legacy", { key: "npm-linux-def", ref: "refs/heads/feature" });
    sim.control.addCache("test-org", "legacy", { key: "npm-linux-def", ref: "refs/pull/7/merge" });
    const session = await openTestSession(sim, "delete-caches", { repos: ["legacy"] });
    try {
      expect((await session.listCaches("test-org", "legacy")).map((c) => `${c.key}@${c.ref}`).sort()).toEqual([
        "npm-linux-abc@refs/heads/main",
        "npm-linux-def@refs/heads/feature",
        "npm-linux-def@refs/heads/main",
        "npm-linux-def@refs/pull/7/merge",
      ]);
      expect(await session.deleteCache("test-org", "legacy", a.id)).toBe("done");
      expect(await session.deleteCache("test-org", "legacy", a.id)).toBe("already");
      expect(await session.deleteCachesByKey("test-org", "legacy", "npm-linux-def", "refs/pull/7/merge")).toBe(1);
      expect(await session.deleteCachesByKey("test-org", "legacy", "npm-linux-def")).toBe(2);
      expect(await session.deleteCachesByKey("test-org", "legacy", "npm-linux-def")).toBe(0);
      expect(await session.listCaches("test-org", "legacy")).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it("run logs: deleted once the run is over (done, done again); a running run's logs are refused with GitHub's words", async () => {
    const over = sim.control.seedRun("test-org", "legacy", { workflow: ".github/workflows/deploy.yml", createdAt: "2025-03-14T12:00:00Z" });
    const running = sim.control.seedRun("test-org", "legacy", { workflow: ".github/workflows/deploy.yml", createdAt: "2025-03-14T12:30:00Z", status: "in_progress" });
    const session = await openTestSession(sim, "delete-run-logs", { repos: ["legacy"] });
    try {
      expect(await session.deleteRunLogs("test-org", "legacy", over.id)).toBe("done");
      expect(await session.deleteRunLogs("test-org", "legacy", over.id)).toBe("done");
      expect(await session.deleteRunLogs("test-org", "legacy", 999_999_999)).toBe("already");
      const refused = await session.deleteRunLogs("test-org", "legacy", running.id).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ResponderError);
      expect(refused).toMatchObject({ kind: "refused", status: 403, githubMessage: "Cannot delete logs of a workflow run that is in progress." });
      expect(sim.org("test-org").repos.find((r) => r.name === "legacy")!.runs!.get(over.id)!.logsDeleted).toBe(true);
    } finally {
      await session.close();
    }
  });

  it("deploy keys: done, then already (404 = gone)", async () => {
    const keyId = sim.org("test-org").repos.find((r) => r.name === "service")!.deployKeys[0]!.id;
    const session = await openTestSession(sim, "delete-deploy-keys");
    try {
      expect(await session.deleteDeployKey("test-org", "service", keyId)).toBe("done");
      expect(await session.deleteDeployKey("test-org", "service", keyId)).toBe("already");
      expect(sim.org("test-org").repos.find((r) => r.name === "service")!.deployKeys).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it("releases since a date, newest first, without reading pages older than it", async () => {
    for (let i = 0; i < 150; i++) sim.control.addRelease("test-org", "tools", { tagName: `v0.${i}.0`, createdAt: new Date(Date.UTC(2024, 0, 1) + i * 86_400_000) });
    sim.control.addRelease("test-org", "tools", { tagName: "v1.0.0", createdAt: "2025-03-14T15:00:00Z" });
    sim.control.addRelease("test-org", "tools", { tagName: "v1.1.0-rc.1", createdAt: "2025-03-15T01:00:00Z", draft: true, prerelease: true });
    const session = await openTestSession(sim, "list-releases", { repos: ["tools"] });
    try {
      const before = session.stats().requests;
      const releases = await session.listReleases("test-org", "tools", { since: new Date("2025-03-14T00:00:00Z") });
      // The draft is listed only to a token that may push (contents: write); this step's reads.
      expect(releases.map((r) => [r.tagName, r.draft, r.publishedAt])).toEqual([["v1.0.0", false, "2025-03-14T15:00:00Z"]]);
      expect(session.stats().requests - before).toBe(1);
    } finally {
      await session.close();
    }
  });
});

describe("transient faults", () => {
  it("5xx and secondary rate limits are retried with backoff; the write lands once", async () => {
    const session = await openTestSession(sim, "disable-workflows", { repos: ["legacy"] });
    try {
      sim.injectFault({ kind: "server-error", count: 2, match: "PUT /repos/test-org/legacy/actions/workflows" });
      sim.injectFault({ kind: "secondary-rate-limit", match: "GET /repos/test-org/legacy/actions/workflows" });
      expect(await session.disableWorkflow("test-org", "legacy", "deploy.yml")).toBe("done");
      expect(session.stats().retries).toBeGreaterThanOrEqual(2);
      expect(writesOf("/repos/test-org/legacy/actions/workflows")).toEqual(["PUT /deploy.yml/disable 204"]);
    } finally {
      await session.close();
    }
  });

  it("a connection closed without an answer (network failure) is retried too", async () => {
    const session = await openTestSession(sim, "list-releases", { repos: ["legacy"] });
    try {
      sim.injectFault({ kind: "connection-reset", match: "GET /repos/test-org/legacy/releases" });
      const resets = sim.core.faults.counts["connection-reset"];
      expect(await session.listReleases("test-org", "legacy", { since: new Date(0) })).toEqual([]);
      expect(sim.core.faults.counts["connection-reset"]).toBe(resets + 1);
      expect(session.stats().retries).toBe(1);
    } finally {
      await session.close();
    }
  });

  it("a 5xx that outlasts the retries is a transient ResponderError that says the action is safe to repeat", async () => {
    const session = await openTestSession(sim, "delete-caches", { repos: ["legacy"], client: { retryBaseMs: 1, retries: 2, writeSpacingMs: 0, requestTimeoutMs: 2000 } });
    try {
      sim.injectFault({ kind: "server-error", count: 3, match: "DELETE /repos/test-org/legacy/actions/caches/42" });
      const error = await session.deleteCache("test-org", "legacy", 42).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: "transient", status: 502 });
      expect((error as Error).message).toBe("Deleting Actions cache 42 of test-org/legacy: GitHub answered 502 after retries. Try again: every responder action is safe to repeat.");
    } finally {
      await session.close();
    }
  });

  it("the session's token is the responder installation's: every write above was made by it", () => {
    const responder = sim.core.installationForOrg("test-org", RESPONDER_APP_ID)!.id;
    expect(sim.writeLog.length).toBeGreaterThan(10);
    expect(new Set(sim.writeLog.map((w) => w.installationId))).toEqual(new Set([responder]));
  });
});

describe("primary rate limit", () => {
  let limited: GithubSim;
  beforeAll(async () => {
    limited = await startResponderSim({}, { rateLimit: { core: 3, graphql: 100 } });
  });
  afterAll(async () => limited.close());

  it("an exhausted budget longer than the session's patience is rate-limited, with the reset time", async () => {
    const session = await openTestSession(limited, "list-runs", { client: { maxRateLimitWaitMs: 10, writeSpacingMs: 0, retryBaseMs: 5, requestTimeoutMs: 2000 } });
    try {
      for (let i = 0; i < 3; i++) await session.getWorkflow("test-org", "service", "ci.yml");
      const error = await session.getWorkflow("test-org", "service", "ci.yml").catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: "rate-limited", status: 403 });
      expect((error as Error).message).toMatch(/^Reading workflow ci\.yml of test-org\/service: the responder App's GitHub rate limit is still exhausted after waiting \(it resets at \d\d:\d\d UTC\)\. Try again later, or run the command by hand\.$/);
    } finally {
      await session.close();
    }
  });
});
