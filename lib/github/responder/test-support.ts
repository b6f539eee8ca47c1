import "server-only";
import type { GithubSim } from "@/sim/github";
import { RESPONDER_APP_ID, responderKeys } from "../test-sim";
import { openResponderSession, type OpenResponderSessionOptions, type ResponderSession } from "./session";
import type { ResponderStep } from "./steps";

// Test support (imported by *.test.ts only): sessions on the simulator's responder App with
// waits shrunk to milliseconds and writes unspaced, so faults and retries cost no real time.

export const FAST_CLIENT = { retryBaseMs: 5, rateLimitWaitUnitMs: 5, requestTimeoutMs: 2000, writeSpacingMs: 0 } as const;

export function repoId(sim: GithubSim, org: string, name: string): number {
  const repo = sim.org(org).repos.find((r) => r.name === name);
  if (!repo) throw new Error(`no repository ${org}/${name}`);
  return repo.id;
}

export function sessionOptions(
  sim: GithubSim,
  step: ResponderStep,
  extra: Partial<OpenResponderSessionOptions> & { org?: string; repos?: string[] } = {},
): OpenResponderSessionOptions {
  const { org = "test-org", repos = ["service"], ...rest } = extra;
  const installation = sim.core.installationForOrg(org, RESPONDER_APP_ID);
  if (!installation) throw new Error(`no responder installation on ${org}`);
  return {
    baseUrl: sim.url,
    appId: RESPONDER_APP_ID,
    privateKey: responderKeys().privateKey,
    installationId: installation.id,
    repositoryIds: repos.map((name) => repoId(sim, org, name)),
    step,
    orgLogin: org,
    client: FAST_CLIENT,
    ...rest,
  };
}

export function openTestSession(sim: GithubSim, step: ResponderStep, extra: Parameters<typeof sessionOptions>[2] = {}): Promise<ResponderSession> {
  return openResponderSession(sessionOptions(sim, step, extra));
}
