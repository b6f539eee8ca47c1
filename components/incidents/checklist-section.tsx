"use client";

import type { IncidentDetailDto } from "@/lib/incidents/incident-dto";
import { BulkAction } from "./action-controls";
import type { IncidentAction } from "./actions-contract";
import { ChecklistItem } from "./checklist-item";
import { useIncident } from "./incident-context";

type Step = IncidentDetailDto["steps"][number];

/** The GitHub actions a step offers over its items: which item kind, what the button says. */
const STEP_ACTIONS: Record<number, { action: IncidentAction; kind: string; label: (n: number) => string; confirm: (n: number) => string; danger?: boolean }[]> = {
  1: [
    { action: "disable-workflows", kind: "disable-workflow", label: (n) => `Disable all ${n}`, confirm: (n) => `Confirm: disable ${n} workflow${n === 1 ? "" : "s"} and cancel their runs`, danger: true },
    { action: "cancel-runs", kind: "disable-workflow", label: () => "Cancel runs", confirm: (n) => `Confirm: cancel the runs of ${n} workflow${n === 1 ? "" : "s"}`, danger: true },
  ],
  2: [
    { action: "revoke-trust", kind: "revoke-identity", label: (n) => `Revoke cloud trust (${n})`, confirm: (n) => `Confirm: revoke the cloud trust of ${n} identit${n === 1 ? "y" : "ies"}`, danger: true },
    // Once the boundary is fixed (step 7's rule): what was revoked in the clouds is put back.
    { action: "restore-trust", kind: "revoke-identity", label: () => "Restore cloud trust (after the fix)", confirm: (n) => `Confirm: restore the cloud trust revoked for ${n} identit${n === 1 ? "y" : "ies"}` },
    { action: "delete-deploy-keys", kind: "delete-deploy-key", label: (n) => `Delete deploy keys (${n})`, confirm: (n) => `Confirm: delete ${n} deploy key${n === 1 ? "" : "s"}`, danger: true },
  ],
  5: [{ action: "delete-artifacts", kind: "rebuild", label: () => "Delete artifacts", confirm: (n) => `Confirm: delete the artifacts of ${n} workflow${n === 1 ? "" : "s"}`, danger: true }],
  6: [
    { action: "delete-caches", kind: "delete-caches", label: (n) => `Delete caches (${n} repositor${n === 1 ? "y" : "ies"})`, confirm: (n) => `Confirm: delete the caches of ${n} repositor${n === 1 ? "y" : "ies"}`, danger: true },
    {
      action: "delete-run-logs",
      kind: "delete-run-logs",
      label: (n) => `Delete run logs (${n} public repositor${n === 1 ? "y" : "ies"})`,
      confirm: (n) => `Confirm: delete the logs of the runs inside the window in ${n} public repositor${n === 1 ? "y" : "ies"} (read them first)`,
      danger: true,
    },
  ],
};

function StepBlock({ step, driftKeys, targets }: { step: Step; driftKeys: ReadonlySet<string>; targets: ReadonlyMap<string, string> }) {
  const { editable } = useIncident();
  const actions = editable ? (STEP_ACTIONS[step.step] ?? []).map((a) => ({ ...a, ids: step.items.filter((i) => i.kind === a.kind).map((i) => i.id) })).filter((a) => a.ids.length > 0) : [];
  const items = (
    <ul className="mt-3 space-y-2">
      {step.items.map((i) => (
        <ChecklistItem key={i.id} item={i} fromDrift={i.scopeKey !== null && driftKeys.has(i.scopeKey)} target={i.scopeKey ? targets.get(i.scopeKey) : undefined} />
      ))}
    </ul>
  );
  return (
    <li className="rounded-lg border border-slate-200 bg-slate-50 p-4" data-testid="step" data-step={step.step}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={`step-${step.step}-heading`} className="font-semibold">
          {step.step}. {step.title}
        </h3>
        <span className="text-xs text-slate-600" data-testid="step-progress">
          {step.finished} / {step.items.length} finished
        </span>
      </div>
      {actions.length > 0 ? (
        <div className="mt-2 flex flex-wrap items-start gap-3 text-sm">
          {actions.map((a) => (
            <BulkAction key={a.action} action={a.action} itemIds={a.ids} label={a.label(a.ids.length)} confirmLabel={a.confirm(a.ids.length)} danger={a.danger} />
          ))}
        </div>
      ) : null}
      {step.items.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">Nothing in scope for this step.</p>
      ) : step.finished === step.items.length ? (
        <details className="mt-2 text-sm">
          <summary className="cursor-pointer text-blue-800 underline">All {step.items.length} finished: show them</summary>
          {items}
        </details>
      ) : (
        items
      )}
    </li>
  );
}

/** The scope kinds behind the detail's groups: an item's scopeKey is `<kind>:<key>`. */
const SCOPE_KIND: Record<keyof IncidentDetailDto["scope"], string> = {
  workflows: "workflow",
  repositories: "repository",
  secrets: "secret",
  identities: "identity",
  systems: "system",
  deployKeys: "deploy-key",
  releases: "release",
  owners: "owner",
};

export function ChecklistSection({ steps, scope }: { steps: Step[]; scope: IncidentDetailDto["scope"] }) {
  const driftKeys = new Set(
    (Object.keys(SCOPE_KIND) as (keyof typeof SCOPE_KIND)[]).flatMap((group) => scope[group].filter((r) => r.addedBy).map((r) => `${SCOPE_KIND[group]}:${r.key}`)),
  );
  // An item's button is named by what it acts on ("Re-enable acme/web/…/ci.yml"), not by the item's sentence again.
  const targets = new Map(scope.workflows.map((w) => [`workflow:${w.key}`, w.label]));
  return (
    <section aria-labelledby="checklist-heading" id="checklist" className="scroll-mt-4">
      <h2 id="checklist-heading" className="mb-2 text-lg font-semibold">
        Checklist
      </h2>
      <ol className="space-y-4">
        {steps.map((s) => (
          <StepBlock key={s.step} step={s} driftKeys={driftKeys} targets={targets} />
        ))}
      </ol>
    </section>
  );
}
