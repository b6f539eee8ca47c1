import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GithubSim } from "./server";
import { App } from "octokit";
import { APP_ID, TEST_OAUTH_APP, appKeys, oauthUserToken, simOctokit, startTestSim } from "./test-helpers";

// The OAuth web flow on the simulated github.com and the authenticated-user endpoints, as
// an OAuth client (Auth.js's GitHub provider) uses them.

let sim: GithubSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(async () => sim.close());

const { clientId, clientSecret, callbackUrl } = TEST_OAUTH_APP;

async function authorize(params: Record<string, string>, login = "octo-verified") {
  const res = await fetch(`${sim.url}/login/oauth/authorize`, {
    method: "POST",
    body: new URLSearchParams({ client_id: clientId, redirect_uri: callbackUrl, scope: "read:user user:email", ...params, login }),
    redirect: "manual",
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!);
}

async function exchange(body: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${sim.url}/login/oauth/access_token`, {
    method: "POST",
    headers: { accept: "application/json", ...headers },
    body: new URLSearchParams(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, string>;
}

describe("OAuth web flow", () => {
  it("the authorize page names the app and offers every user", async () => {
    const res = await fetch(`${sim.url}/login/oauth/authorize?client_id=${clientId}&scope=read:user%20user:email&state=xyz`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("Authorize Gatehouse (test)");
    expect(page).toContain("Authorize as octo-verified");
    expect(page).toContain('name="state" value="xyz"');
  });

  it("PKCE (S256), client_secret_basic: code → token; the code is single use", async () => {
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const back = await authorize({ state: "st", code_challenge: challenge, code_challenge_method: "S256" });
    expect(`${back.origin}${back.pathname}`).toBe(callbackUrl);
    expect(back.searchParams.get("state")).toBe("st");
    const code = back.searchParams.get("code")!;
    const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`;
    const body = { grant_type: "authorization_code", code, redirect_uri: callbackUrl, code_verifier: verifier };
    const token = await exchange(body, { authorization: basic });
    expect(token).toMatchObject({ token_type: "bearer", scope: "read:user,user:email" });
    expect(token.access_token).toMatch(/^gho_[A-Za-z0-9]{36}$/);
    expect(await exchange(body, { authorization: basic })).toMatchObject({ error: "bad_verification_code" });
  });

  it("a wrong code_verifier, a wrong secret or a foreign redirect_uri is refused in GitHub's shape", async () => {
    const challenge = createHash("sha256").update("right").digest("base64url");
    const code = (await authorize({ code_challenge: challenge, code_challenge_method: "S256" })).searchParams.get("code")!;
    expect(await exchange({ client_id: clientId, client_secret: clientSecret, code, code_verifier: "wrong" })).toMatchObject({ error: "invalid_grant" });

    const code2 = (await authorize({})).searchParams.get("code")!;
    expect(await exchange({ client_id: clientId, client_secret: "nope", code: code2 })).toMatchObject({ error: "incorrect_client_credentials" });

    const mismatch = await authorize({ redirect_uri: "http://evil.example/api/auth/callback/github", state: "q" });
    expect(`${mismatch.origin}${mismatch.pathname}`).toBe(callbackUrl);
    expect(mismatch.searchParams.get("error")).toBe("redirect_uri_mismatch");
    expect(mismatch.searchParams.get("state")).toBe("q");
  });

  it("the token endpoint answers form-encoded unless JSON is asked for", async () => {
    const code = (await authorize({})).searchParams.get("code")!;
    const res = await fetch(`${sim.url}/login/oauth/access_token`, {
      method: "POST",
      body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, code }),
    });
    expect(res.headers.get("content-type")).toMatch(/^application\/x-www-form-urlencoded/);
    expect(new URLSearchParams(await res.text()).get("access_token")).toMatch(/^gho_/);
  });

  it("Cancel sends the user back with access_denied", async () => {
    const res = await fetch(`${sim.url}/login/oauth/authorize`, {
      method: "POST",
      body: new URLSearchParams({ client_id: clientId, state: "c", decision: "cancel" }),
      redirect: "manual",
    });
    const back = new URL(res.headers.get("location")!);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("c");
  });
});

describe("authenticated user", () => {
  it("GET /user and /user/emails answer the signed-in user, also under GitHub Enterprise's /api/v3", async () => {
    const token = await oauthUserToken(sim, "octo-public");
    for (const base of [sim.url, `${sim.url}/api/v3`]) {
      const user = await fetch(`${base}/user`, { headers: { authorization: `Bearer ${token}` } });
      expect(user.status).toBe(200);
      expect(user.headers.get("x-oauth-scopes")).toBe("read:user, user:email");
      expect(await user.json()).toMatchObject({ login: "octo-public", email: "claimed@example.test", user_view_type: "private", url: `${base}/users/octo-public` });
      const emails = await fetch(`${base}/user/emails`, { headers: { authorization: `Bearer ${token}` } });
      expect(await emails.json()).toEqual([
        { email: "claimed@example.test", primary: false, verified: false, visibility: "public" },
        { email: "real@example.test", primary: true, verified: true, visibility: "private" },
      ]);
    }
  });

  it("/user/emails without the user:email scope is hidden (404), as on GitHub", async () => {
    const token = await oauthUserToken(sim, "octo-verified", "read:user");
    const res = await fetch(`${sim.url}/user/emails`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-accepted-oauth-scopes")).toBe("user, user:email");
  });

  it("an installation token cannot read /user, and a user token cannot read an organisation", async () => {
    const app = new App({ appId: APP_ID, privateKey: appKeys().privateKey, Octokit: simOctokit(sim) });
    const { data: inst } = await app.octokit.request("GET /orgs/{org}/installation", { org: "test-org" });
    const installation = await app.getInstallationOctokit(inst.id);
    await expect(installation.request("GET /user")).rejects.toMatchObject({ status: 403, message: expect.stringContaining("Resource not accessible by integration") });

    const user = await oauthUserToken(sim, "octo-verified");
    const org = await fetch(`${sim.url}/orgs/test-org/repos`, { headers: { authorization: `Bearer ${user}` } });
    expect(org.status).toBe(403);
    const noAuth = await fetch(`${sim.url}/user`);
    expect(noAuth.status).toBe(401);
    const bad = await fetch(`${sim.url}/user`, { headers: { authorization: "Bearer gho_notatoken" } });
    expect(bad.status).toBe(401);
  });
});
