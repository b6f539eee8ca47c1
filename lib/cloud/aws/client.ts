import "server-only";
import { IAMClient } from "@aws-sdk/client-iam";
import { CloudReadError } from "../types";

// One IAM client per connection, and the one place AWS errors become sentences that say what
// to do. The SDK retries throttling, 5xx and network errors (bounded: MAX_ATTEMPTS, with its
// own backoff); what is left after that is reported, never retried here.

export interface AwsConnection {
  /** IAM is global; the region only scopes the signature (`us-east-1` for the commercial partition). */
  region: string;
  /** The IAM endpoint, e.g. the simulator's URL; absent: AWS's own (or AWS_ENDPOINT_URL_IAM via the SDK). */
  endpoint?: string;
  /** null: the SDK's default provider chain (environment, shared files, SSO, container/instance roles). */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | null;
  /** A role to assume first (STS AssumeRole) — not supported yet: refused with a sentence. */
  roleArn?: string;
}

const MAX_ATTEMPTS = 4;

export function iamClient(conn: AwsConnection): IAMClient {
  if (conn.roleArn !== undefined) {
    throw new CloudReadError(`assuming ${conn.roleArn} first is not supported yet: give the connection the read-only keys themselves (or run Gatehouse with credentials from the default provider chain)`, "credentials");
  }
  return new IAMClient({
    region: conn.region,
    ...(conn.endpoint !== undefined ? { endpoint: conn.endpoint } : {}),
    ...(conn.credentials !== null ? { credentials: conn.credentials } : {}),
    maxAttempts: MAX_ATTEMPTS,
  });
}

const CREDENTIAL_CODES = new Set(["InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException", "ExpiredToken", "ExpiredTokenException", "IncompleteSignature", "MissingAuthenticationToken", "CredentialsProviderError"]);
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "TimeoutError", "RequestTimeout"]);

function codeOf(err: unknown): string {
  if (typeof err !== "object" || err === null) return "";
  const e = err as { name?: unknown; code?: unknown; Code?: unknown };
  for (const v of [e.code, e.Code, e.name]) if (typeof v === "string" && v !== "Error") return v;
  return "";
}

/** The IAM action named in `iam:X` form for messages. */
export function toCloudError(err: unknown, action: string, endpoint: string | undefined): CloudReadError {
  if (err instanceof CloudReadError) return err;
  const code = codeOf(err);
  const cause = err instanceof Error ? err.message : String(err);
  const where = endpoint ?? "the IAM endpoint";
  if (CREDENTIAL_CODES.has(code)) {
    return new CloudReadError(`the keys were refused (${code}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys) of this connection — IAM said: ${cause}`, "credentials");
  }
  if (code === "AccessDenied" || code === "AccessDeniedException" || code === "UnauthorizedOperation") {
    return new CloudReadError(`iam:${action} was denied: grant the connection's principal Gatehouse's read-only policy (iam:ListRoles, iam:GetRole, iam:ListRolePolicies, iam:GetRolePolicy, iam:ListAttachedRolePolicies, iam:GetPolicy, iam:GetPolicyVersion, iam:ListOpenIDConnectProviders, iam:GetOpenIDConnectProvider)${/Put|Delete|Update/.test(action) ? `, and iam:${action} for incident writes` : ""} — IAM said: ${cause}`, "denied");
  }
  if (NETWORK_CODES.has(code) || code === "Throttling" || code === "ServiceFailure" || code === "ServiceUnavailable") {
    const why = code === "Throttling" ? "kept throttling" : code === "ServiceFailure" || code === "ServiceUnavailable" ? "kept failing" : "could not be reached";
    return new CloudReadError(`IAM at ${where} ${why} (${code}) after ${MAX_ATTEMPTS} attempts on iam:${action}: check the endpoint (AWS_ENDPOINT_URL_IAM) and the network, then read again`, "network");
  }
  if (code === "" && /fetch failed|socket hang up|connect/i.test(cause)) {
    return new CloudReadError(`IAM at ${where} could not be reached on iam:${action} (${cause}): check the endpoint (AWS_ENDPOINT_URL_IAM) and the network, then read again`, "network");
  }
  return new CloudReadError(`iam:${action} answered something Gatehouse cannot read (${code || "no code"}: ${cause})`, "shape");
}

/** Runs one IAM call and turns its failure into a CloudReadError naming the action. */
export async function call<T>(conn: AwsConnection, action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw toCloudError(err, action, conn.endpoint);
  }
}
