import "server-only";
import { generateKeyPairSync } from "node:crypto";
import { loadBundledOrg } from "@/sim/fixtures/load";
import { startGithubSim, type GithubSim, type GithubSimOptions } from "@/sim/github";
import { createGithubClient, type GithubClient, type GithubClientConfig } from "./client";
import { SYNC_TOKEN_PERMISSIONS } from "./permissions";

// Test support (imported by *.test.ts only): the GitHub simulator with acme and test-org, a
// fresh RSA key pair for the App, and clients with short waits so faults cost milliseconds.

export const APP_ID = 777;

let keys: { privateKey: string; publicKey: string } | null = null;

export function appKeys(): { privateKey: string; publicKey: string } {
  keys ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return keys;
}

/** The responder App of the test simulator: its own id and key pair. */
export const RESPONDER_APP_ID = 778;

let responderKeyPair: { privateKey: string; publicKey: string } | null = null;

export function responderKeys(): { privateKey: string; publicKey: string } {
  responderKeyPair ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return responderKeyPair;
}

/** The simulator with both Apps; the responder's installations default to its write permissions. */
export async function startResponderSim(
  responderInstallations: NonNullable<GithubSimOptions["responderApp"]>["installations"] = {},
  overrides: Partial<GithubSimOptions> = {},
): Promise<GithubSim> {
  return startSim({}, {
    responderApp: { id: RESPONDER_APP_ID, slug: "gatehouse-responder", publicKeyPem: responderKeys().publicKey, installations: responderInstallations },
    ...overrides,
  });
}

export async function startSim(
  installations: NonNullable<GithubSimOptions["app"]>["installations"] = {},
  overrides: Partial<GithubSimOptions> = {},
): Promise<GithubSim> {
  return startGithubSim({
    orgs: [loadBundledOrg("acme"), loadBundledOrg("test-org")],
    app: { id: APP_ID, slug: "gatehouse", publicKeyPem: appKeys().publicKey, installations },
    ...overrides,
  });
}

export function appClient(sim: GithubSim, org: string, extra: Partial<GithubClientConfig> = {}): GithubClient {
  const installation = sim.core.installationForOrg(org);
  if (!installation) throw new Error(`no installation for ${org}`);
  return createGithubClient({
    kind: "app",
    baseUrl: sim.url,
    appId: APP_ID,
    privateKey: appKeys().privateKey,
    installationId: installation.id,
    account: org,
    permissions: SYNC_TOKEN_PERMISSIONS,
    retryBaseMs: 5,
    rateLimitWaitUnitMs: 5,
    requestTimeoutMs: 2000,
    ...extra,
  } as GithubClientConfig);
}
