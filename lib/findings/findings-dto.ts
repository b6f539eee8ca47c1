import type { BroadCredential } from "./breadth";
import type { ExceptionScope, ReviewCounts, TriageState } from "@/lib/db/schema/findings";
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
  /** Its workflow's id while the file exists (a link to the workflow page). */
  workflowId?: string;
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

/** A review of the period (since, until]: GET …/review, and what a sign-off freezes. */
export interface ReviewDto {
  since: string;
  until: string;
  /** The sign-off whose `until` is this review's default `since`; null before the first. */
  baseline: { id: string; number: number; signedOffBy: string; signedOffAt: string } | null;
  counts: ReviewCounts;
  new: FindingDto[];
  fixed: FindingDto[];
  regressed: FindingDto[];
  /** Open findings whose exception expires within 14 days of `until`. */
  expiring: FindingDto[];
  /** Open findings whose exception expired in the period (and no other covers them), each with that exception (status expired). */
  expired: FindingDto[];
  /** Still open from before, not accepted: at most REVIEW_OPEN_LIMIT, worst first. */
  open: FindingDto[];
  openTruncated: boolean;
  /** Per owner (null: no owner known), most needing attention first. */
  byOwner: { owner: string | null; counts: ReviewCounts }[];
  /** The broadest credentials of the inventory now (breadth.ts), broadest first; absent in reviews signed off before it existed. */
  broadest?: BroadCredential[];
}

/** A signed-off review: the review as it was seen, and who signed it off with what note. */
export interface SignedReviewDto extends ReviewDto {
  id: string;
  number: number;
  signedOffBy: string;
  signedOffAt: string;
  note: string;
}

/** A past review in the list. */
export interface ReviewSummaryDto {
  id: string;
  number: number;
  since: string;
  until: string;
  signedOffBy: string;
  note: string;
  counts: ReviewCounts;
}
