import { generateKeyPairSync } from "node:crypto";
import { Octokit } from "octokit";
import { loadBundledOrg } from "../fixtures/load";
import { startGithubSim, type GithubSim, type GithubSimOptions } from "./server";

// Shared setup for simulator tests: one RSA key pair per process (generation is slow).

export const FIXED_NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
export const APP_ID = 4242;

let keys: { privateKey: string; publicKey: string } | null = null;

export function appKeys(): { privateKey: string; publicKey: string } {
  keys ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return keys;
}

export async function startTestSim(overrides: Partial<GithubSimOptions> = {}): Promise<GithubSim> {
  return startGithubSim({
    orgs: [loadBundledOrg("test-org", { now: FIXED_NOW })],
    app: { id: APP_ID, slug: "gatehouse-test", publicKeyPem: appKeys().publicKey, webhookSecret: "s3cret" },
    ...overrides,
  });
}

/** An Octokit class bound to the simulator, without retries/throttling unless asked. */
export function simOctokit(sim: GithubSim) {
  return Octokit.defaults({
    baseUrl: sim.url,
    throttle: { enabled: false },
    retry: { enabled: false },
  });
}
