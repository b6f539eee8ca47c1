import { createHash } from "node:crypto";

// Fault injection, as in the GitHub simulator: random faults are a pure function of
// (seed, action + parameters, how many times this exact request was seen), queued faults
// apply to the next matching requests first. Faults are decided after the signature is
// checked, so a refused key is never hidden by a fault.

/** throttling: 400 `Throttling` "Rate exceeded"; server-error: 500 `ServiceFailure`; connection-reset: no answer. */
export type AwsFaultKind = "throttling" | "server-error" | "connection-reset";

export interface AwsFaultOptions {
  seed?: number;
  throttlingRate?: number;
  serverErrorRate?: number;
  connectionResetRate?: number;
}

export interface AwsQueuedFault {
  kind: AwsFaultKind;
  /** How many matching requests (default 1). */
  count?: number;
  /** Only this IAM action (e.g. `ListRoles`). */
  action?: string;
}

export class AwsFaults {
  private readonly seen = new Map<string, number>();
  private readonly queue: { kind: AwsFaultKind; remaining: number; action?: string }[] = [];

  constructor(private readonly options: AwsFaultOptions = {}) {}

  enqueue(fault: AwsQueuedFault): void {
    this.queue.push({ kind: fault.kind, remaining: fault.count ?? 1, action: fault.action });
  }

  decide(action: string, body: string): AwsFaultKind | null {
    const queued = this.queue.find((q) => q.action === undefined || q.action === action);
    if (queued) {
      if (--queued.remaining <= 0) this.queue.splice(this.queue.indexOf(queued), 1);
      return queued.kind;
    }
    const { throttlingRate = 0, serverErrorRate = 0, connectionResetRate = 0 } = this.options;
    if (throttlingRate + serverErrorRate + connectionResetRate <= 0) return null;
    const nth = this.seen.get(body) ?? 0;
    this.seen.set(body, nth + 1);
    const draw = createHash("sha256").update(`${this.options.seed ?? 0}\0${body}\0${nth}`).digest().readUInt32BE(0) / 0x1_0000_0000;
    if (draw < throttlingRate) return "throttling";
    if (draw < throttlingRate + serverErrorRate) return "server-error";
    if (draw < throttlingRate + serverErrorRate + connectionResetRate) return "connection-reset";
    return null;
  }
}
