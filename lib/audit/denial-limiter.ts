/**
 * Bounds the denied rows one actor can make the audit log hold: at most `limit` rows per
 * window, then one row saying recording pauses, then nothing until the window ends — a
 * scanner cannot flood the table. The first row of the actor's next window carries how many
 * denials went unrecorded (`suppressed`), so the count is never lost, only folded.
 *
 * State is per process (a Map; nothing shared between instances): with N instances an actor
 * can get N × limit rows per window, which still bounds the table. It is deliberately not in
 * the database: counting there would cost the very writes the limit exists to avoid.
 */
export type Admission =
  | { kind: "record"; suppressedBefore: number }
  | { kind: "summarise"; until: Date }
  | { kind: "drop" };

interface Window {
  start: number;
  count: number;
  suppressed: number;
  carried: number;
}

export interface DenialLimiterOptions {
  limit?: number;
  windowMs?: number;
  /** Actors tracked at most; past it, windows that have ended are forgotten first. */
  maxActors?: number;
  now?: () => number;
}

export class DenialLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly maxActors: number;
  private readonly now: () => number;
  private readonly windows = new Map<string, Window>();

  constructor(opts: DenialLimiterOptions = {}) {
    this.limit = opts.limit ?? 20;
    this.windowMs = opts.windowMs ?? 60_000;
    this.maxActors = opts.maxActors ?? 10_000;
    this.now = opts.now ?? (() => Date.now());
  }

  admit(actorKey: string): Admission {
    const now = this.now();
    let w = this.windows.get(actorKey);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0, suppressed: 0, carried: w?.suppressed ?? 0 };
      this.windows.delete(actorKey);
      this.forgetIfFull(now);
      this.windows.set(actorKey, w);
    }
    w.count++;
    if (w.count <= this.limit) {
      const suppressedBefore = w.carried;
      w.carried = 0;
      return { kind: "record", suppressedBefore };
    }
    if (w.count === this.limit + 1) return { kind: "summarise", until: new Date(w.start + this.windowMs) };
    w.suppressed++;
    return { kind: "drop" };
  }

  private forgetIfFull(now: number) {
    if (this.windows.size < this.maxActors) return;
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
    // Still full of live windows: the oldest goes (Map keeps insertion order).
    while (this.windows.size >= this.maxActors) this.windows.delete(this.windows.keys().next().value!);
  }
}
