// What a period changed, per finding, net: pure, no I/O (review-repo.ts feeds it finding_event).
//
// A finding is *present* after `opened` or `regressed` and absent after `fixed` (or before its
// first event). Over the period (since, until] only where it stood at each end counts:
// - new:       it did not exist at `since` and is present at `until`;
// - regressed: it existed at `since` but was fixed, and is present at `until`;
// - fixed:     present at `since`, absent at `until`;
// - expired:   an exception covering it expired in the period and it is present at `until`, and
//              it is neither new nor regressed (the stronger news wins).
// So a finding opened and fixed inside the period is in none of them, nor is one fixed and back.

import type { FindingEventType } from "@/lib/db/schema/findings";

export type Lifecycle = "opened" | "fixed" | "regressed";
export const LIFECYCLE: readonly Lifecycle[] = ["opened", "fixed", "regressed"];

export interface PeriodEvent {
  findingId: string;
  type: FindingEventType;
}

export interface PeriodChanges {
  new: string[];
  fixed: string[];
  regressed: string[];
  expired: string[];
}

const present = (t: Lifecycle | undefined) => t === "opened" || t === "regressed";

/**
 * Where a finding stood just before a lifecycle event, as the lifecycle's transitions imply
 * (lifecycle.ts): `opened` is a finding's first event (it did not exist), `fixed` ends a present
 * finding, `regressed` brings back a fixed one. So a finding's first lifecycle event in the
 * period says where it stood at `since` without reading its history; only a finding with none in
 * the period (an exception expired on it, nothing else) needs its last event up to `since`.
 */
export function stoodBefore(first: Lifecycle): Lifecycle | undefined {
  if (first === "opened") return undefined;
  return first === "fixed" ? "opened" : "fixed";
}

/**
 * `before`: each finding's last lifecycle event at or before `since` (absent: none — it did not
 * exist); `events`: the period's events in order.
 */
export function periodChanges(before: ReadonlyMap<string, Lifecycle>, events: readonly PeriodEvent[]): PeriodChanges {
  const last = new Map<string, Lifecycle>();
  const expiredIds = new Set<string>();
  for (const e of events) {
    if ((LIFECYCLE as readonly string[]).includes(e.type)) last.set(e.findingId, e.type as Lifecycle);
    else if (e.type === "exception_expired") expiredIds.add(e.findingId);
  }
  const out: PeriodChanges = { new: [], fixed: [], regressed: [], expired: [] };
  for (const [id, end] of last) {
    const start = before.get(id);
    if (present(start) && !present(end)) out.fixed.push(id);
    else if (!present(start) && present(end)) (start === undefined ? out.new : out.regressed).push(id);
  }
  const newsier = new Set([...out.new, ...out.regressed]);
  for (const id of expiredIds) {
    if (newsier.has(id)) continue;
    const end = last.get(id) ?? before.get(id);
    if (present(end)) out.expired.push(id);
  }
  return out;
}
