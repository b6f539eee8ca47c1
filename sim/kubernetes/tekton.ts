import type { KubeObject } from "./state";

// What Tekton adds around a PipelineRun write: its validating webhook's check of
// `spec.status` (the values Tekton v1 accepts), and its controller's answer to a cancel —
// the run's `Succeeded` condition becomes False with reason `Cancelled`, and it gets a
// completionTime (pipelinerun.go, cancel.go). The real controller does this asynchronously.

const SPEC_STATUSES = new Set(["", "Cancelled", "CancelledRunFinally", "StoppedRunFinally", "PipelineRunPending"]);
const CANCELLING = new Set(["Cancelled", "CancelledRunFinally", "StoppedRunFinally"]);

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

const specOf = (o: KubeObject): Record<string, unknown> => (typeof o.spec === "object" && o.spec !== null ? (o.spec as Record<string, unknown>) : {});

/** The webhook's refusal, or null when the run is acceptable. */
export function invalidPipelineRun(o: KubeObject): string | null {
  const value = specOf(o).status;
  if (value === undefined || (typeof value === "string" && SPEC_STATUSES.has(value))) return null;
  return `admission webhook "validation.webhook.pipeline.tekton.dev" denied the request: validation failed: invalid value: ${String(value)}: spec.status`;
}

function succeeded(o: KubeObject): Condition | undefined {
  const status = o.status as { conditions?: Condition[] } | undefined;
  return status?.conditions?.find((c) => c.type === "Succeeded");
}

/** True when the run has not finished (no Succeeded condition yet, or one that is Unknown). */
export function isRunning(o: KubeObject): boolean {
  const c = succeeded(o);
  return c === undefined || c.status === "Unknown";
}

/** The controller's reconcile of one run: marks a running run that asks to be cancelled as cancelled. True when it changed it. */
export function reconcileCancel(o: KubeObject, now: string): boolean {
  const asked = specOf(o).status;
  if (typeof asked !== "string" || !CANCELLING.has(asked) || !isRunning(o)) return false;
  const status = (typeof o.status === "object" && o.status !== null ? o.status : {}) as Record<string, unknown>;
  const others = ((status.conditions as Condition[] | undefined) ?? []).filter((c) => c.type !== "Succeeded");
  o.status = {
    ...status,
    conditions: [...others, { type: "Succeeded", status: "False", reason: "Cancelled", message: `PipelineRun "${o.metadata.name}" was cancelled`, lastTransitionTime: now }],
    completionTime: now,
  };
  return true;
}
