import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { App } from "octokit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteDef } from "./router";
import type { GithubSim } from "./server";
import { APP_ID, appKeys, oauthUserToken, sealFor, simOctokit, startTestSim } from "./test-helpers";

// Conformance: every REST route the simulator serves is called once and its response body is
// validated against the response schema of GitHub's OpenAPI description (@octokit/openapi).

interface OpenApiDoc {
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }> }>>;
  components: { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
}

const require = createRequire(import.meta.url);
const spec = JSON.parse(readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8")) as OpenApiDoc;
/** OpenAPI 3.0 `nullable` → JSON Schema (type arrays, enum with null, or anyOf with null). */
function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalize);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== "nullable" && k !== "example" && k !== "examples") out[k] = normalize(v);
  if ((node as { nullable?: unknown }).nullable !== true) return out;
  // Known defect in GitHub's description: inline installation schemas declare the nullable
  // `account` as allOf [Simple User, Enterprise], which no real response can satisfy; read it as anyOf.
  if (Array.isArray(out.allOf) && out.allOf.length > 1) {
    const { allOf, ...rest } = out;
    return { ...rest, anyOf: [...(allOf as unknown[]), { type: "null" }] };
  }
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema({ components: normalize(spec.components) } as object, "gh");

function validatorFor(path: string, method: string, status: number): ValidateFunction | "no-content" | null {
  const op = spec.paths[path]?.[method.toLowerCase()];
  if (!op) return null;
  let response = op.responses[String(status)];
  if (response?.$ref) response = spec.components.responses[response.$ref.split("/").pop() ?? ""];
  if (!response) return null;
  const content = response.content;
  if (!content) return "no-content";
  const media = content["application/json"] ?? Object.values(content)[0];
  if (!media?.schema) return "no-content";
  const schema = JSON.parse(JSON.stringify(normalize(media.schema)).replaceAll('"#/components/', '"gh#/components/')) as object;
  return ajv.compile(schema);
}

let sim: GithubSim;
let token = "";
let userToken = "";
let app: App;
beforeAll(async () => {
  sim = await startTestSim();
  app = new App({ appId: APP_ID, privateKey: appKeys().privateKey, Octokit: simOctokit(sim) });
  const inst = await app.octokit.request("GET /orgs/{org}/installation", { org: "test-org" });
  token = (await app.octokit.request("POST /app/installations/{installation_id}/access_tokens", { installation_id: inst.data.id })).data.token;
  userToken = await oauthUserToken(sim, "octo-public");
}, 20_000);
afterAll(async () => sim.close());

async function call(def: RouteDef, params: Record<string, string | number>, body?: unknown, query = "") {
  const url = def.path.replace(/\{(\w+)\+?\}/g, (_, n: string) => String(params[n] ?? `missing-${n}`)) + query;
  const appAuth = (await app.octokit.auth({ type: "app" })) as { token: string };
  const auth = def.auth === "jwt" ? `Bearer ${appAuth.token}` : def.auth === "user" ? `token ${userToken}` : `token ${token}`;
  const res = await fetch(`${sim.url}${url}`, {
    method: def.method,
    headers: { authorization: auth, accept: "application/vnd.github+json", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe("OpenAPI conformance", () => {
  it("every served REST endpoint answers with a body valid against GitHub's schema", async () => {
    const org = sim.org("test-org");
    const service = org.repos.find((r) => r.name === "service")!;
    const runs = await call(sim.routes.find((r) => r.path === "/repos/{owner}/{repo}/actions/runs")!, { owner: "test-org", repo: "service" });
    const inProgress = (runs.body as { workflow_runs: { id: number; status: string }[] }).workflow_runs.filter((r) => r.status === "in_progress");
    const runId = inProgress[0]!.id;
    const otherRunId = inProgress[1]!.id;
    type Key = { key_id: string; key: string };
    const repoKey = (await call(sim.routes.find((r) => r.path === "/repos/{owner}/{repo}/actions/secrets/public-key")!, { owner: "test-org", repo: "service" })).body as Key;
    const orgKey = (await call(sim.routes.find((r) => r.path === "/orgs/{org}/actions/secrets/public-key")!, { org: "test-org" })).body as Key;
    const envKey = (await call(sim.routes.find((r) => r.path.endsWith("/environments/{environment_name}/secrets/public-key"))!, { owner: "test-org", repo: "service", environment_name: "production" })).body as Key;
    const inst = sim.core.installationForOrg("test-org")!;
    const deployKeyId = service.deployKeys[0]!.id;
    const artifactId = sim.control.addArtifact("test-org", "service", { runId, name: "dist" }).id;
    const cacheId = sim.control.addCache("test-org", "service", { key: "npm-linux-1" }).id;
    sim.control.addCache("test-org", "service", { key: "npm-linux-2" });
    sim.control.addRelease("test-org", "service", { tagName: "v1.2.0", createdAt: "2026-01-10T10:00:00Z" });
    sim.control.addRelease("test-org", "service", { tagName: "v1.3.0-rc.1", createdAt: "2026-01-12T10:00:00Z", draft: true, prerelease: true });

    const params = (def: RouteDef): Record<string, string | number> => {
      const orgScope = def.path.startsWith("/orgs/");
      const env = def.path.includes("{environment_name}");
      return {
        owner: "test-org",
        repo: "service",
        org: "test-org",
        installation_id: inst.id,
        environment_name: "production",
        secret_name: env ? "PROD_DB_PASSWORD" : orgScope ? "NPM_TOKEN" : "SENTRY_AUTH_TOKEN",
        name: env ? "CLUSTER" : orgScope ? "SENTRY_ORG" : "AWS_ROLE_ARN",
        workflow_id: "deploy.yml",
        run_id: def.path.endsWith("force-cancel") ? otherRunId : runId,
        key_id: deployKeyId,
        artifact_id: artifactId,
        cache_id: cacheId,
        team_slug: "core",
        runner_group_id: 2,
        repository_id: service.id,
        path: ".github/CODEOWNERS",
      };
    };
    const bodies: Record<string, unknown> = {
      "PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}": { encrypted_value: await sealFor(repoKey.key, "repo value"), key_id: repoKey.key_id },
      "PUT /orgs/{org}/actions/secrets/{secret_name}": { encrypted_value: await sealFor(orgKey.key, "org value"), key_id: orgKey.key_id, visibility: "selected" },
      "PUT /repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}": { encrypted_value: await sealFor(envKey.key, "env value"), key_id: envKey.key_id },
      "PUT /orgs/{org}/actions/secrets/{secret_name}/repositories": { selected_repository_ids: [service.id] },
      "PUT /repos/{owner}/{repo}/actions/permissions/workflow": { default_workflow_permissions: "read" },
    };
    const queries: Record<string, string> = { "DELETE /repos/{owner}/{repo}/actions/caches": "?key=npm-linux-2" };
    // reads first, then writes, deletes last (they remove the objects other calls use)
    const order = (d: RouteDef) => (d.method === "GET" ? 0 : d.method === "DELETE" ? 2 : 1);
    const routes = [...sim.routes]
      .filter((d) => d.path !== "/graphql" && d.path !== "/installation/token")
      .sort((a, b) => order(a) - order(b) || (order(a) === 2 ? b.path.length - a.path.length : 0));
    const failures: string[] = [];
    let checked = 0;
    for (const def of routes) {
      const label = `${def.method} ${def.path}`;
      const specPath = def.path.replace("{path+}", "{path}");
      const res = await call(def, params(def), bodies[label] ?? (def.method === "GET" || def.method === "DELETE" ? undefined : {}), queries[label]);
      if (res.status >= 400) {
        failures.push(`${label}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
        continue;
      }
      const validate = validatorFor(specPath, def.method, res.status);
      if (validate === null) failures.push(`${label}: status ${res.status} not described in OpenAPI`);
      else if (validate === "no-content") {
        if (res.body !== undefined && JSON.stringify(res.body) !== "{}") failures.push(`${label}: unexpected body`);
      } else if (!validate(res.body)) {
        failures.push(`${label}: ${ajv.errorsText(validate.errors, { separator: "\n  " }).slice(0, 3000)}`);
      }
      checked++;
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(65);
  }, 30_000);

  it("GET /user without the read:user scope answers the public profile, valid against GitHub's schema", async () => {
    const publicOnly = await oauthUserToken(sim, "octo-verified", "user:email");
    const res = await fetch(`${sim.url}/user`, { headers: { authorization: `token ${publicOnly}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ login: "octo-verified", user_view_type: "public" });
    expect(body).not.toHaveProperty("private_gists");
    const validate = validatorFor("/user", "GET", 200);
    if (!validate || validate === "no-content") throw new Error("GET /user has no response schema");
    expect(validate(body), ajv.errorsText(validate.errors)).toBe(true);
  });

  it("an unknown route answers GitHub's basic-error shape", async () => {
    const res = await fetch(`${sim.url}/repos/test-org/service/not-a-thing`, { headers: { authorization: `token ${token}` } });
    expect(res.status).toBe(404);
    const validate = ajv.compile({ $ref: "gh#/components/schemas/basic-error" });
    const body: unknown = await res.json();
    expect(validate(body)).toBe(true);
    expect(body).toMatchObject({ message: "Not Found", documentation_url: "https://docs.github.com/rest" });
  });
});
