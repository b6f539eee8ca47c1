import "server-only";
import { createPrivateKey, createSign, type KeyObject } from "node:crypto";

// RS256 App JWTs (GitHub: iat 60 s in the past for clock drift, exp at most 10 minutes ahead,
// iss = app id). The private key stays inside the returned closure; nothing here logs.

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

export type JwtSigner = () => string;

export function createJwtSigner(appId: number | string, privateKeyPem: string, now: () => number = Date.now): JwtSigner {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw new Error("The GitHub App private key is not a valid PEM RSA key");
  }
  return () => {
    const seconds = Math.floor(now() / 1000);
    const header = base64url(JSON.stringify({ alg: "RS256", typ: "JWT" }));
    const payload = base64url(JSON.stringify({ iat: seconds - 60, exp: seconds + 540, iss: String(appId) }));
    const signature = createSign("RSA-SHA256").update(`${header}.${payload}`).sign(key);
    return `${header}.${payload}.${base64url(signature)}`;
  };
}
