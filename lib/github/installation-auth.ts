import "server-only";
import { RequestError } from "octokit";
import { createJwtSigner, type JwtSigner } from "./app-jwt";
import { GithubAuthError, revokedMessage } from "./errors";

// Octokit auth strategy for a GitHub App installation.
// Invariants: the installation token lives only in this closure (never logged, never returned by
// `octokit.auth()`); it is minted just in time, shared by concurrent requests (one mint in
// flight), replaced a minute before it expires, and re-minted once when GitHub answers 401
// (expired early, or revoked). A second 401 with a fresh token, or a mint refused with 403/404,
// means the installation is gone or suspended: GithubAuthError("revoked"), never a retry loop.

export interface InstallationAuthOptions {
  appId: number | string;
  privateKey: string;
  installationId: number;
  /** Org login or installation label, for the error message only. */
  account: string;
  now?: () => number;
}

interface Token {
  value: string;
  expiresAt: number;
}

type RequestLike = ((route: string | Record<string, unknown>, params?: Record<string, unknown>) => Promise<unknown>) & {
  endpoint: { merge: (route: unknown, params?: unknown) => Record<string, unknown> & { url: string; headers: Record<string, string> } };
};

const REFRESH_MARGIN_MS = 60_000;

function isAppPath(url: string): boolean {
  const path = new URL(url, "http://github.invalid").pathname.replace(/^\/api\/v3(?=\/)/, "");
  return path === "/app" || path.startsWith("/app/");
}

function isRateLimit(error: RequestError): boolean {
  const headers = error.response?.headers ?? {};
  return headers["retry-after"] !== undefined || headers["x-ratelimit-remaining"] === "0";
}

function is401(error: unknown): boolean {
  return error instanceof RequestError && error.status === 401;
}

class TokenHolder {
  private token: Token | null = null;
  private minting: Promise<Token> | null = null;

  constructor(
    private readonly options: InstallationAuthOptions,
    private readonly jwt: JwtSigner,
    private readonly now: () => number,
  ) {}

  /** The current token, minting one when there is none or it is about to expire. */
  async current(request: RequestLike): Promise<Token> {
    const token = this.token;
    if (token && token.expiresAt - REFRESH_MARGIN_MS > this.now()) return token;
    this.minting ??= this.mint(request).finally(() => (this.minting = null));
    return this.minting;
  }

  /** Forgets `token` unless a newer one already replaced it. */
  invalidate(token: Token): void {
    if (this.token === token) this.token = null;
  }

  private async mint(request: RequestLike): Promise<Token> {
    try {
      const response = (await request("POST /app/installations/{installation_id}/access_tokens", {
        installation_id: this.options.installationId,
        headers: { authorization: `bearer ${this.jwt()}` },
      })) as { data: { token: string; expires_at: string } };
      this.token = { value: response.data.token, expiresAt: Date.parse(response.data.expires_at) };
      return this.token;
    } catch (error) {
      // A 403 that is a rate limit (retry-after, or no budget left) is not a refusal: rethrown
      // as it is, the throttling and retry plugins around the request wait and try again.
      if (error instanceof RequestError && (error.status === 404 || (error.status === 403 && !isRateLimit(error)))) {
        throw new GithubAuthError("revoked", revokedMessage(this.options.account));
      }
      if (is401(error)) {
        throw new GithubAuthError("bad-credentials", "GitHub rejected the app's JSON web token: check the app id and the private key of the Gatehouse app");
      }
      throw error;
    }
  }
}

/** `authStrategy` for `new Octokit({ authStrategy, auth })`. */
export function createInstallationAuth(options: InstallationAuthOptions) {
  const now = options.now ?? Date.now;
  const jwt = createJwtSigner(options.appId, options.privateKey, now);
  const holder = new TokenHolder(options, jwt, now);

  const auth = async () => ({ type: "installation" as const, installationId: options.installationId });

  const hook = async (request: RequestLike, route: unknown, parameters?: unknown): Promise<unknown> => {
    const endpoint = request.endpoint.merge(route, parameters);
    if (isAppPath(endpoint.url)) {
      endpoint.headers.authorization = `bearer ${jwt()}`;
      return request(endpoint);
    }
    const first = await holder.current(request);
    endpoint.headers.authorization = `token ${first.value}`;
    try {
      return await request(endpoint);
    } catch (error) {
      if (!is401(error)) throw error;
      holder.invalidate(first);
    }
    const fresh = await holder.current(request);
    endpoint.headers.authorization = `token ${fresh.value}`;
    try {
      return await request(endpoint);
    } catch (error) {
      if (is401(error)) throw new GithubAuthError("revoked", revokedMessage(options.account));
      throw error;
    }
  };

  return Object.assign(auth, { hook });
}
