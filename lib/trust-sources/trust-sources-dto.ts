import type { TrustFinding } from "@/lib/trust/types";
import type { TrustDetails } from "@/lib/cloud/types";
import type { TrustConnectionSettings, TrustDecision, TrustProvider, TrustSourceStatus } from "@/lib/db/schema/trust";

// What the trust pages and the API answer: JSON-safe, never a credential (only whether the
// source has stored ones, or takes them from the environment).

export interface TrustSourceDto {
  id: string;
  name: string;
  provider: TrustProvider;
  kind: "upload" | "api";
  settings: TrustConnectionSettings;
  credentialsFrom: "stored" | "environment" | "none";
  /** Write access for incident revocation: where the responder credentials come from (never them). */
  responderCredentialsFrom: "stored" | "environment" | "none";
  fileName: string | null;
  status: TrustSourceStatus;
  statusMessage: string | null;
  warnings: string[];
  lastReadAt: string | null;
  lastGoodReadAt: string | null;
  trusts: number;
  createdBy: string;
  createdAt: string;
  /** api: whether this server has the provider's reader installed (else reads are skipped). */
  readerInstalled: boolean;
}

export interface TrustSummaryDto {
  id: string;
  provider: TrustProvider;
  name: string;
  externalId: string;
  account: string | null;
  sourceName: string;
  findings: TrustFinding[];
  /** Matching jobs that name this trust / that do not (over-broad) / that name it through an expression. */
  uses: number;
  couldUse: number;
  unknownUse: number;
  outsideTokens: TrustDecision | null;
  evaluatedAt: string | null;
}

export interface TrustMatchDto {
  jobId: string | null;
  workflowId: string | null;
  repo: string;
  workflowPath: string;
  jobKey: string;
  sub: string;
  decision: "yes" | "possibly";
  uses: boolean | null;
}

/** One line of the trust document people can read: `sub StringLike repo:acme/*`. */
export interface TrustConditionDto {
  label: string;
  value: string;
}

export interface TrustDetailDto extends TrustSummaryDto {
  details: TrustDetails | null;
  conditions: TrustConditionDto[];
  readAt: string;
  source: { id: string; name: string; kind: "upload" | "api"; status: TrustSourceStatus };
  findingFixes: Record<string, { title: string; fix: string }>;
  matches: TrustMatchDto[];
}

/** Identity (kind + identifier as the inventory stores it) → the trusts it names. */
export type IdentityTrustLinksDto = Record<string, { id: string; name: string; provider: TrustProvider }[]>;
