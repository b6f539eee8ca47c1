import type { Severity } from "../analysis/types";
import type { Decision } from "./decision";

// Trust configurations as read from provider exports, and the JSON contract of
// `gatehouse trust --format json` (schemaVersion 1; renaming a field is a version bump).

export const TRUST_SCHEMA_VERSION = 1;

export type Provider = "aws" | "gcp" | "azure" | "vault";

export interface AwsCondition {
  /** As written, e.g. `ForAnyValue:StringLike`, `StringEqualsIfExists`. */
  operator: string;
  key: string;
  values: string[];
}

export interface AwsStatement {
  effect: "Allow" | "Deny";
  /** `*`, or the Federated principals (ARNs); null when the statement names no federated principal. */
  principals: "*" | string[] | null;
  notPrincipals: "*" | string[] | null;
  actions: string[] | null;
  notActions: string[] | null;
  conditions: AwsCondition[];
}

export interface AwsTrust {
  provider: "aws";
  id: string;
  name: string;
  statements: AwsStatement[];
}

export interface GcpTrust {
  provider: "gcp";
  id: string;
  name: string;
  disabled: boolean;
  state: string | null;
  issuer: string;
  allowedAudiences: string[];
  attributeMapping: Record<string, string>;
  attributeCondition: string | null;
}

export interface AzureTrust {
  provider: "azure";
  id: string;
  name: string;
  issuer: string;
  subject: string | null;
  audiences: string[];
  /** Flexible federated identity credential expression (`claimsMatchingExpression.value`). */
  expression: string | null;
}

export interface VaultTrust {
  provider: "vault";
  id: string;
  name: string;
  /** The mount's `bound_issuer` when a reader saw it; absent: the role is taken as a GitHub Actions trust. */
  issuer?: string;
  roleType: string;
  boundAudiences: string[];
  boundSubject: string;
  boundClaims: Record<string, string[]>;
  boundClaimsType: "string" | "glob";
  userClaim: string;
  groupsClaim: string;
  tokenBoundCidrs: string[];
}

export type Trust = AwsTrust | GcpTrust | AzureTrust | VaultTrust;

export interface TrustMatch {
  repo: string;
  path: string;
  job: string;
  sub: string;
  decision: "yes" | "possibly";
  /** Does the job name this trust (role ARN or name, provider, Vault role)? `unknown`: by an expression, or an Entra credential (its export has no client id). */
  uses: "yes" | "no" | "unknown";
}

export interface TrustFinding {
  rule: string;
  severity: Severity;
  message: string;
}

export interface TrustEntry {
  id: string;
  provider: Provider;
  name: string;
  matches: TrustMatch[];
  outsideTokens: Decision;
  findings: TrustFinding[];
}

export interface TrustError {
  /** The policy or workflow file. */
  path: string;
  message: string;
}

export interface TrustReport {
  schemaVersion: typeof TRUST_SCHEMA_VERSION;
  trusts: TrustEntry[];
  errors: TrustError[];
}
