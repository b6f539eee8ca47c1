import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GithubSim } from "@/sim/github";
import { APP_ID, RESPONDER_APP_ID, startResponderSim } from "../test-sim";
import { RESPONDER_PERMISSIONS, ResponderError, STEP_PERMISSIONS, openResponderSession, type ResponderStep } from ".";
import { openTestSession, repoId, sessionOptions } from "./test-support";

// The token of a session: minted once with exactly the step's permissions and repositories, of
// the responder App (never the reader), refused elsewhere, revoked by close().

let sim: GithubSim;
beforeAll(async () => {
  // acme's responder installation lacks actions: write; test-org's has everything it needs.
  const { actions: _actions, ...withoutActions } = RESPONDER_PERMISSIONS;
  sim = await startResponderSim({ acme: { permissions: { ...withoutActions, actions: "read" } } });
});
afterAll(async () => sim.close());

const grantsOf = (installationId: number) => sim.installationTokens().filter((t) => t.installationId === installationId);

describe("the session's token", () => {
  const steps = Object.keys(STEP_PERMISSIONS) as ResponderStep[];

  it.each(steps)("%s: minted once with exactly its permissions and repository ids, revoked by close", async (step) => {
    const installationId = sim.core.installationForOrg("test-org", RESPONDER_APP_ID)!.id;
    const before = grantsOf(installationId).length;
    const session = await openTestSession(sim, step, { repos: ["service", "tools"] });
    const minted = grantsOf(installationId).slice(before);
    expect(minted).toEqual([
      { installationId, appId: RESPONDER_APP_ID, permissions: { metadata: "read", ...STEP_PERMISSIONS[step] }, repositories: ["service", "tools"], revoked: false },
    ]);
    expect(session.permissions).toEqual(STEP_PERMISSIONS[step]);
    expect(await session.close()).toBe("revoked");
    expect(await session.close()).toBe("revoked");
    expect(grantsOf(installationId).slice(before)).toEqual([{ ...minted[0], revoked: true }]);
  });

  it("write-secrets with a scope carries that scope's permission only", async () => {
    const installationId = sim.core.installationForOrg("test-org", RESPONDER_APP_ID)!.id;
    const before = grantsOf(installationId).length;
    const session = await openTestSession(sim, "write-secrets", { secretScope: "organization" });
    await session.close();
    expect(grantsOf(installationId).slice(before).map((g) => g.permissions)).toEqual([{ metadata: "read", organization_secrets: "write" }]);
  });

  it("another repository is 404 with the session's token, as on GitHub, and says so", async () => {
    const session = await openTestSession(sim, "disable-workflows", { repos: ["service"] });
    try {
      const error = await session.disableWorkflow("test-org", "legacy", "deploy.yml").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponderError);
      expect(error).toMatchObject({ kind: "not-found", status: 404 });
      expect((error as Error).message).toContain("outside the repositories this action was scoped to");
      expect(sim.org("test-org").repos.find((r) => r.name === "legacy")!.workflowStates.get(".github/workflows/deploy.yml")).toBeUndefined();
    } finally {
      await session.close();
    }
  });

  it("after close every call is refused without reaching GitHub", async () => {
    const session = await openTestSession(sim, "list-runs");
    await session.close();
    const requests = sim.core.stats.requests;
    await expect(session.listRuns("test-org", "service")).rejects.toMatchObject({ kind: "refused", message: expect.stringContaining("this responder session is closed") });
    expect(sim.core.stats.requests).toBe(requests);
  });

  it("a call the step's token does not carry names the permission and the step", async () => {
    const session = await openTestSession(sim, "list-runs");
    try {
      const error = await session.deleteDeployKey("test-org", "service", 1).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: "missing-permission", status: 403, missing: [["administration", "write"]] });
      expect((error as Error).message).toBe(
        "Deleting deploy key 1 of test-org/service: this call needs administration: write, which the list-runs token does not carry. Open a session for the step (and secret scope) that makes this call.",
      );
    } finally {
      await session.close();
    }
  });

  it("is the responder App's, never the reader's: the reader's installation mints nothing", async () => {
    const reader = sim.core.installationForOrg("test-org", APP_ID)!;
    const responder = sim.core.installationForOrg("test-org", RESPONDER_APP_ID)!;
    expect(responder.id).not.toBe(reader.id);
    const before = grantsOf(reader.id).length;
    const session = await openTestSession(sim, "cancel-runs");
    await session.close();
    expect(grantsOf(reader.id)).toHaveLength(before);
    // the responder App's JWT cannot mint on the reader's installation
    const error = await openResponderSession({ ...sessionOptions(sim, "cancel-runs"), installationId: reader.id }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "not-installed", status: 404 });
  });
});

describe("refusals before or at the mint", () => {
  it("an installation lacking a permission the step needs: missing-permission naming it, no token minted", async () => {
    const installationId = sim.core.installationForOrg("acme", RESPONDER_APP_ID)!.id;
    const error = await openTestSession(sim, "disable-workflows", { org: "acme", repos: ["api"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponderError);
    expect(error).toMatchObject({ kind: "missing-permission", status: 422, missing: [["actions", "write"]] });
    expect((error as Error).message).toBe(
      "The responder App lacks actions: write — grant it on the App's settings page, then accept the new permissions on the organisation acme.",
    );
    expect(grantsOf(installationId)).toEqual([]);
    // a step the installation can do still works there
    const releases = await openTestSession(sim, "list-releases", { org: "acme", repos: ["api"] });
    await releases.close();
    expect(grantsOf(installationId)).toHaveLength(1);
  });

  it("a repository outside the installation: not-installed, saying to add it", async () => {
    const error = await openResponderSession({ ...sessionOptions(sim, "delete-caches"), repositoryIds: [repoId(sim, "acme", "api")] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "not-installed", status: 422 });
    expect((error as Error).message).toContain("does not reach every repository of this action");
  });

  it("no repositories: refused before any call (GitHub would mint a token for all of them)", async () => {
    const requests = sim.core.stats.requests;
    const error = await openResponderSession({ ...sessionOptions(sim, "cancel-runs"), repositoryIds: [] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "refused" });
    expect(sim.core.stats.requests).toBe(requests);
  });

  it("a wrong key is refused with the setting to check; an uninstalled App is not-installed", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const other = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    await expect(openResponderSession({ ...sessionOptions(sim, "cancel-runs"), privateKey: other.privateKey })).rejects.toMatchObject({
      kind: "refused",
      status: 401,
      message: expect.stringContaining("check GITHUB_RESPONDER_APP_ID and the responder App's private key"),
    });
    await expect(openResponderSession({ ...sessionOptions(sim, "cancel-runs"), privateKey: "not a key" })).rejects.toMatchObject({ kind: "refused" });
    await expect(openResponderSession({ ...sessionOptions(sim, "cancel-runs"), installationId: 1 })).rejects.toMatchObject({ kind: "not-installed", status: 404 });
  });
});
