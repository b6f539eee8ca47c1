import type { Provider, Trust } from "../trust/types";

// The seam between a cloud's API (lib/cloud/<provider>/) and the trust domain
// (lib/trust-sources): a reader turns what one connection can see into the evaluator's
// Trust shapes plus what the evaluator does not need but people do (where the trust lives,
// what it can do). A revoker plans, applies, verifies and undoes one trust's revocation.
// Nothing here touches the database; credentials are handed in, never read here.

/** What a trust reaches besides the token match: shown on identity pages and in blast radii. */
export interface TrustDetails {
  /** AWS account id, Google Cloud project (number or id), Azure tenant/subscription, Vault address. */
  account: string | null;
  /** The ARN / full resource name / credential id / role path people recognise. */
  resource: string;
  /** One line per permission source, e.g. `AdministratorAccess (managed)`, `s3:PutObject on arn:aws:s3:::site/*`, `roles/storage.admin on sa-deploy@…`. Empty when unreadable (then `permissionsNote` says why). */
  permissions: string[];
  permissionsNote: string | null;
  /** Azure: the client id of the app registration or managed identity the credential signs in as (what `azure/login` names). */
  clientId?: string;
}

export interface TrustSourceRead {
  trusts: Trust[];
  /** Keyed by Trust.id. */
  details: Record<string, TrustDetails>;
  /** Something the connection could not read but that does not make the read fail (`ListAttachedRolePolicies on deploy: AccessDenied`). */
  warnings: string[];
}

/** One call a revocation makes, shown in a dry run and kept as evidence. */
export interface CloudCall {
  /** `iam:PutRolePolicy`, `PATCH projects/…/providers/…`, `DELETE /v1/auth/jwt/role/deploy`. */
  action: string;
  target: string;
  /** The exact change, JSON-safe (a policy document, a patch body). */
  body: unknown;
}

export interface RevocationPlan {
  provider: Provider;
  trustId: string;
  /** A sentence for the responder: what this does and what it does not (issued tokens stay valid…). */
  summary: string;
  calls: CloudCall[];
  /** What to keep to undo it (the previous trust policy, the provider as it was, the deleted credential). */
  previous: unknown;
  /** The exact CLI command(s) with the resolved identifiers, for a responder without write access. */
  commands: string[];
}

export interface RevocationResult {
  plan: RevocationPlan;
  /** Re-read after the writes: true when the cloud now shows the revocation. */
  verified: boolean;
  evidence: string[];
}

export class CloudReadError extends Error {
  constructor(
    message: string,
    /** `credentials` (missing or refused), `network`, `denied`, `shape` (an answer we cannot read). */
    readonly kind: "credentials" | "network" | "denied" | "shape",
  ) {
    super(message);
  }
}
