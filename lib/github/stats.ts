import "server-only";
import type { FetchStats } from "./facts";

// Live request counters of one client, plus the events the UI shows while a sync runs.
// Invariant: every HTTP attempt (retries, 304s, token mints) increments `requests` exactly once.

export type FetchEvent =
  | { type: "rate-limited"; waitMs: number; limit: "primary" | "secondary" }
  | { type: "retry"; attempt: number };

export type FetchEventListener = (event: FetchEvent) => void;

export function emptyStats(): FetchStats {
  return { requests: 0, charged: 0, notModified: 0, graphqlPoints: 0, retries: 0, rateLimitWaitMs: 0 };
}

/** Counters `now - base`: what one fetcher spent on a client shared with others. */
export function diffStats(now: FetchStats, base: FetchStats): FetchStats {
  return {
    requests: now.requests - base.requests,
    charged: now.charged - base.charged,
    notModified: now.notModified - base.notModified,
    graphqlPoints: now.graphqlPoints - base.graphqlPoints,
    retries: now.retries - base.retries,
    rateLimitWaitMs: now.rateLimitWaitMs - base.rateLimitWaitMs,
  };
}

export class EventHub {
  private readonly listeners = new Set<FetchEventListener>();

  subscribe(listener: FetchEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: FetchEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
