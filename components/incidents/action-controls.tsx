"use client";

import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ACTION_VERBS, type ActionItemResult, type ActionRunDto, type IncidentAction } from "./actions-contract";
import { useIncident } from "./incident-context";

const RESULT_TONE: Record<ActionItemResult["status"], BadgeTone> = { done: "green", already: "green", failed: "red", planned: "blue", manual: "amber", refused: "red" };
const RESULT_LABEL: Record<ActionItemResult["status"], string> = { done: "done", already: "already done", failed: "failed", planned: "planned", manual: "do by hand", refused: "refused" };
const isBad = (r: ActionItemResult) => r.status === "failed" || r.status === "refused";

/** Per-item results of an action (or the calls a dry run would make), failures first. */
export function ActionResults({ run }: { run: ActionRunDto }) {
  const results = [...run.results].sort((a, b) => Number(isBad(b)) - Number(isBad(a)));
  return (
    <div className="mt-2 rounded-md border border-slate-200 bg-slate-50 p-3" data-testid="action-results">
      <p className="font-medium" role="status">
        {run.dryRun ? "Dry run: " : ""}
        {run.summary}
      </p>
      <ul className="mt-2 space-y-2">
        {results.map((r) => (
          <li key={r.itemId} data-testid="action-result" data-status={r.status}>
            <div className="flex flex-wrap items-center gap-2">
              <Badge tone={RESULT_TONE[r.status]}>{RESULT_LABEL[r.status]}</Badge>
              <span>{r.label}</span>
            </div>
            {r.message ? <p className={`mt-0.5 whitespace-pre-wrap break-all text-xs ${isBad(r) ? "font-medium text-red-800" : "text-slate-700"}`}>{r.message}</p> : null}
            {r.calls.length > 0 ? (
              <ul className="mt-1 space-y-0.5 font-mono text-xs text-slate-700" aria-label={`Calls for ${r.label}`}>
                {r.calls.map((c, i) => (
                  <li key={i} className="break-all">
                    {c.method} {c.path}
                    {c.when ? <span className="text-slate-500"> ({c.when})</span> : null}
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Shown while an action runs: what is under way (announced), and an indeterminate bar. */
function Running({ action, n }: { action: IncidentAction; n: number }) {
  return (
    <div className="mt-2" role="status" data-testid="action-running">
      <p className="text-sm">
        {ACTION_VERBS[action]}: {n} item{n === 1 ? "" : "s"}… the checklist updates as GitHub answers.
      </p>
      <div className="mt-1 h-2 overflow-hidden rounded bg-slate-200" role="progressbar" aria-label={`${ACTION_VERBS[action]}, under way`}>
        <div className="h-full w-1/3 animate-pulse rounded bg-blue-700" />
      </div>
    </div>
  );
}

type Phase = { at: "idle" } | { at: "planning" } | { at: "planned"; plan: ActionRunDto } | { at: "running" } | { at: "done"; run: ActionRunDto } | { at: "error"; message: string; missingRoute: boolean };

/**
 * A step's action on several items: a dry run first, which lists the exact calls; then a
 * confirm that makes them. Results stay shown until the next run.
 */
export function BulkAction({ action, itemIds, label, confirmLabel, danger = false }: { action: IncidentAction; itemIds: string[]; label: string; confirmLabel: string; danger?: boolean }) {
  const { runAction, actionsMissing } = useIncident();
  const [phase, setPhase] = useState<Phase>({ at: "idle" });
  if (itemIds.length === 0 || (actionsMissing && phase.at !== "error")) return null;
  const busy = phase.at === "planning" || phase.at === "running";
  const plan = async () => {
    setPhase({ at: "planning" });
    const r = await runAction(action, itemIds, true);
    setPhase(r.ok ? { at: "planned", plan: r.data } : { at: "error", message: r.message, missingRoute: r.missingRoute });
  };
  const confirm = async () => {
    setPhase({ at: "running" });
    const r = await runAction(action, itemIds, false);
    setPhase(r.ok ? { at: "done", run: r.data } : { at: "error", message: r.message, missingRoute: r.missingRoute });
  };
  // The step lays its actions out as one wrapping row (display: contents here): the buttons
  // first, then each action's panel on a line of its own, full width.
  const missing = phase.at === "error" && phase.missingRoute;
  return (
    <div className="contents" data-testid={`bulk-${action}`}>
      {missing ? null : (
        <Button variant={danger ? "danger" : "secondary"} onClick={plan} disabled={busy || phase.at === "planned"}>
          {phase.at === "planning" ? "Planning…" : label}
        </Button>
      )}
      <div className="order-1 basis-full empty:hidden">
        {phase.at === "planned" ? (
          <div className="space-y-2">
            <ActionResults run={phase.plan} />
            <div className="flex flex-wrap gap-2">
              <Button variant={danger ? "danger" : "primary"} onClick={confirm}>
                {confirmLabel}
              </Button>
              <Button variant="secondary" onClick={() => setPhase({ at: "idle" })}>
                Not now
              </Button>
            </div>
          </div>
        ) : null}
        <ActionPanel action={action} phase={phase} n={itemIds.length} />
      </div>
    </div>
  );
}

/** What an action run shows under its button: progress, results, or the error (an info note when the route is missing). */
export function ActionPanel({ action, phase, n }: { action: IncidentAction; phase: Phase; n: number }) {
  if (phase.at === "running") return <Running action={action} n={n} />;
  if (phase.at === "done") return <ActionResults run={phase.run} />;
  if (phase.at === "error") {
    return (
      <div className="mt-2">
        <Alert tone={phase.missingRoute ? "info" : "error"}>{phase.message}</Alert>
      </div>
    );
  }
  return null;
}

/**
 * One item's action, at once (Disable this workflow, Re-enable it): the button goes beside the
 * item's status, the panel under it. A refusal (the fixed boundary's 409) shows the API's message.
 */
export function useItemAction(action: IncidentAction, itemId: string) {
  const { runAction, actionsMissing } = useIncident();
  const [phase, setPhase] = useState<Phase>({ at: "idle" });
  const go = async () => {
    setPhase({ at: "running" });
    const r = await runAction(action, [itemId], false);
    setPhase(r.ok ? { at: "done", run: r.data } : { at: "error", message: r.message, missingRoute: r.missingRoute });
  };
  return { phase, go, available: !actionsMissing };
}
