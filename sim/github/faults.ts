import { createHash } from "node:crypto";

// Fault injection. Random faults are deterministic: the draw for a request is a hash of
// (seed, method, path+query, how many times this exact request was seen before), so the same
// request sequence yields the same faults regardless of how concurrent requests interleave.
// Queued faults (injectFault) apply to the next matching requests, before random ones.

/** connection-reset: the connection is closed without an answer (a network failure, before the request is handled) */
export type FaultKind = "server-error" | "timeout" | "secondary-rate-limit" | "connection-reset";

export interface FaultOptions {
  seed?: number;
  /** probability 0..1 of a 5xx (502) */
  serverErrorRate?: number;
  /** probability 0..1 that the request hangs until the client gives up */
  timeoutRate?: number;
  /** probability 0..1 of a secondary rate limit 403 with retry-after */
  secondaryRateLimitRate?: number;
  /** probability 0..1 that the connection is closed without an answer */
  connectionResetRate?: number;
  /** retry-after seconds sent with secondary rate limits (default 1) */
  retryAfterSeconds?: number;
}

export interface QueuedFault {
  kind: FaultKind;
  /** how many matching requests it applies to (default 1) */
  count?: number;
  /** only requests whose "METHOD /path" contains this string / matches this pattern */
  match?: string | RegExp;
}

export class FaultInjector {
  private readonly seen = new Map<string, number>();
  private readonly queue: { kind: FaultKind; remaining: number; match?: string | RegExp }[] = [];
  readonly counts: Record<FaultKind, number> = { "server-error": 0, timeout: 0, "secondary-rate-limit": 0, "connection-reset": 0 };

  constructor(private options: FaultOptions = {}) {}

  configure(options: FaultOptions): void {
    this.options = options;
  }

  enqueue(fault: QueuedFault): void {
    this.queue.push({ kind: fault.kind, remaining: fault.count ?? 1, match: fault.match });
  }

  get retryAfterSeconds(): number {
    return this.options.retryAfterSeconds ?? 1;
  }

  /** Decides the fault (if any) for one request. */
  decide(method: string, pathAndQuery: string): FaultKind | null {
    const label = `${method} ${pathAndQuery}`;
    const queued = this.queue.find((q) =>
      q.match === undefined ? true : typeof q.match === "string" ? label.includes(q.match) : q.match.test(label),
    );
    if (queued) {
      queued.remaining--;
      if (queued.remaining <= 0) this.queue.splice(this.queue.indexOf(queued), 1);
      this.counts[queued.kind]++;
      return queued.kind;
    }
    const { serverErrorRate = 0, timeoutRate = 0, secondaryRateLimitRate = 0, connectionResetRate = 0 } = this.options;
    if (serverErrorRate + timeoutRate + secondaryRateLimitRate + connectionResetRate <= 0) return null;
    const nth = this.seen.get(label) ?? 0;
    this.seen.set(label, nth + 1);
    const digest = createHash("sha256").update(`${this.options.seed ?? 0}\0${label}\0${nth}`).digest();
    const draw = digest.readUInt32BE(0) / 0x1_0000_0000;
    let kind: FaultKind | null = null;
    if (draw < serverErrorRate) kind = "server-error";
    else if (draw < serverErrorRate + timeoutRate) kind = "timeout";
    else if (draw < serverErrorRate + timeoutRate + secondaryRateLimitRate) kind = "secondary-rate-limit";
    else if (draw < serverErrorRate + timeoutRate + secondaryRateLimitRate + connectionResetRate) kind = "connection-reset";
    if (kind) this.counts[kind]++;
    return kind;
  }
}
