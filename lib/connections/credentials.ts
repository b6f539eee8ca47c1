import "server-only";
import { readFileSync } from "node:fs";
import type { Env } from "@/lib/env";
import { ConfigError } from "@/lib/env";

/**
 * How this Gatehouse reaches GitHub, from the environment only: the App's private key and
 * webhook secret are never stored in the database, and are read once per process.
 */
export type GithubCredentials =
  | { mode: "app"; baseUrl: string; appId: number; privateKey: string; webhookSecret: string | null }
  | { mode: "token"; baseUrl: string; token: string; webhookSecret: string | null }
  | { mode: "none"; baseUrl: string };

let cached: GithubCredentials | undefined;

export function githubCredentials(env: Env): GithubCredentials {
  if (cached) return cached;
  const baseUrl = env.GITHUB_API_URL.replace(/\/+$/, "");
  const webhookSecret = env.GITHUB_WEBHOOK_SECRET ?? null;
  if (env.GITHUB_APP_ID) {
    let privateKey = env.GITHUB_APP_PRIVATE_KEY;
    if (!privateKey && env.GITHUB_APP_PRIVATE_KEY_FILE) {
      try {
        privateKey = readFileSync(env.GITHUB_APP_PRIVATE_KEY_FILE, "utf8");
      } catch (err) {
        throw new ConfigError(
          `Configuration error: GITHUB_APP_PRIVATE_KEY_FILE (${env.GITHUB_APP_PRIVATE_KEY_FILE}) cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}. Point it at the App's .pem file and make it readable by Gatehouse.`,
        );
      }
      if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) {
        throw new ConfigError(`Configuration error: GITHUB_APP_PRIVATE_KEY_FILE (${env.GITHUB_APP_PRIVATE_KEY_FILE}) does not hold a PEM private key.`);
      }
    }
    cached = { mode: "app", baseUrl, appId: env.GITHUB_APP_ID, privateKey: privateKey!, webhookSecret };
  } else if (env.GATEHOUSE_GITHUB_TOKEN) {
    cached = { mode: "token", baseUrl, token: env.GATEHOUSE_GITHUB_TOKEN, webhookSecret };
  } else {
    cached = { mode: "none", baseUrl };
  }
  return cached;
}
