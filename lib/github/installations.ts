import "server-only";
import { Octokit, RequestError } from "octokit";
import { createJwtSigner } from "./app-jwt";
import { instrumentedFetch } from "./instrumented-fetch";
import type { FetchStats } from "./facts";
import { emptyStats } from "./stats";

// The App's installations (Settings → GitHub, connecting). Authenticated with an App JWT (no
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
  /** Unit of the retry backoff of 5xx answers ((n+1)² × base); tests shrink it. Default 1000 ms. */
  retryBaseMs?: number;
  /** Counters this Octokit's requests are added to. */
  stats?: FetchStats;
}

const SILENT_LOG = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** An Octokit signed with the App's JWT (App endpoints only: installations, token mints). */
export function appOctokit(options: ListInstallationsOptions): Octokit {
  const jwt = createJwtSigner(options.appId, options.privateKey);
  const octokit = new Octokit({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    log: SILENT_LOG,
    request: { fetch: instrumentedFetch(options.stats ?? emptyStats(), options.requestTimeoutMs ?? 30_000) },
    retry: { retryAfterBaseValue: options.retryBaseMs ?? 1000 },
    throttle: { enabled: false },
  });
  octokit.hook.before("request", (request) => {
    request.headers.authorization = `bearer ${jwt()}`;
  });
  return octokit;
}

/** The fields read from GitHub's installation object (the list and the one-org answers share them). */
interface InstallationRow {
  id: number;
  account: unknown;
  permissions?: Record<string, unknown>;
  repository_selection?: string;
  suspended_at?: string | null;
}

function toInfo(row: InstallationRow): InstallationInfo {
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
}

/** Every installation of the App, on every account: for the connect use-case's own check only. */
export async function listInstallations(options: ListInstallationsOptions): Promise<InstallationInfo[]> {
  const rows = await appOctokit(options).paginate("GET /app/installations", { per_page: 100 });
  return rows.map(toInfo);
}

/**
 * The App's installation on one GitHub organisation, or null when it is not installed there.
 * Asks GitHub for that one account (`GET /orgs/{org}/installation`), so what the caller sees
 * can never include another organisation's installation.
 */
export async function findOrgInstallation(options: ListInstallationsOptions, org: string): Promise<InstallationInfo | null> {
  try {
    const { data } = await appOctokit(options).request("GET /orgs/{org}/installation", { org });
    const info = toInfo(data);
    // GitHub matches the login case-insensitively; anything else is not this organisation's.
    return info.account.toLowerCase() === org.toLowerCase() ? info : null;
  } catch (err) {
    if (err instanceof RequestError && err.status === 404) return null;
    throw err;
  }
}
