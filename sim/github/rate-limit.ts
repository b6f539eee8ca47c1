// Primary rate limits per (bucket, resource). Buckets: one per installation, per PAT, per App
// (JWT) and one for unauthenticated callers. A fixed window starts at the first charge.
// Invariant: `used` never exceeds `limit`; a 304 is never charged (callers skip `charge`).

export type RateResource = "core" | "graphql";

export interface RateLimitOptions {
  core?: number;
  graphql?: number;
  /** window length; GitHub uses one hour */
  windowMs?: number;
}

export interface RateState {
  limit: number;
  used: number;
  remaining: number;
  /** epoch seconds */
  reset: number;
  resource: RateResource;
}

interface Window {
  start: number;
  used: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number,
  ) {
    this.windowMs = options.windowMs ?? 3_600_000;
  }

  limitFor(resource: RateResource): number {
    return resource === "core" ? (this.options.core ?? 5000) : (this.options.graphql ?? 5000);
  }

  private window(bucket: string, resource: RateResource): Window {
    const key = `${bucket}\0${resource}`;
    let w = this.windows.get(key);
    const now = this.now();
    if (!w || now >= w.start + this.windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  state(bucket: string, resource: RateResource): RateState {
    const w = this.window(bucket, resource);
    const limit = this.limitFor(resource);
    return {
      limit,
      used: w.used,
      remaining: Math.max(0, limit - w.used),
      reset: Math.ceil((w.start + this.windowMs) / 1000),
      resource,
    };
  }

  /** Charges `points`; returns false (and charges nothing) when the budget cannot cover them. */
  charge(bucket: string, resource: RateResource, points: number): boolean {
    const w = this.window(bucket, resource);
    if (w.used + points > this.limitFor(resource)) return false;
    w.used += points;
    return true;
  }

  exhausted(bucket: string, resource: RateResource): boolean {
    return this.state(bucket, resource).remaining <= 0;
  }

  reset(): void {
    this.windows.clear();
  }

  headers(state: RateState): Record<string, string> {
    return {
      "x-ratelimit-limit": String(state.limit),
      "x-ratelimit-remaining": String(state.remaining),
      "x-ratelimit-used": String(state.used),
      "x-ratelimit-reset": String(state.reset),
      "x-ratelimit-resource": state.resource,
    };
  }
}
