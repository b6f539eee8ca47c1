import "server-only";
import { RequestError } from "octokit";
import type { FetchStats } from "../facts";
import { appOctokit } from "../installations";
import { ResponderError, appLacksMessage, githubMessageOf, toResponderError } from "./errors";
import { missingPermissions, type PermissionLevel, type ResponderStep } from "./steps";

// Minting the one installation token of a responder session (POST /app/installations/{id}/access_tokens
// with the App's JWT), scoped by `repository_ids` and narrowed by `permissions`. Unlike the reader's
// tokens (installation-auth.ts: lazy, re-minted, narrowed to what the installation grants), a
// responder token is minted once, up front, and a missing permission is an error naming it: acting
// with less than the step needs would half-do an incident action.

export interface MintRequest {
  baseUrl: string;
  appId: number | string;
  privateKey: string;
  installationId: number;
  orgLogin: string;
  step: ResponderStep;
  repositoryIds: readonly number[];
  permissions: Readonly<Record<string, PermissionLevel>>;
  requestTimeoutMs?: number;
  retryBaseMs?: number;
  stats: FetchStats;
}

export interface MintedToken {
  /** Handed to the session's client and kept nowhere else. */
  token: string;
  /** What GitHub says the token may do. */
  permissions: Record<string, string>;
}

export async function mintInstallationToken(req: MintRequest): Promise<MintedToken> {
  let app: ReturnType<typeof appOctokit>;
  try {
    app = appOctokit({ baseUrl: req.baseUrl, appId: req.appId, privateKey: req.privateKey, requestTimeoutMs: req.requestTimeoutMs, retryBaseMs: req.retryBaseMs, stats: req.stats });
  } catch {
    throw new ResponderError("refused", "The responder App's private key is not a valid PEM RSA key: check GITHUB_RESPONDER_APP_PRIVATE_KEY (or the file GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE names).");
  }
  try {
    const { data } = await app.request("POST /app/installations/{installation_id}/access_tokens", {
      installation_id: req.installationId,
      repository_ids: [...req.repositoryIds],
      permissions: { ...req.permissions },
    });
    return { token: data.token, permissions: { ...(data.permissions as Record<string, string> | undefined) } };
  } catch (error) {
    throw await mintError(error, app, req);
  }
}

async function mintError(error: unknown, app: ReturnType<typeof appOctokit>, req: MintRequest): Promise<ResponderError> {
  const what = `Minting the responder token for ${req.step} on ${req.orgLogin}`;
  if (!(error instanceof RequestError)) return toResponderError(error, { what, step: req.step, tokenPermissions: req.permissions, orgLogin: req.orgLogin });
  const status = error.status;
  const githubMessage = githubMessageOf(error);
  const details = { status, ...(githubMessage !== undefined ? { githubMessage } : {}) };
  if (status === 401) {
    return new ResponderError("refused", "GitHub rejected the responder App's JSON web token: check GITHUB_RESPONDER_APP_ID and the responder App's private key.", details);
  }
  if (status === 404) {
    return new ResponderError(
      "not-installed",
      `The responder App has no installation ${req.installationId} any more: it was uninstalled from ${req.orgLogin}. An owner of ${req.orgLogin} installs it again, then the action can be retried.`,
      details,
    );
  }
  if (status === 403 && !/rate limit/i.test(githubMessage ?? "")) {
    return new ResponderError("not-installed", `The responder App's installation on ${req.orgLogin} is suspended: an owner of ${req.orgLogin} unsuspends it in the organisation's GitHub Apps settings.`, details);
  }
  if (status === 422) {
    // GitHub does not say which part it refused: the installation's grants tell.
    let granted: Record<string, unknown> | null = null;
    try {
      const { data } = await app.request("GET /app/installations/{installation_id}", { installation_id: req.installationId });
      granted = (data.permissions ?? {}) as Record<string, unknown>;
    } catch {
      granted = null;
    }
    const missing = granted ? missingPermissions(req.permissions, granted) : [];
    if (missing.length > 0) return new ResponderError("missing-permission", appLacksMessage(missing, req.orgLogin), { ...details, missing });
    if (granted) {
      return new ResponderError(
        "not-installed",
        `The responder App's installation on ${req.orgLogin} does not reach every repository of this action (ids ${req.repositoryIds.join(", ")}): an owner of ${req.orgLogin} adds them to the installation's repository access.`,
        details,
      );
    }
  }
  return toResponderError(error, { what, step: req.step, tokenPermissions: req.permissions, orgLogin: req.orgLogin });
}
