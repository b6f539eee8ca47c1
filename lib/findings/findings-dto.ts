import type { ExceptionScope, TriageState } from "@/lib/db/schema/findings";
import type { FindingState } from "./state";

// What the API and the pages get: plain JSON, dates as ISO strings, no internal columns.

/** What an exception covers, as the API names it. */
export type ExceptionScopeDto = { findingId: string } | { rule: string; repo: string } | { rule: string; secret: string };

export interface ExceptionDto {
  id: string;
  kind: ExceptionScope;
  scope: ExceptionScopeDto;
  /** One line: "rule X in acme/web", "rule X for secret NPM_TOKEN", "this finding (rule X)". */
  label: string;
  reason: string;
  approvedBy: string;
  grantedAt: string;
  expiresAt: string;
  status: "active" | "expired" | "revoked";
  revokedAt: string | null;
  revokedBy: string | null;
}

/** A finding as the API's `F`. */
export interface FindingDto {
  id: string;
  fingerprint: string;
  rule: string;
  severity: string;
  repo: string;
  path: string;
  line: number;
  job: string | null;
  message: string;
  state: FindingState;
  owner: string | null;
  assignee: string | null;
  /** The exception in force that covers it (the one that lasts longest when several do). */
  exception?: ExceptionDto;
}

/** A finding on the workflow page: F and what a person needs to act on it. */
export interface FindingDetailDto extends FindingDto {
  fix: string;
  triageState: TriageState;
  triagedBy: string | null;
  triagedAt: string | null;
  firstSeenAt: string;
  regressedAt: string | null;
}

/** One entry of a finding's history (finding_event), oldest first. */
export interface FindingEventDto {
  type: string;
  at: string;
  actor: string;
  syncRunId: string | null;
  line: number;
  triage?: { state: string; assignee: string | null; note: string | null };
  exception?: { id: string; scope: string; reason: string; approvedBy: string; expiresAt: string };
}
