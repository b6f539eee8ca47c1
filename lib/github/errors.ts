import "server-only";
import { RequestError } from "octokit";
import { isRequestTimeout } from "./instrumented-fetch";

// Error kinds of the fetch layer, in words an admin can act on. `GithubAuthError` aborts a whole
// sync (every later request would fail the same way); everything else is per repository.

export type FetchErrorKind =
  | "revoked"
  | "bad-credentials"
  | "missing-permission"
  | "not-found"
  | "rate-limited"
  | "server-error"
  | "timeout"
  | "error";

/** The credentials stopped working: the sync must stop, not retry. */
export class GithubAuthError extends Error {
  override readonly name = "GithubAuthError";
  constructor(
    readonly kind: "revoked" | "bad-credentials",
    message: string,
  ) {
    super(message);
  }
}

export function revokedMessage(org: string): string {
  return `The installation token was revoked or the app was uninstalled: reinstall the Gatehouse app on ${org} or check its suspension`;
}

export interface ClassifiedError {
  kind: FetchErrorKind;
  message: string;
}

/** Names the permission GitHub says it accepts, e.g. "secrets=read" → "`secrets` (read)". */
function describeAccepted(header: string): string {
  return header
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const [name, level] = part.split("=");
      return `\`${name ?? part}\` (${level ?? "read"})`;
    })
    .join(" or ");
}

function headerOf(error: RequestError, name: string): string | undefined {
  const value = error.response?.headers[name];
  return typeof value === "string" ? value : undefined;
}

/** Maps any error thrown by a GitHub request to a kind and an actionable message. */
export function classifyError(error: unknown, what: string): ClassifiedError {
  if (error instanceof GithubAuthError) return { kind: error.kind, message: error.message };
  if (isRequestTimeout(error)) return { kind: "timeout", message: `${what}: ${error.message}` };
  if (error instanceof RequestError) {
    const status = error.status;
    const accepted = headerOf(error, "x-accepted-github-permissions");
    if (status === 403 && accepted) {
      return {
        kind: "missing-permission",
        message: `${what}: the GitHub App lacks the permission ${describeAccepted(accepted)}; grant it in the app settings and accept the new permissions on the installation`,
      };
    }
    if ((status === 403 || status === 429) && (headerOf(error, "x-ratelimit-remaining") === "0" || /rate limit/i.test(error.message))) {
      return { kind: "rate-limited", message: `${what}: GitHub's rate limit was still exhausted after waiting` };
    }
    if (status === 404) return { kind: "not-found", message: `${what}: not found (deleted, renamed, or not visible to this installation)` };
    if (status >= 500) return { kind: "server-error", message: `${what}: GitHub answered ${status} after retries` };
    return { kind: "error", message: `${what}: GitHub answered ${status}: ${error.message}` };
  }
  return { kind: "error", message: `${what}: ${error instanceof Error ? error.message : String(error)}` };
}
