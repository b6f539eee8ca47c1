// A finding's state, derived: pure, no I/O. What is stored is the sync's sightings (fixedAt,
// regressedAt), a person's triage (triageState, triagedAt) and the exceptions; the state is
// never stored, so it cannot disagree with them.
//
// Precedence (first that holds):
// 1. `fixed`        — gone at the latest sync of its repository;
// 2. `accepted`     — covered by an exception in force (granted, not revoked, not expired);
// 3. `regressed`    — it came back (seen again after fixed, or its exception expired) and no
//                     one has triaged it since;
// 4. `acknowledged` / `open` — what a person last set (open when no one has).

import type { TriageState } from "@/lib/db/schema/findings";

export const FINDING_STATES = ["open", "acknowledged", "accepted", "fixed", "regressed"] as const;
export type FindingState = (typeof FINDING_STATES)[number];

export interface StateInputs {
  fixedAt: Date | null;
  regressedAt: Date | null;
  triageState: TriageState;
  triagedAt: Date | null;
  /** Covered by an exception in force at the moment the state is asked for. */
  excepted: boolean;
}

export function findingState(f: StateInputs): FindingState {
  if (f.fixedAt) return "fixed";
  if (f.excepted) return "accepted";
  if (f.regressedAt && (!f.triagedAt || f.triagedAt.getTime() < f.regressedAt.getTime())) return "regressed";
  return f.triageState;
}

/** Worst first: the order a review lists findings in. */
export const SEVERITY_ORDER = ["critical", "high", "medium", "low", "info"] as const;
export function severityRank(severity: string): number {
  const i = (SEVERITY_ORDER as readonly string[]).indexOf(severity);
  return i === -1 ? SEVERITY_ORDER.length : i;
}
