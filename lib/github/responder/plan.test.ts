import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GithubSim } from "@/sim/github";
import { startResponderSim } from "../test-sim";
import { manualCommand, plannedCalls } from ".";
import { openTestSession } from "./test-support";

// Dry runs list the calls the session makes; manual mode turns each into the `gh` command a
// human runs. Secret bodies show where the sealed value goes, never a value.

describe("plannedCalls", () => {
  it("disable: read the state, then PUT disable unless already disabled — per workflow, in order", () => {
    expect(plannedCalls("disable-workflows", [{ owner: "acme", repo: "api", workflowId: 123 }, { owner: "acme", repo: "web", workflowId: "ci.yml" }])).toEqual([
      { method: "GET", path: "/repos/acme/api/actions/workflows/123" },
      { method: "PUT", path: "/repos/acme/api/actions/workflows/123/disable", when: "unless it is already disabled_manually" },
      { method: "GET", path: "/repos/acme/web/actions/workflows/ci.yml" },
      { method: "PUT", path: "/repos/acme/web/actions/workflows/ci.yml/disable", when: "unless it is already disabled_manually" },
    ]);
    expect(plannedCalls("enable-workflows", [{ owner: "acme", repo: "api", workflowId: 123 }])[1]).toEqual({
      method: "PUT",
      path: "/repos/acme/api/actions/workflows/123/enable",
      when: "unless it is already active",
    });
  });

  it("cancel: cancel, watch, force-cancel after the wait", () => {
    expect(plannedCalls("cancel-runs", [{ owner: "acme", repo: "api", runId: 9, forceAfterMs: 30_000 }])).toEqual([
      { method: "POST", path: "/repos/acme/api/actions/runs/9/cancel" },
      { method: "GET", path: "/repos/acme/api/actions/runs/9", when: "unless the cancel answered 409 (already completed): until it completes, for up to 30 s" },
      { method: "POST", path: "/repos/acme/api/actions/runs/9/force-cancel", when: "if it is still running 30 s after the cancel" },
    ]);
  });

  it("lists and deletes", () => {
    expect(plannedCalls("list-runs", [{ owner: "acme", repo: "api", created: { from: new Date("2025-03-14T00:00:00.400Z"), to: new Date("2025-03-15T20:00:00.200Z") }, status: "in_progress" }])).toEqual([
      { method: "GET", path: "/repos/acme/api/actions/runs?created=2025-03-14T00%3A00%3A00Z..2025-03-15T20%3A00%3A01Z&status=in_progress&per_page=100", when: "every page" },
    ]);
    expect(plannedCalls("delete-caches", [{ owner: "acme", repo: "api", cacheId: 5 }, { owner: "acme", repo: "api", key: "npm linux", ref: "refs/heads/main" }])).toEqual([
      { method: "DELETE", path: "/repos/acme/api/actions/caches/5" },
      { method: "DELETE", path: "/repos/acme/api/actions/caches?key=npm+linux&ref=refs%2Fheads%2Fmain" },
    ]);
    expect(plannedCalls("delete-artifacts", [{ owner: "acme", repo: "api", artifactId: 7 }])).toEqual([{ method: "DELETE", path: "/repos/acme/api/actions/artifacts/7" }]);
    expect(plannedCalls("delete-run-logs", [{ owner: "acme", repo: "api", runId: 8 }])).toEqual([{ method: "DELETE", path: "/repos/acme/api/actions/runs/8/logs" }]);
    expect(plannedCalls("delete-deploy-keys", [{ owner: "acme", repo: "api", keyId: 4 }])).toEqual([{ method: "DELETE", path: "/repos/acme/api/keys/4" }]);
    expect(plannedCalls("list-releases", [{ owner: "acme", repo: "api", since: new Date("2025-03-14T00:00:00Z") }])).toEqual([
      { method: "GET", path: "/repos/acme/api/releases?per_page=100", when: "pages until one ends with a release created before 2025-03-14T00:00:00.000Z" },
    ]);
  });

  it("secrets: the public key, then the PUT with a placeholder where the sealed value goes", () => {
    const repoPlan = plannedCalls("write-secrets", [{ scope: "repository", owner: "acme", repo: "api", name: "NPM_TOKEN" }]);
    expect(repoPlan).toEqual([
      { method: "GET", path: "/repos/acme/api/actions/secrets/public-key" },
      {
        method: "PUT",
        path: "/repos/acme/api/actions/secrets/NPM_TOKEN",
        body: { encrypted_value: "<the new value, sealed on the server with this scope's public key>", key_id: "<key_id of that public key>" },
      },
    ]);
    expect(plannedCalls("write-secrets", [{ scope: "environment", owner: "acme", repo: "api", environment: "prod eu", name: "DB" }]).map((c) => c.path)).toEqual([
      "/repos/acme/api/environments/prod%20eu/secrets/public-key",
      "/repos/acme/api/environments/prod%20eu/secrets/DB",
    ]);
    expect(plannedCalls("write-secrets", [{ scope: "organization", owner: "acme", name: "NPM_TOKEN" }])).toEqual([
      { method: "GET", path: "/orgs/acme/actions/secrets/NPM_TOKEN", when: "to keep its current visibility" },
      { method: "GET", path: "/orgs/acme/actions/secrets/NPM_TOKEN/repositories?per_page=100", when: "if its visibility is selected: to keep its repositories" },
      { method: "GET", path: "/orgs/acme/actions/secrets/public-key" },
      {
        method: "PUT",
        path: "/orgs/acme/actions/secrets/NPM_TOKEN",
        body: { encrypted_value: "<the new value, sealed on the server with this scope's public key>", key_id: "<key_id of that public key>", visibility: "<its current visibility>" },
      },
    ]);
    expect(plannedCalls("write-secrets", [{ scope: "organization", owner: "acme", name: "NPM_TOKEN", visibility: "selected", selectedRepositoryIds: [1, 2] }]).map((c) => c.method)).toEqual(["GET", "PUT"]);
  });
});

describe("manualCommand", () => {
  it("gh api for every call, quoted for a POSIX shell", () => {
    expect(manualCommand({ method: "PUT", path: "/repos/acme/api/actions/workflows/123/disable" })).toBe("gh api -X PUT repos/acme/api/actions/workflows/123/disable");
    expect(manualCommand({ method: "POST", path: "/repos/acme/api/actions/runs/9/force-cancel" })).toBe("gh api -X POST repos/acme/api/actions/runs/9/force-cancel");
    expect(manualCommand({ method: "DELETE", path: "/repos/acme/api/actions/caches?key=npm+linux&ref=refs%2Fheads%2Fmain" })).toBe(
      "gh api -X DELETE 'repos/acme/api/actions/caches?key=npm+linux&ref=refs%2Fheads%2Fmain'",
    );
    expect(manualCommand({ method: "GET", path: "/repos/acme/api/actions/runs?status=in_progress&per_page=100" })).toBe("gh api --paginate 'repos/acme/api/actions/runs?status=in_progress&per_page=100'");
    expect(manualCommand({ method: "GET", path: "/repos/acme/api/actions/runs/9" })).toBe("gh api repos/acme/api/actions/runs/9");
    expect(manualCommand({ method: "PUT", path: "/repos/acme/api/actions/permissions/workflow", body: { default_workflow_permissions: "read", can_approve_pull_request_reviews: false } })).toBe(
      "gh api -X PUT repos/acme/api/actions/permissions/workflow -f default_workflow_permissions=read -F can_approve_pull_request_reviews=false",
    );
    expect(manualCommand({ method: "DELETE", path: "/repos/it's/api/keys/4" })).toBe("gh api -X DELETE 'repos/it'\\''s/api/keys/4'");
  });

  it("a secret write is `gh secret set`, which prompts for the value and seals it: no value on the command line", () => {
    const [, repoPut] = plannedCalls("write-secrets", [{ scope: "repository", owner: "acme", repo: "api", name: "NPM_TOKEN" }]);
    expect(manualCommand(repoPut!)).toBe("gh secret set NPM_TOKEN --repo acme/api");
    const [, envPut] = plannedCalls("write-secrets", [{ scope: "environment", owner: "acme", repo: "api", environment: "prod eu", name: "DB" }]);
    expect(manualCommand(envPut!)).toBe("gh secret set DB --env 'prod eu' --repo acme/api");
    const orgKeep = plannedCalls("write-secrets", [{ scope: "organization", owner: "acme", name: "NPM_TOKEN" }]).at(-1)!;
    expect(manualCommand(orgKeep)).toBe("gh secret set NPM_TOKEN --org acme");
    const orgAll = plannedCalls("write-secrets", [{ scope: "organization", owner: "acme", name: "NPM_TOKEN", visibility: "private" }]).at(-1)!;
    expect(manualCommand(orgAll)).toBe("gh secret set NPM_TOKEN --org acme --visibility private");
    const orgSelected = plannedCalls("write-secrets", [{ scope: "organization", owner: "acme", name: "NPM_TOKEN", visibility: "selected", selectedRepositoryIds: [11, 12] }]).at(-1)!;
    expect(manualCommand(orgSelected)).toBe(
      "gh secret set NPM_TOKEN --org acme --visibility selected --no-repos-selected && gh api -X PUT orgs/acme/actions/secrets/NPM_TOKEN/repositories -F 'selected_repository_ids[]=11' -F 'selected_repository_ids[]=12'",
    );
  });
});

describe("the plan is what the session sends", () => {
  let sim: GithubSim;
  beforeAll(async () => {
    sim = await startResponderSim();
  });
  afterAll(async () => sim.close());

  it("the writes a session made are the plan's writes, in order", async () => {
    const run = sim.control.seedRun("test-org", "service", { workflow: ".github/workflows/ci.yml", createdAt: "2026-01-02T10:00:00Z", status: "in_progress", needsForceCancel: true });
    sim.control.addCache("test-org", "service", { key: "pip-3.12" });
    const keyId = sim.org("test-org").repos.find((r) => r.name === "service")!.deployKeys[0]!.id;
    const targets = { owner: "test-org", repo: "service" };
    const steps = [
      ["disable-workflows", { ...targets, workflowId: "ci.yml" }],
      ["cancel-runs", { ...targets, runId: run.id, forceAfterMs: 0 }],
      ["delete-caches", { ...targets, key: "pip-3.12" }],
      ["delete-deploy-keys", { ...targets, keyId }],
    ] as const;
    const planned = steps.flatMap(([step, target]) => plannedCalls(step, [target as never]));
    for (const [step, target] of steps) {
      const session = await openTestSession(sim, step);
      try {
        if (step === "disable-workflows") await session.disableWorkflow(target.owner, target.repo, (target as { workflowId: string }).workflowId);
        if (step === "cancel-runs") await session.cancelRun(target.owner, target.repo, run.id, { forceAfterMs: 0 });
        if (step === "delete-caches") await session.deleteCachesByKey(target.owner, target.repo, "pip-3.12");
        if (step === "delete-deploy-keys") await session.deleteDeployKey(target.owner, target.repo, keyId);
      } finally {
        await session.close();
      }
    }
    const plannedWrites = planned.filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.path.split("?")[0]}`);
    expect(sim.writeLog.map((w) => `${w.method} ${w.path}`)).toEqual(plannedWrites);
  });
});
