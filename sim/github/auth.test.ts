import { App, Octokit } from "octokit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GithubSim } from "./server";
import { APP_ID, appKeys, simOctokit, startTestSim } from "./test-helpers";

let sim: GithubSim;
beforeAll(async () => {
  sim = await startTestSim({ tokenTtlMs: 60_000 });
});
afterAll(async () => sim.close());

function app() {
  return new App({ appId: APP_ID, privateKey: appKeys().privateKey, Octokit: simOctokit(sim) });
}

async function mintToken(body: Record<string, unknown> = {}): Promise<string> {
  const { data: inst } = await app().octokit.request("GET /orgs/{org}/installation", { org: "test-org" });
  const { data } = await app().octokit.request("POST /app/installations/{installation_id}/access_tokens", {
    installation_id: inst.id,
    ...body,
  });
  return data.token;
}

describe("GitHub App authentication", () => {
  it("App JWT → installation → token → REST with pagination", async () => {
    const { data: meta } = await app().octokit.request("GET /app");
    expect(meta?.id).toBe(APP_ID);
    const { data: installations } = await app().octokit.request("GET /app/installations");
    expect(installations).toHaveLength(1);
    const octokit = await app().getInstallationOctokit(installations[0]!.id);
    const pages: number[] = [];
    for await (const page of octokit.paginate.iterator("GET /orgs/{org}/repos", { org: "test-org", per_page: 3 })) {
      pages.push(page.data.length);
    }
    expect(pages).toEqual([3, 1]);
    const all = await octokit.paginate("GET /orgs/{org}/repos", { org: "test-org", per_page: 2, sort: "full_name" });
    expect(all.map((r) => r.name)).toEqual(["legacy", "library", "service", "tools"]);
  });

  it("rejects a JWT signed by another key and a non-JWT on app endpoints", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const other = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const bad = new App({ appId: APP_ID, privateKey: other.privateKey, Octokit: simOctokit(sim) });
    await expect(bad.octokit.request("GET /app")).rejects.toMatchObject({ status: 401 });
    const wrongIss = new App({ appId: APP_ID + 1, privateKey: appKeys().privateKey, Octokit: simOctokit(sim) });
    await expect(wrongIss.octokit.request("GET /app")).rejects.toMatchObject({ status: 401 });
  });

  it("a revoked token answers 401 Bad credentials", async () => {
    const token = await mintToken();
    const octokit = new (simOctokit(sim))({ auth: token });
    await octokit.request("GET /repos/{owner}/{repo}", { owner: "test-org", repo: "service" });
    await octokit.request("DELETE /installation/token");
    await expect(octokit.request("GET /repos/{owner}/{repo}", { owner: "test-org", repo: "service" })).rejects.toMatchObject({
      status: 401,
      response: { data: { message: "Bad credentials" } },
    });
    const other = await mintToken();
    expect(sim.revokeToken(other)).toBe(true);
    await expect(new (simOctokit(sim))({ auth: other }).request("GET /rate_limit")).rejects.toMatchObject({ status: 401 });
  });

  it("an expired token answers 401 Bad credentials", async () => {
    const token = await mintToken();
    sim.expireTokens();
    await expect(new (simOctokit(sim))({ auth: token }).request("GET /orgs/{org}/repos", { org: "test-org" })).rejects.toMatchObject({
      status: 401,
      response: { data: { message: "Bad credentials" } },
    });
  });

  it("token narrowing: permissions and repositories", async () => {
    const token = await mintToken({ repositories: ["service"], permissions: { actions: "read" } });
    const octokit = new (simOctokit(sim))({ auth: token });
    const { data: wf } = await octokit.request("GET /repos/{owner}/{repo}/actions/workflows", { owner: "test-org", repo: "service" });
    expect(wf.workflows.map((w) => w.path)).toEqual([".github/workflows/ci.yml", ".github/workflows/deploy.yml"]);
    await expect(octokit.request("GET /repos/{owner}/{repo}", { owner: "test-org", repo: "library" })).rejects.toMatchObject({ status: 404 });
    const error = await octokit
      .request("GET /repos/{owner}/{repo}/actions/secrets", { owner: "test-org", repo: "service" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 403,
      response: { data: { message: "Resource not accessible by integration" }, headers: { "x-accepted-github-permissions": "secrets=read" } },
    });
    await expect(
      app().octokit.request("POST /app/installations/{installation_id}/access_tokens", {
        installation_id: (await app().octokit.request("GET /orgs/{org}/installation", { org: "test-org" })).data.id,
        permissions: { members: "write" },
      }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it("unknown routes answer GitHub's 404 body", async () => {
    const octokit = new Octokit({ baseUrl: sim.url, auth: await mintToken(), retry: { enabled: false }, throttle: { enabled: false } });
    const error = await octokit.request("GET /repos/{owner}/{repo}/nonsense", { owner: "test-org", repo: "service" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404, response: { data: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } } });
  });
});
