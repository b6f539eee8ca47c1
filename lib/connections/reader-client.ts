import "server-only";
import { getEnv } from "@/lib/env";
import type { Db } from "@/lib/db/types";
import { createGithubClient, type GithubClient } from "@/lib/github/client";
import { SYNC_TOKEN_PERMISSIONS } from "@/lib/github/permissions";
import { githubCredentials } from "./credentials";
import { findConnection } from "./connection-repo";

export type ReaderEvent = { type: string; waitMs?: number };

/**
 * The organisation's read-only GitHub client (the App that syncs, or the configured token),
 * or why there is none, in words that say what to do. It never writes: its tokens are minted
 * with SYNC_TOKEN_PERMISSIONS only.
 */
export async function readerClient(
  db: Db,
  orgId: string,
  onEvent?: (e: ReaderEvent) => void,
): Promise<{ client: GithubClient; org: string } | { failure: string }> {
  const connection = await findConnection(db, orgId);
  if (!connection) return { failure: "This organisation is not connected to GitHub: an admin connects it on Settings → GitHub." };
  const creds = githubCredentials(getEnv());
  if (creds.mode === "none") return { failure: "No GitHub credentials are configured: set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (or GATEHOUSE_GITHUB_TOKEN) and restart." };
  if (creds.mode === "app" && !connection.installationId) return { failure: "The connection has no App installation: reconnect it on Settings → GitHub." };
  const client = createGithubClient(
    creds.mode === "app"
      ? { kind: "app", baseUrl: connection.baseUrl, appId: creds.appId, privateKey: creds.privateKey, installationId: connection.installationId!, account: connection.accountLogin, permissions: SYNC_TOKEN_PERMISSIONS, onEvent }
      : { kind: "token", baseUrl: connection.baseUrl, token: creds.token, onEvent },
  );
  return { client, org: connection.accountLogin };
}
