import type { GithubSim } from "@/sim/github";
import { APP_ID, appKeys } from "@/lib/github/test-sim";

/**
 * Puts this test process in GitHub App mode against the simulator, as a deployment's environment
 * would (read once by lib/env and lib/connections/credentials).
 */
export function useSimulatorApp(sim: GithubSim, settings: { webhookSecret?: string } = {}): void {
  process.env.GITHUB_API_URL = sim.url;
  process.env.GITHUB_APP_ID = String(APP_ID);
  process.env.GITHUB_APP_PRIVATE_KEY = appKeys().privateKey;
  if (settings.webhookSecret) process.env.GITHUB_WEBHOOK_SECRET = settings.webhookSecret;
}
