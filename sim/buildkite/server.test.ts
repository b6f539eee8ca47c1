import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BK_SHARED_CLUSTER, buildkiteAcme, buildkiteAcmeTokens } from "../fixtures/buildkite-acme";
import { startBuildkiteSim, type BuildkiteSim } from "./index";

// The simulator over HTTP, as Buildkite's REST API documents it: bearer tokens and scopes,
// `{ message }` errors, Link-header paging, the webhook URL only for write_pipelines, the
// incident writes and their log.

let sim: BuildkiteSim;
beforeAll(async () => {
  sim = await startBuildkiteSim({ fixture: buildkiteAcme, tokens: buildkiteAcmeTokens });
});
afterAll(async () => sim.close());

const ORG = "/v2/organizations/acme";
const call = (path: string, token: string | null, init: RequestInit = {}): Promise<Response> =>
  fetch(`${sim.url}${path}`, { ...init, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
const body = async (res: Response): Promise<unknown> => [res.status, await res.json()];

describe("Buildkite simulator", () => {
  it("refuses a missing or unknown token with 401 and a missing scope with 403, in Buildkite's words", async () => {
    const auth = { message: "Authentication required. Please supply a valid API Access Token: https://buildkite.com/docs/apis/rest-api#authentication" };
    expect(await body(await call(`${ORG}/pipelines`, null))).toEqual([401, auth]);
    expect(await body(await call(`${ORG}/pipelines`, "bkua_nope"))).toEqual([401, auth]);
    expect(await body(await call(`${ORG}/clusters`, "bkua_acme_narrow"))).toEqual([403, { message: "Your access token doesn't have the read_clusters scope" }]);
    expect(await body(await call(`${ORG}/pipelines/payments/builds`, "bkua_acme_narrow"))).toEqual([403, { message: "Your access token doesn't have the read_builds scope" }]);
    expect(await body(await call(`${ORG}/clusters/${BK_SHARED_CLUSTER}/secrets`, "bkua_acme_responder"))).toEqual([403, { message: "Your access token doesn't have the read_secrets_details scope" }]);
    expect(await body(await call("/v2/organizations/other", "bkua_acme_reader"))).toEqual([404, { message: "No organization found" }]);
    expect(await body(await call("/v2/access-token", "bkua_acme_narrow"))).toEqual([200, expect.objectContaining({ uuid: "narrow-reader", scopes: ["read_organizations", "read_pipelines"] })]);
  });

  it("pages lists with page/per_page and a Link header (next, last; first, prev)", async () => {
    const first = await call(`${ORG}/pipelines?per_page=3`, "bkua_acme_reader");
    expect(((await first.json()) as { slug: string }[]).map((p) => p.slug)).toEqual(["payments", "payments-deploy", "mobile"]);
    expect(first.headers.get("link")).toBe(`<${sim.url}${ORG}/pipelines?per_page=3&page=2>; rel="next", <${sim.url}${ORG}/pipelines?per_page=3&page=2>; rel="last"`);
    const second = await call(`${ORG}/pipelines?per_page=3&page=2`, "bkua_acme_reader");
    expect(((await second.json()) as { slug: string }[]).map((p) => p.slug)).toEqual(["mobile-release"]);
    expect(second.headers.get("link")).toBe(`<${sim.url}${ORG}/pipelines?per_page=3&page=1>; rel="first", <${sim.url}${ORG}/pipelines?per_page=3&page=1>; rel="prev"`);
    const all = await call(`${ORG}/pipelines?per_page=500`, "bkua_acme_reader");
    expect([((await all.json()) as unknown[]).length, all.headers.get("link")]).toEqual([4, null]);
  });

  it("answers pipelines in the documented shape, the webhook URL only for write_pipelines, builds filtered by state", async () => {
    const reader = (await (await call(`${ORG}/pipelines/payments`, "bkua_acme_reader")).json()) as Record<string, unknown>;
    expect(reader).toMatchObject({
      slug: "payments",
      repository: "git@github.com:acme/payments-service.git",
      default_branch: "main",
      cluster_id: BK_SHARED_CLUSTER,
      archived_at: null,
      visibility: "private",
      running_builds_count: 1,
      scheduled_builds_count: 1,
      configuration: expect.stringContaining("buildkite-agent pipeline upload"),
      provider: { id: "github", webhook_url: "", settings: { build_pull_requests: true, build_pull_request_forks: true, repository: "acme/payments-service" } },
    });
    const writer = (await (await call(`${ORG}/pipelines/payments`, "bkua_acme_responder")).json()) as { provider: { webhook_url: string } };
    expect(writer.provider.webhook_url).toMatch(/^https:\/\/webhook\.buildkite\.com\/deliver\//);
    const active = (await (await call(`${ORG}/pipelines/payments/builds?state[]=running&state[]=scheduled`, "bkua_acme_reader")).json()) as { number: number; state: string; pull_request: unknown }[];
    expect(active.map((b) => [b.number, b.state])).toEqual([[1043, "scheduled"], [1042, "running"]]);
    expect(active[1]?.pull_request).toEqual({ id: "311", base: "main", repository: "git://github.com/contributor/payments-service.git" });
    const finished = (await (await call(`${ORG}/pipelines/payments/builds?state=finished`, "bkua_acme_reader")).json()) as { number: number }[];
    expect(finished.map((b) => b.number)).toEqual([1041]);
    expect(await body(await call(`${ORG}/pipelines/nope`, "bkua_acme_reader"))).toEqual([404, { message: "No pipeline found" }]);
  });

  it("serves clusters, queues, agent tokens without values, secrets' policies without values, teams' pipelines and agents by queue", async () => {
    const [q0, deploy] = (await (await call(`${ORG}/clusters/${BK_SHARED_CLUSTER}/queues`, "bkua_acme_reader")).json()) as Record<string, unknown>[];
    expect(q0).toMatchObject({ key: "default", dispatch_paused: false, dispatch_paused_note: null });
    const tokens = (await (await call(`${ORG}/clusters/${BK_SHARED_CLUSTER}/tokens`, "bkua_acme_reader")).json()) as Record<string, unknown>[];
    expect(tokens.map((t) => [t.description, t.allowed_ip_addresses])).toEqual([["Elastic CI Stack (default queue)", null], ["deploy agents", "10.20.0.0/16 10.21.0.0/16"]]);
    expect(tokens.every((t) => !("token" in t))).toBe(true);
    const secrets = (await (await call(`${ORG}/clusters/${BK_SHARED_CLUSTER}/secrets`, "bkua_acme_reader")).json()) as Record<string, unknown>[];
    expect(secrets.map((s) => s.key)).toEqual(["PAYMENTS_DEPLOY_TOKEN", "SLACK_WEBHOOK_URL"]);
    expect(secrets.every((s) => !("value" in s))).toBe(true);
    const teams = (await (await call(`${ORG}/teams`, "bkua_acme_reader")).json()) as { id: string; slug: string }[];
    const payments = teams.find((t) => t.slug === "payments");
    const links = (await (await call(`${ORG}/teams/${payments?.id}/pipelines`, "bkua_acme_reader")).json()) as Record<string, unknown>[];
    expect(links.map((l) => [l.pipeline_url, l.access_level])).toEqual([
      [`${sim.url}${ORG}/pipelines/payments`, "manage_build_and_read"],
      [`${sim.url}${ORG}/pipelines/payments-deploy`, "manage_build_and_read"],
    ]);
    const agents = (await (await call(`${ORG}/agents?cluster_queue_id=${deploy?.id}`, "bkua_acme_reader")).json()) as Record<string, unknown>[];
    expect(agents.map((a) => [a.name, a.queue, a.meta_data])).toEqual([["deploy-1", "deploy", ["queue=deploy", "aws-account=210987654321"]]]);
  });

  it("archives, cancels, pauses and resumes with write scopes only, and logs every write with its token id", async () => {
    const queues = (await (await call(`${ORG}/clusters/${BK_SHARED_CLUSTER}/queues`, "bkua_acme_reader")).json()) as { id: string }[];
    const deployPath = `${ORG}/clusters/${BK_SHARED_CLUSTER}/queues/${queues[1]?.id}`;
    const post = (path: string, token: string | null, json?: unknown, method = "POST") =>
      call(path, token, { method, ...(json === undefined ? {} : { body: JSON.stringify(json) }) });

    expect(await body(await post(`${ORG}/pipelines/payments/archive`, "bkua_acme_reader"))).toEqual([403, { message: "Your access token doesn't have the write_pipelines scope" }]);
    const archived = await body(await post(`${ORG}/pipelines/payments/archive`, "bkua_acme_responder"));
    expect(archived).toEqual([200, expect.objectContaining({ slug: "payments", archived_at: expect.stringMatching(/^\d{4}-/) })]);
    expect(await body(await post(`${ORG}/pipelines/payments/builds/1042/cancel`, "bkua_acme_responder", undefined, "PUT"))).toEqual([200, expect.objectContaining({ number: 1042, state: "canceled" })]);
    expect(await body(await post(`${ORG}/pipelines/payments/builds/1041/cancel`, "bkua_acme_responder", undefined, "PUT"))).toEqual([422, { message: "Build #1041 can't be canceled because it's passed" }]);
    const paused = await body(await post(`${deployPath}/pause_dispatch`, "bkua_acme_responder", { dispatch_paused_note: "incident 42" }));
    expect(paused).toEqual([200, expect.objectContaining({ key: "deploy", dispatch_paused: true, dispatch_paused_note: "incident 42", dispatch_paused_by: expect.objectContaining({ name: "Priya Natarajan" }) })]);
    expect(await body(await post(`${deployPath}/pause_dispatch`, "bkua_acme_responder", {}))).toEqual([422, { message: "Cluster queue is already paused" }]);
    expect(await body(await post(`${deployPath}/resume_dispatch`, "bkua_acme_responder"))).toEqual([200, expect.objectContaining({ dispatch_paused: false, dispatch_paused_at: null })]);
    expect(await body(await post(`${deployPath}/resume_dispatch`, "bkua_acme_responder"))).toEqual([422, { message: "Cluster queue is not paused" }]);
    expect(await body(await post(`${ORG}/pipelines/payments/archive`, null))).toEqual([401, expect.anything()]);

    expect(sim.writeLog.map((w) => `${w.tokenId} ${w.method} ${w.path.replace(deployPath, "{deploy}")} ${w.status}`)).toEqual([
      "gatehouse-reader POST /v2/organizations/acme/pipelines/payments/archive 403",
      "gatehouse-responder POST /v2/organizations/acme/pipelines/payments/archive 200",
      "gatehouse-responder PUT /v2/organizations/acme/pipelines/payments/builds/1042/cancel 200",
      "gatehouse-responder PUT /v2/organizations/acme/pipelines/payments/builds/1041/cancel 422",
      "gatehouse-responder POST {deploy}/pause_dispatch 200",
      "gatehouse-responder POST {deploy}/pause_dispatch 422",
      "gatehouse-responder POST {deploy}/resume_dispatch 200",
      "gatehouse-responder POST {deploy}/resume_dispatch 422",
      "null POST /v2/organizations/acme/pipelines/payments/archive 401",
    ]);
    expect(sim.writeLog[4]?.body).toEqual({ dispatch_paused_note: "incident 42" });
    const served = (await (await fetch(`${sim.url}/_sim/write-log`)).json()) as unknown[];
    expect(served).toHaveLength(9);
    expect(sim.control.pipeline("payments")?.builds.find((b) => b.number === 1042)?.state).toBe("canceled");
  });
});
