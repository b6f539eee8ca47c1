import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { findResponderInstallation, openResponderSession, responderConfig, RESPONDER_PERMISSIONS } from "@/lib/github/responder";
import { startDemoGithub, type DemoGithub } from "./demo-github";

// The demo and browser-test stack configures Gatehouse with both Apps: the environment it hands
// the server is enough for the responder client to find its installation on acme and act.

let github: DemoGithub;
beforeAll(async () => {
  github = await startDemoGithub({ port: 0, appUrl: "http://127.0.0.1:9", orgs: ["acme"] });
}, 30_000);
afterAll(async () => github.sim.close());

describe("the demo GitHub", () => {
  it("gives the server a reader App and a separate responder App, installed on acme with the responder's permissions", async () => {
    const env = parseEnv(github.env);
    expect(env.GITHUB_RESPONDER_APP_ID).not.toBe(env.GITHUB_APP_ID);
    const config = await responderConfig(env);
    expect(config).not.toBeNull();
    const installation = await findResponderInstallation(config, "acme");
    expect(installation).toMatchObject({ permissions: { ...RESPONDER_PERMISSIONS }, repositorySelection: "all" });
    // the reader stays read-only
    expect(Object.values(github.sim.core.installationForOrg("acme")!.permissions)).not.toContain("write");

    const api = github.sim.org("acme").repos.find((r) => r.name === "api")!;
    const session = await openResponderSession({ ...config!, installationId: installation!.installationId, repositoryIds: [api.id], step: "list-releases", orgLogin: "acme" });
    try {
      expect(await session.listReleases("acme", "api", { since: new Date(0) })).toEqual([]);
    } finally {
      expect(await session.close()).toBe("revoked");
    }
  });
});
