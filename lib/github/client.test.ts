import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GithubSim } from "@/sim/github";
import { graphqlUrlFor } from "./client";
import { listInstallations } from "./installations";
import { checkPermissions } from "./permissions";
import { APP_ID, appKeys, startSim } from "./test-sim";

describe("client helpers", () => {
  it("derives the GraphQL URL for github.com, the simulator and GHES", () => {
    expect(graphqlUrlFor("https://api.github.com")).toBe("https://api.github.com/graphql");
    expect(graphqlUrlFor("http://127.0.0.1:3100/")).toBe("http://127.0.0.1:3100/graphql");
    expect(graphqlUrlFor("https://ghe.example.com/api/v3")).toBe("https://ghe.example.com/api/graphql");
  });

  it("checkPermissions says what is missing and what it is for", () => {
    const rows = checkPermissions({ metadata: "read", secrets: "write", contents: "read" });
    expect(rows.find((r) => r.permission === "secrets")).toMatchObject({ needed: "read", granted: "write", ok: true });
    expect(rows.find((r) => r.permission === "organization_secrets")).toMatchObject({ granted: null, ok: false });
    expect(rows.find((r) => r.permission === "organization_secrets")?.usedFor).toMatch(/organisation secrets/);
  });
});

describe("listInstallations", () => {
  let sim: GithubSim;
  beforeAll(async () => {
    sim = await startSim({ acme: { permissions: { metadata: "read", contents: "read" }, repositorySelection: "selected", repositories: ["web"] } });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("lists the app's installations with their grants, without minting a token", async () => {
    const list = await listInstallations({ baseUrl: sim.url, appId: APP_ID, privateKey: appKeys().privateKey });
    const acme = list.find((i) => i.account === "acme");
    expect(acme).toMatchObject({ repositorySelection: "selected", permissions: { metadata: "read", contents: "read" }, suspended: false });
    expect(list.map((i) => i.account).sort()).toEqual(["acme", "test-org"]);
  });
});
