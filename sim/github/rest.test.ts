import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Octokit } from "octokit";
import type { GithubSim } from "./server";
import { sealFor, simOctokit, startTestSim } from "./test-helpers";

let sim: GithubSim;
const PAT = "github_pat_test_only";
beforeAll(async () => {
  sim = await startTestSim({ personalTokens: { [PAT]: {} }, rateLimit: { core: 40, graphql: 100 } });
});
afterAll(async () => sim.close());

const client = () => new (simOctokit(sim))({ auth: PAT });

describe("REST mechanics", () => {
  it("ETag: a matching If-None-Match answers 304 without charging the rate limit", async () => {
    sim.core.rateLimiter.reset();
    const octokit = client();
    const first = await octokit.request("GET /repos/{owner}/{repo}/actions/secrets", { owner: "test-org", repo: "service" });
    const etag = first.headers.etag;
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    const usedBefore = Number(first.headers["x-ratelimit-used"]);
    const again = await octokit
      .request("GET /repos/{owner}/{repo}/actions/secrets", { owner: "test-org", repo: "service", headers: { "if-none-match": etag } })
      .catch((e: { status: number; response: { headers: Record<string, string> } }) => e);
    expect(again.status).toBe(304);
    const after = await octokit.request("GET /rate_limit");
    expect(after.data.resources.core.used).toBe(usedBefore);
    // a rotation changes the body, so the old etag no longer matches
    sim.setSecret({ org: "test-org", repo: "service", name: "SENTRY_AUTH_TOKEN" });
    const changed = await octokit.request("GET /repos/{owner}/{repo}/actions/secrets", { owner: "test-org", repo: "service", headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it("rate-limit headers on every response and 403 with remaining 0 once exhausted", async () => {
    sim.core.rateLimiter.reset();
    const octokit = client();
    let last: Record<string, string | number | undefined> = {};
    for (let i = 0; i < 40; i++) last = (await octokit.request("GET /orgs/{org}/repos", { org: "test-org" })).headers;
    expect(last["x-ratelimit-limit"]).toBe("40");
    expect(last["x-ratelimit-remaining"]).toBe("0");
    expect(last["x-ratelimit-resource"]).toBe("core");
    const error = await octokit.request("GET /orgs/{org}/repos", { org: "test-org" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403, response: { headers: { "x-ratelimit-remaining": "0" } } });
    expect(String((error as { message: string }).message)).toMatch(/rate limit exceeded/);
    sim.core.rateLimiter.reset();
  });

  it("serves the endpoints the sync needs with fixture data", async () => {
    sim.core.rateLimiter.reset();
    const o = client();
    const p = { owner: "test-org", repo: "service" };
    const orgSecrets = await o.request("GET /orgs/{org}/actions/secrets", { org: "test-org" });
    expect(orgSecrets.data.secrets.find((s) => s.name === "NPM_TOKEN")).toMatchObject({ visibility: "selected", selected_repositories_url: expect.stringContaining("/orgs/test-org/actions/secrets/NPM_TOKEN/repositories") });
    const selected = await o.request("GET /orgs/{org}/actions/secrets/{secret_name}/repositories", { org: "test-org", secret_name: "NPM_TOKEN" });
    expect(selected.data.repositories.map((r) => r.name)).toEqual(["library"]);
    const visible = await o.request("GET /repos/{owner}/{repo}/actions/organization-secrets", p);
    expect(visible.data.secrets.map((s) => s.name)).toEqual(["SLACK_WEBHOOK_URL"]);
    const envs = await o.request("GET /repos/{owner}/{repo}/environments", p);
    const prod = envs.data.environments?.find((e) => e.name === "production");
    expect(prod?.protection_rules?.map((r) => r.type).sort()).toEqual(["branch_policy", "required_reviewers", "wait_timer"]);
    const envSecrets = await o.request("GET /repos/{owner}/{repo}/environments/{environment_name}/secrets", { ...p, environment_name: "production" });
    expect(envSecrets.data.secrets.map((s) => s.name)).toEqual(["PROD_DB_PASSWORD"]);
    const vars = await o.request("GET /repos/{owner}/{repo}/actions/variables", p);
    expect(vars.data.variables[0]).toMatchObject({ name: "AWS_ROLE_ARN", value: "arn:aws:iam::123456789012:role/service-deploy" });
    expect((await o.request("GET /repos/{owner}/{repo}/actions/permissions/workflow", { owner: "test-org", repo: "library" })).data.default_workflow_permissions).toBe("write");
    expect((await o.request("GET /orgs/{org}/actions/oidc/customization/sub", { org: "test-org" })).data.include_claim_keys).toEqual(["repo", "context"]);
    expect((await o.request("GET /repos/{owner}/{repo}/actions/oidc/customization/sub", p)).data.use_default).toBe(true);
    expect((await o.request("GET /repos/{owner}/{repo}/keys", p)).data[0]).toMatchObject({ title: "argo-cd", read_only: true });
    expect((await o.request("GET /orgs/{org}/actions/runners", { org: "test-org" })).data.runners[0]?.labels.map((l) => l.name)).toContain("ops");
    const groups = await o.request("GET /orgs/{org}/actions/runner-groups", { org: "test-org" });
    expect(groups.data.runner_groups.map((g) => g.name)).toEqual(["Default", "ops-runners"]);
    const teams = await o.request("GET /repos/{owner}/{repo}/teams", p);
    expect(teams.data.map((t) => [t.slug, t.permission])).toEqual([["core", "admin"], ["ops", "maintain"]]);
    const props = await o.request("GET /orgs/{org}/properties/values", { org: "test-org" });
    expect(props.data.find((r) => r.repository_name === "tools")?.properties).toEqual([{ property_name: "owner-team", value: "ops" }]);
    const file = await o.request("GET /repos/{owner}/{repo}/contents/{path}", { ...p, path: ".github/CODEOWNERS" });
    expect(Buffer.from((file.data as { content: string }).content, "base64").toString()).toContain("@test-org/core");
    const wf = await o.request("GET /repos/{owner}/{repo}/actions/workflows", { owner: "test-org", repo: "tools" });
    expect(wf.data.workflows[0]).toMatchObject({ name: "Nightly", path: ".github/workflows/nightly.yml", state: "disabled_inactivity" });
  });

  it("incident writes: disable workflow, cancel run, rotate secret, delete deploy key — all logged", async () => {
    sim.core.rateLimiter.reset();
    const o = client();
    const p = { owner: "test-org", repo: "service" };
    await o.request("PUT /repos/{owner}/{repo}/actions/workflows/{workflow_id}/disable", { ...p, workflow_id: "deploy.yml" });
    const wf = await o.request("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}", { ...p, workflow_id: "deploy.yml" });
    expect(wf.data.state).toBe("disabled_manually");
    const runs = await o.request("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", { ...p, workflow_id: wf.data.id, status: "in_progress" });
    const run = runs.data.workflow_runs[0];
    expect(run?.status).toBe("in_progress");
    expect((await o.request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel", { ...p, run_id: Number(run!.id) })).status).toBe(202);
    await expect(o.request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel", { ...p, run_id: Number(run!.id) })).rejects.toMatchObject({ status: 409 });
    const key = await o.request("GET /repos/{owner}/{repo}/actions/secrets/public-key", p);
    expect(Buffer.from(key.data.key, "base64")).toHaveLength(32);
    const sealed = await sealFor(key.data.key, "rotated-value");
    const before = (await o.request("GET /repos/{owner}/{repo}/actions/secrets/{secret_name}", { ...p, secret_name: "OLD_UNUSED_TOKEN" })).data.updated_at;
    const put = await o.request("PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}", { ...p, secret_name: "OLD_UNUSED_TOKEN", encrypted_value: sealed, key_id: key.data.key_id });
    expect(put.status).toBe(204);
    const afterRotation = (await o.request("GET /repos/{owner}/{repo}/actions/secrets/{secret_name}", { ...p, secret_name: "OLD_UNUSED_TOKEN" })).data.updated_at;
    expect(Date.parse(afterRotation)).toBeGreaterThan(Date.parse(before));
    await expect(o.request("PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}", { ...p, secret_name: "X", encrypted_value: sealed, key_id: "wrong" })).rejects.toMatchObject({ status: 422 });
    const keys = await o.request("GET /repos/{owner}/{repo}/keys", p);
    await o.request("DELETE /repos/{owner}/{repo}/keys/{key_id}", { ...p, key_id: keys.data[0]!.id });
    await o.request("PUT /repos/{owner}/{repo}/actions/workflows/{workflow_id}/enable", { ...p, workflow_id: wf.data.id });
    const log = (await fetch(`${sim.url}/_sim/log`).then((r) => r.json())) as { method: string; path: string; status: number }[];
    expect(log.map((e) => `${e.method} ${e.path.replace("/repos/test-org/service", "")} ${e.status}`)).toEqual([
      "PUT /actions/workflows/deploy.yml/disable 204",
      `POST /actions/runs/${run!.id}/cancel 202`,
      "PUT /actions/secrets/OLD_UNUSED_TOKEN 204",
      `DELETE /keys/${keys.data[0]!.id} 204`,
      `PUT /actions/workflows/${wf.data.id}/enable 204`,
    ]);
    expect(sim.writeLog).toHaveLength(5);
  });

  it("throttling plugin waits on a secondary rate limit and then succeeds", async () => {
    sim.core.rateLimiter.reset();
    const waits: number[] = [];
    const octokit = new Octokit({
      baseUrl: sim.url,
      auth: PAT,
      retry: { enabled: false },
      throttle: {
        onRateLimit: () => false,
        onSecondaryRateLimit: (retryAfter: number) => {
          waits.push(retryAfter);
          return true;
        },
      },
    });
    sim.injectFault({ kind: "secondary-rate-limit", match: "/repos/test-org/library" });
    const started = Date.now();
    const res = await octokit.request("GET /repos/{owner}/{repo}", { owner: "test-org", repo: "library" });
    expect(res.status).toBe(200);
    expect(waits).toEqual([1]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("retry plugin recovers from an injected 5xx; injected timeouts hang until the client aborts", async () => {
    const octokit = new Octokit({ baseUrl: sim.url, auth: PAT, throttle: { enabled: false }, retry: { retries: 2, retryAfterBaseValue: 10 } });
    sim.injectFault({ kind: "server-error", match: "/repos/test-org/tools" });
    const res = await octokit.request("GET /repos/{owner}/{repo}", { owner: "test-org", repo: "tools" });
    expect(res.status).toBe(200);
    sim.injectFault({ kind: "timeout", match: "/repos/test-org/legacy" });
    const hung = await client()
      .request("GET /repos/{owner}/{repo}", { owner: "test-org", repo: "legacy", request: { signal: AbortSignal.timeout(300) } })
      .catch((e: unknown) => e);
    expect(String(hung)).toMatch(/abort|timeout/i);
  });
});
