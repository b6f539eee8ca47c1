import { IamError } from "./errors";

// What IAM checks of a policy document before storing it, enough for the writes Gatehouse
// makes: JSON, a Statement, an Effect per statement, a Principal only in trust policies,
// the size quotas (a role's trust policy 2048 characters by default, not counting
// whitespace — IAM quota ACLSizePerRole; a policy document at most 131072 characters).

const MAX_DOCUMENT = 131_072;

export function checkPolicy(document: string, kind: "trust" | "permissions", trustQuota: number): void {
  if (document.length === 0 || document.length > MAX_DOCUMENT) throw new IamError(400, "ValidationError", `1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: Member must have length between 1 and ${MAX_DOCUMENT}`);
  let value: unknown;
  try {
    value = JSON.parse(document);
  } catch {
    throw new IamError(400, "MalformedPolicyDocument", "This policy contains invalid Json");
  }
  const statements = typeof value === "object" && value !== null && "Statement" in value ? (value as { Statement: unknown }).Statement : undefined;
  if (statements === undefined) throw new IamError(400, "MalformedPolicyDocument", "Syntax errors in policy.");
  const list = Array.isArray(statements) ? statements : [statements];
  if (list.length === 0) throw new IamError(400, "MalformedPolicyDocument", "Syntax errors in policy.");
  for (const s of list) {
    if (typeof s !== "object" || s === null) throw new IamError(400, "MalformedPolicyDocument", "Syntax errors in policy.");
    const st = s as Record<string, unknown>;
    if (st.Effect !== "Allow" && st.Effect !== "Deny") throw new IamError(400, "MalformedPolicyDocument", "Syntax errors in policy.");
    if (kind === "permissions" && ("Principal" in st || "NotPrincipal" in st)) throw new IamError(400, "MalformedPolicyDocument", "Policy document should not specify a principal.");
    if (kind === "trust" && !("Principal" in st) && !("NotPrincipal" in st)) throw new IamError(400, "MalformedPolicyDocument", "Missing required field Principal");
  }
  if (kind === "trust" && document.replace(/\s/g, "").length > trustQuota) throw new IamError(409, "LimitExceeded", `Cannot exceed quota for ACLSizePerRole: ${trustQuota}`);
}
