// The findings trend, pure (trend-repo.ts feeds it): how many findings were present per severity
// after each sync. A finding is present after `opened` or `regressed` and absent after `fixed`
// (review-period.ts), so each lifecycle event moves its severity's count by +1 or -1 and a
// point is the running sum up to the sync's end.

import { SEVERITY_ORDER } from "./state";
import type { OverBroadCount } from "./breadth";

export type Severity = (typeof SEVERITY_ORDER)[number];

export interface TrendRun {
  id: string;
  finishedAt: Date;
  trigger: string;
  status: string;
}

/** Net change of one severity's present count, between the previous point and this run's end. */
export interface TrendDelta {
  runId: string;
  severity: string;
  delta: number;
}

export interface TrendPoint {
  runId: string;
  at: string;
  trigger: string;
  status: string;
  counts: Record<Severity, number>;
  total: number;
  /** Over-broad credentials the run left (breadth-trend.ts); null for a run before they were counted. */
  overBroad?: OverBroadCount | null;
}

const zero = (): Record<Severity, number> => ({ critical: 0, high: 0, medium: 0, low: 0, info: 0 });
const isSeverity = (s: string): s is Severity => (SEVERITY_ORDER as readonly string[]).includes(s);

/**
 * `base`: the present count per severity at the first run's end (every event up to it);
 * `runs`: oldest first; `deltas`: each later run's net change per severity. An unknown
 * severity is left out (the analyser's rules only emit the five).
 */
export function trendPoints(base: ReadonlyMap<string, number>, runs: readonly TrendRun[], deltas: readonly TrendDelta[]): TrendPoint[] {
  const byRun = new Map<string, TrendDelta[]>();
  for (const d of deltas) byRun.set(d.runId, [...(byRun.get(d.runId) ?? []), d]);
  const counts = zero();
  for (const [sev, n] of base) if (isSeverity(sev)) counts[sev] = n;
  return runs.map((run, i) => {
    if (i > 0) for (const d of byRun.get(run.id) ?? []) if (isSeverity(d.severity)) counts[d.severity] += d.delta;
    const snapshot = { ...counts };
    return {
      runId: run.id,
      at: run.finishedAt.toISOString(),
      trigger: run.trigger,
      status: run.status,
      counts: snapshot,
      total: SEVERITY_ORDER.reduce((sum, s) => sum + snapshot[s], 0),
    };
  });
}
