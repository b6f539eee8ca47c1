import { App } from "octokit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GithubSim } from "./server";
import { APP_ID, RESPONDER_APP_ID, appKeys, responderAppKeys, sealFor, simOctokit, startTestSim } from "./test-helpers";

// What the incident playbook needs from the simulator: a second App with its own installations,
// tokens scoped by repository_ids and revoked by DELETE /installation/token, runs filtered by
// `created`, a cancel that needs force-cancel, caches by key, and secret PUTs whose sealed box
// must open with the scope's private key.

let sim: GithubSim;
beforeAll(async () => {
  sim = await startTestSim({
    responderApp: { id: RESPONDER_APP_ID, slug: "gatehouse-responder-test", publicKeyPem: responderAppKeys().publicKey },
  });
});
afterAll(async () => sim.close());

const reader = () => new App({ appId: APP_ID, privateKey: appKeys().privateKey, Octokit: simOctokit(sim) });
const responder = () => new App({ appId: RESPONDER_APP_ID, privateKey: responderAppKeys().privateKey, Octokit: simOctokit(sim) });
const repoId = (name: string) => sim.org("test-org").repos.find((r) => r.name === name)!.id;

async function responderToken(body: Record<string, unknown> = {}) {
  const { data: inst } = await responder().octokit.request("GET /orgs/{org}/installation", { org: "test-org" });
  const { data } = await responder().octokit.request("POST /app/installations/{installation_id}/access_tokens", { installation_id: inst.id, ...body });
  return new (simOctokit(sim))({ auth: data.token });
}

describe("two Apps", () => {
  it("each App's JWT sees its own App and installations only", async () => {
    expect((await responder().octokit.request("GET /app")).data).toMatchObject({ id: RESPONDER_APP_ID, slug: "gatehouse-responder-test", installations_count: 1 });
    const mine = (await responder().octokit.request("GET /app/installations")).data;
    const theirs = (await reader().octokit.request("GET /app/installations")).data;
    expect(mine.map((i) => [i.app_id, i.account?.login])).toEqual([[RESPONDER_APP_ID, "test-org"]]);
    expect(theirs.map((i) => i.app_id)).toEqual([APP_ID]);
    expect(mine[0]!.id).not.toBe(theirs[0]!.id);
    expect(mine[0]!.permissions).toMatchObject({ actions: "write", secrets: "write", administration: "write", organization_secrets: "write", environments: "write" });
    // the reader's JWT cannot mint on the responder's installation, nor the other way round
    await expect(reader().octokit.request("POST /app/installations/{installation_id}/access_tokens", { installation_id: mine[0]!.id })).rejects.toMatchObject({ status: 404 });
    await expect(responder().octokit.request("GET /app/installations/{installation_id}", { installation_id: theirs[0]!.id })).rejects.toMatchObject({ status: 404 });
    // webhooks stay the reader's: the responder App has none
    expect(sim.core.installationForOrg("test-org")!.appId).toBe(APP_ID);
  });

  it("a token minted with repository_ids answers 404 on any other repository; DELETE /installation/token revokes it", async () => {
    const octokit = await responderToken({ repository_ids: [repoId("service")], permissions: { actions: "write" } });
    expect((await octokit.request("GET /repos/{owner}/{repo}/actions/workflows", { owner: "test-org", repo: "service" })).status).toBe(200);
    await expect(octokit.request("GET /repos/{owner}/{repo}/actions/workflows", { owner: "test-org", repo: "library" })).rejects.toMatchObject({ status: 404 });
    const grant = sim.installationTokens().at(-1)!;
    expect(grant).toMatchObject({ appId: RESPONDER_APP_ID, repositories: ["service"], permissions: { metadata: "read", actions: "write" }, revoked: false });
    await octokit.request("DELETE /installation/token");
    expect(sim.installationTokens().at(-1)!.revoked).toBe(true);
    await expect(octokit.request("GET /repos/{owner}/{repo}/actions/workflows", { owner: "test-org", repo: "service" })).rejects.toMatchObject({ status: 401 });
  });
});

describe("runs", () => {
  it("created takes GitHub's date syntax: a..b, >=, >, <=, <, a day, *..b", async () => {
    const at = ["2025-03-13T23:59:59Z", "2025-03-14T00:00:00Z", "2025-03-14T12:00:00Z", "2025-03-15T00:00:00Z"];
    const ids = at.map((createdAt) => sim.control.seedRun("test-org", "tools", { workflow: ".github/workflows/nightly.yml", createdAt }).id);
    const octokit = await responderToken();
    const q = async (created: string) =>
      (await octokit.request("GET /repos/{owner}/{repo}/actions/runs", { owner: "test-org", repo: "tools", created })).data.workflow_runs.map((r) => ids.indexOf(Number(r.id))).filter((i) => i >= 0);
    expect(await q("2025-03-14T00:00:00Z..2025-03-14T12:00:00Z")).toEqual([2, 1]);
    expect(await q("2025-03-14")).toEqual([2, 1]);
    expect(await q(">=2025-03-14T12:00:00Z")).toEqual([3, 2]);
    expect(await q(">2025-03-14T12:00:00Z")).toEqual([3]);
    expect(await q("<=2025-03-14T00:00:00Z")).toEqual([1, 0]);
    expect(await q("<2025-03-14")).toEqual([0]);
    expect(await q("*..2025-03-13T23:59:59Z")).toEqual([0]);
    expect(await q("2025-03-14..*")).toEqual([3, 2, 1]);
    await expect(q("yesterday")).rejects.toMatchObject({ status: 422 });
  });

  it("a run marked by the control plane ignores cancel until force-cancel; seeded runs survive a commit", async () => {
    const run = sim.control.seedRun("test-org", "tools", { workflow: ".github/workflows/nightly.yml", createdAt: "2026-01-15T11:00:00Z", status: "in_progress", needsForceCancel: true });
    const octokit = await responderToken();
    const p = { owner: "test-org", repo: "tools", run_id: run.id };
    expect((await octokit.request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel", p)).status).toBe(202);
    expect((await octokit.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", p)).data.status).toBe("in_progress");
    expect((await octokit.request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/force-cancel", p)).status).toBe(202);
    expect((await octokit.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", p)).data).toMatchObject({ status: "completed", conclusion: "cancelled" });
    await expect(octokit.request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/force-cancel", p)).rejects.toMatchObject({ status: 409 });
    await sim.setFile("test-org", "tools", "README.md", "changed");
    expect((await octokit.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", p)).data.id).toBe(run.id);
  });
});

describe("caches, artifacts, releases", () => {
  it("delete by key answers the deleted caches, 404 when none has that key; artifacts and releases list what the control plane seeded", async () => {
    const octokit = await responderToken();
    const p = { owner: "test-org", repo: "library" };
    sim.control.addCache("test-org", "library", { key: "node-20" });
    sim.control.addCache("test-org", "library", { key: "node-20-extra" });
    const deleted = await octokit.request("DELETE /repos/{owner}/{repo}/actions/caches{?key,ref}", { ...p, key: "node-20" });
    expect(deleted.data.actions_caches.map((c) => c.key)).toEqual(["node-20"]);
    await expect(octokit.request("DELETE /repos/{owner}/{repo}/actions/caches{?key,ref}", { ...p, key: "node-20" })).rejects.toMatchObject({ status: 404 });
    expect((await octokit.request("GET /repos/{owner}/{repo}/actions/caches", { ...p, key: "node-" })).data.actions_caches.map((c) => c.key)).toEqual(["node-20-extra"]);

    const run = sim.control.seedRun("test-org", "library", { workflow: ".github/workflows/publish.yml", createdAt: new Date(Date.now() - 86_400_000) });
    sim.control.addArtifact("test-org", "library", { runId: run.id, name: "package" });
    const perRun = await octokit.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts", { ...p, run_id: run.id });
    expect(perRun.data.artifacts.map((a) => [a.name, a.workflow_run?.id, a.expired])).toEqual([["package", run.id, false]]);
    sim.control.addRelease("test-org", "library", { tagName: "v2.0.0", createdAt: "2026-01-10T10:05:00Z", author: "tess" });
    expect((await octokit.request("GET /repos/{owner}/{repo}/releases", p)).data.map((r) => [r.tag_name, r.author.login])).toEqual([["v2.0.0", "tess"]]);
  });
});

describe("run logs and releases, as the playbook's steps 5 and 6 read and delete them", () => {
  it("DELETE …/runs/{id}/logs needs actions: write; answers 204 again once the logs are gone, 403 while the run is in progress, 404 for a run that is not there", async () => {
    const done = sim.control.seedRun("test-org", "library", { workflow: ".github/workflows/publish.yml", createdAt: "2025-03-14T18:00:00Z" });
    const running = sim.control.seedRun("test-org", "library", { workflow: ".github/workflows/publish.yml", createdAt: "2025-03-14T19:00:00Z", status: "in_progress" });
    const del = (octokit: Awaited<ReturnType<typeof responderToken>>, run_id: number) => octokit.request("DELETE /repos/{owner}/{repo}/actions/runs/{run_id}/logs", { owner: "test-org", repo: "library", run_id });
    const readOnly = await responderToken({ repository_ids: [repoId("library")], permissions: { actions: "read" } });
    await expect(del(readOnly, done.id)).rejects.toMatchObject({ status: 403, response: { headers: { "x-accepted-github-permissions": "actions=write" } } });
    const octokit = await responderToken({ repository_ids: [repoId("library")], permissions: { actions: "write" } });
    expect((await del(octokit, done.id)).status).toBe(204);
    expect((await del(octokit, done.id)).status).toBe(204);
    const run = sim.org("test-org").repos.find((r) => r.name === "library")!.runs!.get(done.id)!;
    expect(run.logsDeleted).toBe(true);
    await expect(del(octokit, running.id)).rejects.toMatchObject({ status: 403, response: { data: { message: "Cannot delete logs of a workflow run that is in progress." } } });
    await expect(del(octokit, 987_654_321)).rejects.toMatchObject({ status: 404 });
    expect(sim.writeLog.filter((w) => w.path === `/repos/test-org/library/actions/runs/${done.id}/logs`).map((w) => `${w.method} ${w.status}`)).toEqual(["DELETE 204", "DELETE 204"]);
  });

  it("releases need contents: read; drafts are listed only to a token that may push (contents: write)", async () => {
    sim.control.addRelease("test-org", "service", { tagName: "v3.0.0", createdAt: "2025-03-14T17:00:00Z" });
    sim.control.addRelease("test-org", "service", { tagName: "v3.1.0", createdAt: "2025-03-14T18:00:00Z", draft: true });
    sim.control.addRelease("test-org", "service", { tagName: "v2.9.0", createdAt: "2025-03-01T10:00:00Z", publishedAt: "2025-03-14T19:00:00Z" });
    const tags = async (permissions: Record<string, string>) =>
      (await (await responderToken({ repository_ids: [repoId("service")], permissions })).request("GET /repos/{owner}/{repo}/releases", { owner: "test-org", repo: "service" })).data.map((r) => [r.tag_name, r.published_at]);
    expect(await tags({ contents: "read" })).toEqual([
      ["v3.0.0", "2025-03-14T17:00:00Z"],
      ["v2.9.0", "2025-03-14T19:00:00Z"],
    ]);
    const installation = sim.core.installationForOrg("test-org", RESPONDER_APP_ID)!;
    const saved = installation.permissions.contents;
    installation.permissions.contents = "write";
    try {
      expect((await tags({ contents: "write" })).map(([tag]) => tag)).toEqual(["v3.1.0", "v3.0.0", "v2.9.0"]);
    } finally {
      installation.permissions.contents = saved!;
    }
    await expect(tags({ actions: "write" })).rejects.toMatchObject({ status: 403, response: { headers: { "x-accepted-github-permissions": "contents=read" } } });
  });
});

describe("secret writes", () => {
  it("the sealed box must open with the scope's private key; only the name and a length class are kept", async () => {
    const octokit = await responderToken();
    const p = { owner: "test-org", repo: "service" };
    const repoKey = (await octokit.request("GET /repos/{owner}/{repo}/actions/secrets/public-key", p)).data;
    const orgKey = (await octokit.request("GET /orgs/{org}/actions/secrets/public-key", { org: "test-org" })).data;
    const put = (encrypted_value: string) => octokit.request("PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}", { ...p, secret_name: "ROTATED", encrypted_value, key_id: repoKey.key_id });
    const fake = Buffer.alloc(80, 7).toString("base64");
    await expect(put(fake)).rejects.toMatchObject({ status: 422, response: { data: { message: expect.stringContaining("could not be decrypted") } } });
    await expect(put(await sealFor(orgKey.key, "sealed for another scope"))).rejects.toMatchObject({ status: 422 });
    expect(sim.secretWrites).toEqual([]);
    expect((await put(await sealFor(repoKey.key, "a".repeat(2000)))).status).toBe(201);
    expect(sim.secretWrites).toEqual([{ at: expect.any(String), scope: "repo:test-org/service", name: "ROTATED", lengthClass: "≤ 8 KiB", installationId: sim.core.installationForOrg("test-org", RESPONDER_APP_ID)!.id }]);
    expect(sim.writeLog.at(-1)!.body).toEqual({ encrypted_value: "[sealed]", key_id: repoKey.key_id });
  });
});
