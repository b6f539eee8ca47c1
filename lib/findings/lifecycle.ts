// What a repository's new snapshot means for its findings: pure, no I/O (findings-store.ts
// applies it). The snapshot writer only reports what it saw; this decides what changed.
//
// Invariants:
// - A fingerprint seen now and never stored is `opened`; seen now and stored as fixed is
//   `regressed`; stored open and not seen now is `fixed`. Anything else changed nothing.
// - Each fingerprint gets at most one transition per snapshot, so a sync that sees the same
//   findings as the last one writes no event at all.

export interface StoredFindingState {
  id: string;
  fingerprint: string;
  fixed: boolean;
}

export interface FindingTransitions {
  opened: string[];
  regressed: string[];
  /** Stored findings of this repository gone from the snapshot. */
  fixed: StoredFindingState[];
}

/** `stored`: the repository's findings, open or fixed, and any row of a fingerprint seen now. */
export function findingTransitions(stored: StoredFindingState[], seen: ReadonlySet<string>): FindingTransitions {
  const byFingerprint = new Map(stored.map((s) => [s.fingerprint, s]));
  const opened: string[] = [];
  const regressed: string[] = [];
  for (const fingerprint of seen) {
    const row = byFingerprint.get(fingerprint);
    if (!row) opened.push(fingerprint);
    else if (row.fixed) regressed.push(fingerprint);
  }
  const fixed = stored.filter((s) => !s.fixed && !seen.has(s.fingerprint));
  return { opened, regressed, fixed };
}
