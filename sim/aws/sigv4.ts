import { createHash, createHmac, timingSafeEqual } from "node:crypto";

// AWS Signature Version 4, verified the way AWS does (reference cloud-trust.md §2.9): the
// canonical request is rebuilt from the headers the client says it signed, never from a
// hard-coded list; the region is the one in the credential scope (IAM is global and SDKs
// sign for us-east-1, but the check does not assume it); the service must be `iam`.

export interface SignedRequest {
  method: string;
  /** Path and query as received, e.g. `/` or `/?a=b`. */
  url: string;
  /** node's `req.rawHeaders`: name, value, name, value… */
  rawHeaders: string[];
  body: Buffer;
}

export type SigV4Result =
  | { ok: true; accessKeyId: string }
  | { ok: false; status: number; code: "MissingAuthenticationToken" | "IncompleteSignature" | "InvalidClientTokenId" | "SignatureDoesNotMatch"; message: string };

/** Requests signed more than this far from the server's clock are refused, as AWS refuses them. */
const MAX_SKEW_MS = 15 * 60 * 1000;

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(query: string): string {
  if (query === "") return "";
  const pairs = query.split("&").map((p) => {
    const i = p.indexOf("=");
    const k = decodeURIComponent((i < 0 ? p : p.slice(0, i)).replace(/\+/g, " "));
    const v = i < 0 ? "" : decodeURIComponent(p.slice(i + 1).replace(/\+/g, " "));
    return [rfc3986(k), rfc3986(v)] as const;
  });
  pairs.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

function headerMap(raw: string[]): Map<string, string> {
  const out = new Map<string, string[]>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    out.set(name, [...(out.get(name) ?? []), (raw[i + 1] as string).trim().replace(/\s+/g, " ")]);
  }
  return new Map([...out].map(([k, v]) => [k, v.join(",")]));
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

export function verifySigV4(req: SignedRequest, secretOf: (accessKeyId: string) => string | undefined, now: Date): SigV4Result {
  const headers = headerMap(req.rawHeaders);
  const authorization = headers.get("authorization");
  if (authorization === undefined) return { ok: false, status: 403, code: "MissingAuthenticationToken", message: "Request is missing Authentication Token" };
  const m = AUTH.exec(authorization);
  if (m === null) return { ok: false, status: 403, code: "IncompleteSignature", message: `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${authorization.split(" ")[0]}` };
  const [, accessKeyId, day, region, service, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string, string];
  const secret = secretOf(accessKeyId);
  if (secret === undefined) return { ok: false, status: 403, code: "InvalidClientTokenId", message: "The security token included in the request is invalid." };
  const amzDate = headers.get("x-amz-date");
  const mismatch = (why: string) => ({ ok: false as const, status: 403, code: "SignatureDoesNotMatch" as const, message: why });
  if (amzDate === undefined || !/^\d{8}T\d{6}Z$/.test(amzDate)) return mismatch("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (amzDate.slice(0, 8) !== day) return mismatch(`Credential should be scoped to a valid date: ${amzDate.slice(0, 8)}, not ${day}.`);
  if (service !== "iam") return mismatch(`Credential should be scoped to correct service: 'iam'.`);
  const signedAt = Date.parse(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  if (Math.abs(now.getTime() - signedAt) > MAX_SKEW_MS) return mismatch(`Signature expired: ${amzDate} is now earlier or later than the allowed 15 minutes around ${now.toISOString()}.`);
  const names = signedHeaders.split(";");
  if (!names.includes("host") || [...headers.keys()].some((h) => h.startsWith("x-amz-") && h !== "x-amz-security-token" && !names.includes(h))) {
    return mismatch("'Host' and every 'X-Amz-*' header must be signed.");
  }
  const bodyHash = sha256(req.body);
  const declared = headers.get("x-amz-content-sha256");
  if (declared !== undefined && declared !== "UNSIGNED-PAYLOAD" && declared !== bodyHash) return mismatch("The provided 'x-amz-content-sha256' header does not match what was computed.");
  const q = req.url.indexOf("?");
  const canonical = [
    req.method,
    q < 0 ? req.url : req.url.slice(0, q),
    canonicalQuery(q < 0 ? "" : req.url.slice(q + 1)),
    names.map((n) => `${n}:${headers.get(n) ?? ""}\n`).join(""),
    signedHeaders,
    declared ?? bodyHash,
  ].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256(canonical)}`;
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), "aws4_request");
  const expected = createHmac("sha256", key).update(stringToSign).digest();
  const given = Buffer.from(signature, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return mismatch("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
  }
  return { ok: true, accessKeyId };
}
