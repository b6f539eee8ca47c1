import "server-only";
import { getEnv } from "@/lib/env";
import type { Db } from "@/lib/db/types";
import { findOrgInstallation } from "@/lib/github/installations";
import { checkPermissions, type PermissionCheck } from "@/lib/github/permissions";
import { githubCredentials } from "./credentials";
import { findConnection, type ConnectionRow } from "./connection-repo";

export interface GithubSettingsView {
  mode: "app" | "token" | "none";
  baseUrl: string;
  appId: number | null;
  webhooks: boolean;
  connection: (Pick<ConnectionRow, "kind" | "baseUrl" | "installationId" | "accountLogin"> & { connectedAt: string; permissions: PermissionCheck[] }) | null;
  /** The App's installation on this organisation's GitHub account (none or one): never another organisation's. */
  installations: { id: number; account: string; repositorySelection: string; suspended: boolean; missing: string[] }[];
  /** Set when GitHub could not be asked for the installations. */
  installationsError: string | null;
}

/** What Settings → GitHub shows: credentials in use (never their values), the connection, this organisation's installation. */
export async function githubSettingsView(db: Db, orgId: string, orgSlug: string): Promise<GithubSettingsView> {
  const creds = githubCredentials(getEnv());
  const conn = await findConnection(db, orgId);
  const view: GithubSettingsView = {
    mode: creds.mode,
    baseUrl: creds.baseUrl,
    appId: creds.mode === "app" ? creds.appId : null,
    webhooks: creds.mode !== "none" && creds.webhookSecret !== null,
    connection: conn
      ? {
          kind: conn.kind,
          baseUrl: conn.baseUrl,
          installationId: conn.installationId,
          accountLogin: conn.accountLogin,
          connectedAt: conn.updatedAt.toISOString(),
          permissions: conn.kind === "app" ? checkPermissions(conn.permissions) : [],
        }
      : null,
    installations: [],
    installationsError: null,
  };
  if (creds.mode === "app" && !conn) {
    try {
      const mine = await findOrgInstallation({ baseUrl: creds.baseUrl, appId: creds.appId, privateKey: creds.privateKey, requestTimeoutMs: 10_000 }, orgSlug);
      view.installations = mine
        ? [
            {
              id: mine.id,
              account: mine.account,
              repositorySelection: mine.repositorySelection,
              suspended: mine.suspended,
              missing: checkPermissions(mine.permissions).filter((p) => !p.ok).map((p) => `${p.permission}:${p.needed}`),
            },
          ]
        : [];
    } catch (err) {
      view.installationsError = `GitHub could not be asked for the App's installation on ${orgSlug}: ${err instanceof Error ? err.message : String(err)}. Check GITHUB_API_URL, GITHUB_APP_ID and the private key.`;
    }
  }
  return view;
}
