import "server-only";
import { Octokit } from "octokit";
import { createJwtSigner } from "./app-jwt";
import { instrumentedFetch } from "./instrumented-fetch";
import { emptyStats } from "./stats";

// The App's installations, for Settings → GitHub. Authenticated with an App JWT (no
// installation token is minted); the private key stays in the signer's closure.

export interface InstallationInfo {
  id: number;
  /** Org (or user) login the app is installed on. */
  account: string;
  accountType: string;
  /** Permission name → level granted to the installation. */
  permissions: Record<string, string>;
  repositorySelection: "all" | "selected";
  suspended: boolean;
}

export interface ListInstallationsOptions {
  baseUrl: string;
  appId: number | string;
  privateKey: string;
  requestTimeoutMs?: number;
}

const SILENT_LOG = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export async function listInstallations(options: ListInstallationsOptions): Promise<InstallationInfo[]> {
  const jwt = createJwtSigner(options.appId, options.privateKey);
  const octokit = new Octokit({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    log: SILENT_LOG,
    request: { fetch: instrumentedFetch(emptyStats(), options.requestTimeoutMs ?? 30_000) },
    throttle: { enabled: false },
  });
  octokit.hook.before("request", (request) => {
    request.headers.authorization = `bearer ${jwt()}`;
  });
  const rows = await octokit.paginate("GET /app/installations", { per_page: 100 });
  return rows.map((row) => {
    const account = (row.account ?? {}) as { login?: string; slug?: string; type?: string };
    const permissions: Record<string, string> = {};
    for (const [name, level] of Object.entries(row.permissions ?? {})) if (typeof level === "string") permissions[name] = level;
    return {
      id: row.id,
      account: account.login ?? account.slug ?? "",
      accountType: account.type ?? "Organization",
      permissions,
      repositorySelection: row.repository_selection === "selected" ? "selected" : "all",
      suspended: row.suspended_at != null,
    };
  });
}
