import { generateKeyPairSync } from "node:crypto";
import sodium from "libsodium-wrappers";
import { Octokit } from "octokit";
import { loadBundledOrg } from "../fixtures/load";
import { startGithubSim, type GithubSim, type GithubSimOptions } from "./server";
import type { SimOAuthAppOptions, SimUserOptions } from "./users";

// Shared setup for simulator tests: one RSA key pair per process (generation is slow).

export const FIXED_NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
export const APP_ID = 4242;

/** The second App (the responder) of the simulator tests that need it. */
export const RESPONDER_APP_ID = 4343;

const keyPairs = new Map<string, { privateKey: string; publicKey: string }>();

function keyPair(name: string): { privateKey: string; publicKey: string } {
  let pair = keyPairs.get(name);
  if (!pair) {
    pair = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    keyPairs.set(name, pair);
  }
  return pair;
}

export const appKeys = () => keyPair("reader");
export const responderAppKeys = () => keyPair("responder");

export const TEST_OAUTH_APP: SimOAuthAppOptions = {
  clientId: "Ov23liTestClient",
  clientSecret: "test-oauth-client-secret",
  callbackUrl: "http://localhost:9999/api/auth/callback/github",
  name: "Gatehouse (test)",
};

/** Users of the test simulator, one per shape of email list the GitHub sign-in must handle. */
export const TEST_USERS: SimUserOptions[] = [
  { login: "octo-verified", name: "Octo Verified", emails: [{ email: "octo@example.test", primary: true, verified: true }] },
  {
    login: "octo-unverified",
    emails: [
      { email: "unverified@example.test", primary: true, verified: false },
      { email: "also-unverified@example.test", verified: false },
    ],
  },
  {
    login: "octo-public",
    publicEmail: "claimed@example.test",
    emails: [
      { email: "claimed@example.test", verified: false, visibility: "public" },
      { email: "real@example.test", primary: true, verified: true },
    ],
  },
  {
    login: "octo-secondary",
    emails: [
      { email: "primary-unverified@example.test", primary: true, verified: false },
      { email: "secondary@example.test", verified: true },
    ],
  },
];

export async function startTestSim(overrides: Partial<GithubSimOptions> = {}): Promise<GithubSim> {
  return startGithubSim({
    orgs: [loadBundledOrg("test-org", { now: FIXED_NOW })],
    app: { id: APP_ID, slug: "gatehouse-test", publicKeyPem: appKeys().publicKey, webhookSecret: "s3cret" },
    users: TEST_USERS,
    oauthApps: [TEST_OAUTH_APP],
    ...overrides,
  });
}

/** Runs the OAuth web flow as a browser would (pick a user, exchange the code) and returns the user token. */
export async function oauthUserToken(sim: GithubSim, login: string, scope = "read:user user:email"): Promise<string> {
  const form = new URLSearchParams({ client_id: TEST_OAUTH_APP.clientId, redirect_uri: TEST_OAUTH_APP.callbackUrl, scope, state: "s", login });
  const res = await fetch(`${sim.url}/login/oauth/authorize`, { method: "POST", body: form, redirect: "manual" });
  const code = new URL(res.headers.get("location") ?? "").searchParams.get("code");
  if (!code) throw new Error(`the simulator gave no code: ${res.status} ${res.headers.get("location")}`);
  const token = await fetch(`${sim.url}/login/oauth/access_token`, {
    method: "POST",
    headers: { accept: "application/json" },
    body: new URLSearchParams({ client_id: TEST_OAUTH_APP.clientId, client_secret: TEST_OAUTH_APP.clientSecret, code }),
  });
  const body = (await token.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`the simulator gave no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** An Octokit class bound to the simulator, without retries/throttling unless asked. */
export function simOctokit(sim: GithubSim) {
  return Octokit.defaults({
    baseUrl: sim.url,
    throttle: { enabled: false },
    retry: { enabled: false },
  });
}

/** A value sealed (libsodium sealed box) for a scope's base64 public key, as a client must send it. */
export async function sealFor(publicKeyBase64: string, value: string): Promise<string> {
  await sodium.ready;
  return sodium.to_base64(sodium.crypto_box_seal(sodium.from_string(value), sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL)), sodium.base64_variants.ORIGINAL);
}
