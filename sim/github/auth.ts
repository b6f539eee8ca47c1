import { createPublicKey, randomBytes, verify, type KeyObject } from "node:crypto";
import { HttpError, badCredentials } from "./http";
import type { Permissions } from "./permissions";

// App JWT verification and installation-token bookkeeping.
// Invariants: a token is valid only while now < expiresAt and it is not revoked; tokens are
// opaque random strings (`ghs_` + 36 chars) so clients cannot derive anything from them.

export interface TokenRecord {
  token: string;
  /** oauth = a user-to-server token from the OAuth web flow (`gho_`), serving /user only */
  kind: "installation" | "pat" | "oauth";
  installationId: number | null;
  /** installation tokens: the App that minted it */
  appId?: number;
  orgLogin: string | null;
  permissions: Permissions;
  /** repository names the token is limited to; null = every repo of the installation */
  repositories: Set<string> | null;
  expiresAt: number | null;
  revoked: boolean;
  /** rate-limit bucket key */
  bucket: string;
  /** oauth tokens: the user signed in and the scopes they granted */
  user?: { login: string; scopes: readonly string[] };
}

function base64urlJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function looksLikeJwt(token: string): boolean {
  return token.split(".").length === 3 && token.startsWith("eyJ");
}

export interface JwtCheck {
  appId: number;
  clientId: string | null;
  publicKey: KeyObject;
  nowMs: number;
}

/** Verifies an App JWT the way GitHub does (RS256, iss = app id or client id, iat/exp windows). */
export function verifyAppJwt(jwt: string, check: JwtCheck): void {
  const [h, p, s] = jwt.split(".");
  if (!h || !p || !s) throw new HttpError(401, "A JSON web token could not be decoded");
  const header = base64urlJson(h);
  const payload = base64urlJson(p);
  if (!header || !payload || header.alg !== "RS256") {
    throw new HttpError(401, "A JSON web token could not be decoded");
  }
  const signatureOk = verify("RSA-SHA256", Buffer.from(`${h}.${p}`), check.publicKey, Buffer.from(s, "base64url"));
  if (!signatureOk) throw new HttpError(401, "A JSON web token could not be decoded");
  const now = Math.floor(check.nowMs / 1000);
  const { iat, exp, iss } = payload;
  if (typeof iat !== "number" || !Number.isInteger(iat) || iat > now + 60) {
    throw new HttpError(401, "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.");
  }
  if (typeof exp !== "number" || exp <= now || exp > now + 600 + 60 || exp - iat > 660) {
    throw new HttpError(
      401,
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
    );
  }
  const issOk = String(iss) === String(check.appId) || (check.clientId !== null && iss === check.clientId);
  if (!issOk) throw new HttpError(401, "'Issuer' claim ('iss') must be an Integer");
}

export function publicKeyFromPem(pem: string): KeyObject {
  return createPublicKey(pem);
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function newTokenString(prefix = "ghs_"): string {
  const bytes = randomBytes(36);
  let out = prefix;
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/** What an installation token was minted with, as GitHub records it (the token string left out). */
export interface InstallationTokenGrant {
  installationId: number;
  appId: number | null;
  permissions: Permissions;
  /** repository names it is limited to (`repositories` / `repository_ids` of the mint); null = the installation's */
  repositories: string[] | null;
  /** revoked (DELETE /installation/token or the control plane); an expired token is not "revoked" */
  revoked: boolean;
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenRecord>();

  add(record: TokenRecord): TokenRecord {
    this.tokens.set(record.token, record);
    return record;
  }

  /** Returns the live record or throws GitHub's 401 `Bad credentials`. */
  resolve(token: string, nowMs: number): TokenRecord {
    const record = this.tokens.get(token);
    if (!record || record.revoked || (record.expiresAt !== null && nowMs >= record.expiresAt)) {
      throw badCredentials();
    }
    return record;
  }

  revoke(token: string): boolean {
    const record = this.tokens.get(token);
    if (!record || record.revoked) return false;
    record.revoked = true;
    return true;
  }

  installationGrants(): InstallationTokenGrant[] {
    return [...this.tokens.values()]
      .filter((r) => r.kind === "installation" && r.installationId !== null)
      .map((r) => ({
        installationId: r.installationId!,
        appId: r.appId ?? null,
        permissions: { ...r.permissions },
        repositories: r.repositories ? [...r.repositories] : null,
        revoked: r.revoked,
      }));
  }

  /** Revokes every installation token (optionally of one installation); returns how many. */
  revokeAll(installationId?: number): number {
    let count = 0;
    for (const record of this.tokens.values()) {
      if (record.kind !== "installation" || record.revoked) continue;
      if (installationId !== undefined && record.installationId !== installationId) continue;
      record.revoked = true;
      count++;
    }
    return count;
  }

  /** Makes every installation token expired as of `nowMs`. */
  expireAll(nowMs: number): number {
    let count = 0;
    for (const record of this.tokens.values()) {
      if (record.kind === "installation" && !record.revoked) {
        record.expiresAt = nowMs - 1;
        count++;
      }
    }
    return count;
  }
}
