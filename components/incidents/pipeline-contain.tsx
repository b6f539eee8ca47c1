"use client";

import { useState } from "react";
import type { ChecklistItemDto } from "@/lib/incidents/incident-dto";
import type { PipelineContainmentDto } from "@/lib/incidents/pipeline-contain";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useIncident } from "./incident-context";

// A contain-pipeline item (a Buildkite or Tekton pipeline) contained through the pipeline source
// that runs it: POST …/items/{id}/contain { dryRun }. The dry run shows the plan — each call, and
// for a cluster the API server's answer to it as a dry run — and whether the source has write
// access; then "Contain through …" applies and shows the outcome and evidence. Without write
// access it shows why, and the commands to run by hand.

type Target = PipelineContainmentDto["targets"][number];
type Phase = { at: "idle" } | { at: "busy"; what: "plan" | "apply" } | { at: "shown"; run: PipelineContainmentDto } | { at: "error"; message: string };

const TONE: Record<PipelineContainmentDto["status"], BadgeTone> = { planned: "blue", contained: "green", partial: "amber", failed: "red", manual: "amber" };
const LABEL: Record<PipelineContainmentDto["status"], string> = { planned: "planned", contained: "contained", partial: "partly contained", failed: "failed", manual: "do by hand" };

function Lines({ label, lines, mono = false }: { label: string; lines: string[]; mono?: boolean }) {
  if (lines.length === 0) return null;
  return (
    <div className="mt-1">
      <p className="text-xs font-medium text-slate-700">{label}</p>
      <ul className={`space-y-0.5 text-xs text-slate-700 ${mono ? "font-mono" : ""}`} aria-label={label}>
        {lines.map((l, i) => (
          <li key={i} className="whitespace-pre-wrap break-all">
            {l}
          </li>
        ))}
      </ul>
    </div>
  );
}

function TargetResult({ t }: { t: Target }) {
  return (
    <li data-testid="contain-target" data-status={t.status}>
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={TONE[t.status]}>{LABEL[t.status]}</Badge>
        <span className="font-medium">{t.target}</span>
        <span className="text-xs text-slate-600">through {t.sourceName}</span>
      </div>
      <p className="mt-0.5 whitespace-pre-wrap text-xs text-slate-700">{t.summary}</p>
      {t.writeAccess ? null : <p className="mt-0.5 text-xs font-medium text-amber-900">No write access: {t.writeAccessNote}</p>}
      <Lines label={`Calls (${t.calls.length})`} lines={t.calls.map((c) => `${c.method} ${c.path} — ${c.description}`)} mono />
      <Lines label="The API server's answers to the dry run (dryRun=All)" lines={t.serverDryRun} mono />
      <Lines label="Not done, and what stays valid" lines={t.notes} />
      <Lines label="Evidence" lines={t.evidence} mono />
      {t.writeAccess ? null : <Lines label="Commands to run by hand" lines={t.commands} mono />}
    </li>
  );
}

export function PipelineContain({ item }: { item: ChecklistItemDto }) {
  const { write } = useIncident();
  const [phase, setPhase] = useState<Phase>({ at: "idle" });
  const send = async (dryRun: boolean) => {
    setPhase({ at: "busy", what: dryRun ? "plan" : "apply" });
    const r = await write<PipelineContainmentDto>("POST", ["items", item.id, "contain"], { dryRun });
    setPhase(r.ok ? { at: "shown", run: r.data } : { at: "error", message: r.message });
  };
  const run = phase.at === "shown" ? phase.run : null;
  const through = run?.targets[0]?.kind === "kubernetes" ? "the cluster" : "Buildkite";
  // Applying is offered after a dry run that planned something and found write access everywhere.
  const canApply = run !== null && run.dryRun && run.status === "planned" && run.targets.length > 0 && run.targets.every((t) => t.writeAccess && t.status === "planned");
  return (
    <div className="mt-2" data-testid="pipeline-contain">
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" className="py-1" onClick={() => send(true)} disabled={phase.at === "busy"}>
          {phase.at === "busy" && phase.what === "plan" ? "Planning…" : "Dry run"}
        </Button>
        {canApply ? (
          <Button variant="danger" className="py-1" onClick={() => send(false)}>
            Contain through {through}
          </Button>
        ) : null}
      </div>
      {phase.at === "busy" && phase.what === "apply" ? (
        <p className="mt-2 text-sm" role="status">
          Containing through {through}… writing, then reading again to verify.
        </p>
      ) : null}
      {phase.at === "error" ? (
        <div className="mt-2">
          <Alert>{phase.message}</Alert>
        </div>
      ) : null}
      {run ? (
        <div className="mt-2 rounded-md border border-slate-200 bg-slate-50 p-3" data-testid="contain-result" data-status={run.status}>
          <p className="flex flex-wrap items-center gap-2 font-medium" role="status">
            <Badge tone={TONE[run.status]}>{run.dryRun ? "dry run" : LABEL[run.status]}</Badge>
            <span className="whitespace-pre-wrap">{run.summary}</span>
          </p>
          {run.targets.length > 0 ? <ul className="mt-2 space-y-3">{run.targets.map((t) => <TargetResult key={`${t.sourceId}-${t.target}`} t={t} />)}</ul> : null}
          {run.commands && run.targets.length === 0 ? <p className="mt-1 text-xs text-slate-700">The commands to run by hand are under the item.</p> : null}
        </div>
      ) : null}
    </div>
  );
}
