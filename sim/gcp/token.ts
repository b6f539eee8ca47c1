import { createPublicKey, randomBytes, verify } from "node:crypto";
import type { CloudReply, CloudRequest } from "../cloud/server";
import { json } from "../cloud/server";
import type { GcpSimClient } from "./model";

// Google's OAuth 2.0 token endpoint for service accounts (RFC 7523 JWT-bearer grant, as
// google-auth-library's JWT client sends it): the assertion is an RS256 JWT signed with the
// key file's private key, iss = client_email, aud = the token endpoint, scope, iat/exp.

export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

export interface GcpAccessToken {
  clientEmail: string;
  access: "read" | "write";
  expiresAt: number;
}

function grantError(status: number, error: string, description: string): CloudReply {
  return json(status, { error, error_description: description });
}

function decodePart(part: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function handleToken(req: CloudRequest, clients: readonly GcpSimClient[], tokens: Map<string, GcpAccessToken>, ownUrl: string, ttlMs: number): CloudReply {
  if (req.method !== "POST") return json(405, { error: "invalid_request", error_description: "The token endpoint takes POST." });
  const form = new URLSearchParams(req.raw);
  if (form.get("grant_type") !== JWT_BEARER) return grantError(400, "unsupported_grant_type", `Invalid grant_type: ${form.get("grant_type") ?? ""}`);
  const assertion = form.get("assertion") ?? "";
  const [h, p, s] = assertion.split(".");
  const header = decodePart(h ?? "");
  const claims = decodePart(p ?? "");
  if (header === null || claims === null || s === undefined) return grantError(400, "invalid_grant", "Invalid JWT: malformed assertion.");
  const keys = clients.filter((c) => c.clientEmail === claims.iss);
  if (keys.length === 0) return grantError(400, "invalid_grant", "Invalid grant: account not found");
  if (header.alg !== "RS256") return grantError(400, "invalid_grant", "Invalid JWT: algorithm must be RS256.");
  // An account may have several keys; the one that verifies the signature decides.
  const client = keys.find((c) => verify("RSA-SHA256", Buffer.from(`${h}.${p}`), createPublicKey(c.publicKeyPem), Buffer.from(s, "base64url")));
  if (client === undefined) return grantError(400, "invalid_grant", "Invalid JWT Signature.");
  // Google accepts its own endpoint, and the key file's token_uri, as the audience.
  if (claims.aud !== GOOGLE_TOKEN_URL && claims.aud !== `${ownUrl}/token`) return grantError(400, "invalid_grant", "Invalid JWT: Failed audience check.");
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== "number" || typeof claims.iat !== "number" || claims.exp < now || claims.exp - claims.iat > 3600) {
    return grantError(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
  }
  const scopes = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
  if (!scopes.includes("https://www.googleapis.com/auth/cloud-platform")) return grantError(400, "invalid_scope", "The cloud-platform scope is required by the IAM API.");
  const token = `ya29.sim-${randomBytes(18).toString("base64url")}`;
  tokens.set(token, { clientEmail: client.clientEmail, access: client.access, expiresAt: Date.now() + ttlMs });
  return json(200, { access_token: token, expires_in: Math.floor(ttlMs / 1000), token_type: "Bearer" });
}
