import "server-only";
import { readFile } from "node:fs/promises";
import { ConfigError, getEnv, type Env } from "@/lib/env";
import { findOrgInstallation } from "../installations";
import { ResponderError } from "./errors";

// The responder App's settings (GITHUB_RESPONDER_APP_ID and its key, on GITHUB_API_URL) and its
// installation on an organisation. The one file of this folder that looks at settings, through
// lib/env; the key is read from its file on each call and handed on, never stored.

export interface ResponderConfig {
  baseUrl: string;
  appId: number;
  /** PEM */
  privateKey: string;
}

export interface ResponderInstallation {
  installationId: number;
  /** permission → level granted to the installation */
  permissions: Record<string, string>;
  repositorySelection: "all" | "selected";
}

/** The responder App's settings, or null when none is configured (incident mode then shows commands). */
export async function responderConfig(env: Env = getEnv()): Promise<ResponderConfig | null> {
  if (!env.GITHUB_RESPONDER_APP_ID) return null;
  const baseUrl = env.GITHUB_API_URL.replace(/\/+$/, "");
  if (env.GITHUB_RESPONDER_APP_PRIVATE_KEY) return { baseUrl, appId: env.GITHUB_RESPONDER_APP_ID, privateKey: env.GITHUB_RESPONDER_APP_PRIVATE_KEY };
  const file = env.GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE ?? "";
  let privateKey: string;
  try {
    privateKey = await readFile(/* turbopackIgnore: true */ file, "utf8");
  } catch (err) {
    throw new ConfigError(
      `Configuration error: GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE (${file}) cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}. Point it at the responder App's .pem file and make it readable by Gatehouse.`,
    );
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) {
    throw new ConfigError(`Configuration error: GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE (${file}) does not hold a PEM private key.`);
  }
  return { baseUrl, appId: env.GITHUB_RESPONDER_APP_ID, privateKey };
}

/** Whether a responder App is configured (its key file readable). */
export async function responderConfigured(env: Env = getEnv()): Promise<boolean> {
  return (await responderConfig(env)) !== null;
}

/**
 * The responder App's installation on one organisation (GET /orgs/{org}/installation with the
 * App's JWT): null when no responder App is configured; a ResponderError "not-installed" when it
 * is configured but not installed there, or suspended.
 */
export async function findResponderInstallation(config: ResponderConfig | null, orgLogin: string): Promise<ResponderInstallation | null> {
  if (!config) return null;
  const found = await findOrgInstallation({ baseUrl: config.baseUrl, appId: config.appId, privateKey: config.privateKey }, orgLogin);
  if (!found) {
    throw new ResponderError(
      "not-installed",
      `The responder App is not installed on ${orgLogin}: an owner of ${orgLogin} installs it (the App's page on GitHub → Install App) on the repositories incidents act on, then the action can be retried.`,
    );
  }
  if (found.suspended) {
    throw new ResponderError("not-installed", `The responder App's installation on ${orgLogin} is suspended: an owner of ${orgLogin} unsuspends it in the organisation's GitHub Apps settings.`);
  }
  return { installationId: found.id, permissions: found.permissions, repositorySelection: found.repositorySelection };
}
