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
// A token is minted with `permissions` and nothing more (GitHub narrows it to them), whatever
// else the installation was granted: a leaked sync token cannot write. When the installation
// lacks one of them (GitHub answers 422), the token asks for those it has, learnt once from
// the installation itself; the calls needing the others then fail as `missing-permission`.

export interface InstallationAuthOptions {
  appId: number | string;
  privateKey: string;
  installationId: number;
  /** Org login or installation label, for the error message only. */
  account: string;
  /** The permissions a token is minted with (permission → level); nothing else is requested. */
  permissions: Readonly<Record<string, TokenPermissionLevel>>;
  now?: () => number;
}

export type TokenPermissionLevel = "read" | "write";

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

const LEVEL_RANK: Record<string, number> = { read: 1, write: 2, admin: 3 };

/** The requested permissions the installation grants at that level or higher. */
export function grantedSubset(
  requested: Readonly<Record<string, TokenPermissionLevel>>,
  granted: Readonly<Record<string, unknown>>,
): Record<string, TokenPermissionLevel> {
  const out: Record<string, TokenPermissionLevel> = {};
  for (const [name, level] of Object.entries(requested)) {
    const have = granted[name];
    if (typeof have === "string" && (LEVEL_RANK[have] ?? 0) >= LEVEL_RANK[level]!) out[name] = level;
  }
  return out;
}

class TokenHolder {
  private token: Token | null = null;
  private minting: Promise<Token> | null = null;
  /** What tokens are minted with: the requested permissions, narrowed once if the installation lacks some. */
  private permissions: Readonly<Record<string, TokenPermissionLevel>>;

  constructor(
    private readonly options: InstallationAuthOptions,
    private readonly jwt: JwtSigner,
    private readonly now: () => number,
  ) {
    this.permissions = options.permissions;
  }

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
      let response: { data: { token: string; expires_at: string } };
      try {
        response = await this.requestToken(request);
      } catch (error) {
        if (!(error instanceof RequestError && error.status === 422)) throw error;
        // The installation does not grant all of them: ask for those it does, and no more.
        const installation = (await request("GET /app/installations/{installation_id}", {
          installation_id: this.options.installationId,
          headers: { authorization: `bearer ${this.jwt()}` },
        })) as { data: { permissions?: Record<string, unknown> } };
        const subset = grantedSubset(this.options.permissions, installation.data.permissions ?? {});
        // An empty request would be no narrowing at all (GitHub then grants everything the installation has).
        if (Object.keys(subset).length === 0) {
          throw new GithubAuthError(
            "revoked",
            `The Gatehouse app's installation on ${this.options.account} grants none of the permissions it asks for (${Object.keys(this.options.permissions).join(", ")}): an owner of ${this.options.account} accepts them in the installation's settings`,
          );
        }
        this.permissions = subset;
        response = await this.requestToken(request);
      }
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

  private async requestToken(request: RequestLike) {
    return (await request("POST /app/installations/{installation_id}/access_tokens", {
      installation_id: this.options.installationId,
      permissions: { ...this.permissions },
      headers: { authorization: `bearer ${this.jwt()}` },
    })) as { data: { token: string; expires_at: string } };
  }
}

/** `authStrategy` for `new Octokit({ authStrategy, auth })`. */
export function createInstallationAuth(options: InstallationAuthOptions) {
  // An empty `permissions` body is no narrowing at all: GitHub would grant everything the installation has.
  if (Object.keys(options.permissions).length === 0) throw new Error("an installation token must be minted with at least one permission");
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
