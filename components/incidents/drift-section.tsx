"use client";

import { useState } from "react";
import type { IncidentDetailDto } from "@/lib/incidents/incident-dto";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useIncident } from "./incident-context";
import { utc } from "./labels";

/** Reach the target gained after the scope was frozen: shown, never added silently; one click adds it. */
export function DriftSection({ drift }: { drift: IncidentDetailDto["drift"] }) {
  const { write, editable } = useIncident();
  const [pending, setPending] = useState(false);
  const [notice, setNotice] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const add = async (workflowIds: string[]) => {
    setPending(true);
    const r = await write<{ added: number }>("POST", ["scope"], { workflowIds });
    setPending(false);
    setNotice(r.ok ? { tone: "success", text: `Added to scope: ${r.data.added} entr${r.data.added === 1 ? "y" : "ies"}, with their checklist items.` } : { tone: "error", text: r.message });
  };
  return (
    <section aria-labelledby="drift-heading" id="drift" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm">
      <h2 id="drift-heading" className="text-lg font-semibold text-amber-950">
        Scope drift: {drift.length} new workflow{drift.length === 1 ? "" : "s"}
      </h2>
      <p className="mt-1 text-amber-950">These workflows reach the target now but were not in the inventory when the scope was frozen.</p>
      <ul className="mt-2 space-y-1.5" data-testid="drift">
        {drift.map((w) => (
          <li key={w.workflowId} className="flex flex-wrap items-center gap-2">
            <span className="font-mono text-xs">{w.label}</span>
            <span className="text-xs text-amber-950">{w.seenAt ? `first seen by the sync of ${utc(w.seenAt)}` : "not on the timeline yet"}</span>
            {editable ? (
              <Button variant="secondary" className="px-2 py-0.5 text-xs" disabled={pending} onClick={() => add([w.workflowId])} aria-label={`Add to scope: ${w.label}`}>
                Add to scope
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
      {editable && drift.length > 1 ? (
        <Button className="mt-3" disabled={pending} onClick={() => add(drift.map((w) => w.workflowId))}>
          Add all {drift.length} to scope
        </Button>
      ) : null}
      {notice ? (
        <div className="mt-2">
          <Alert tone={notice.tone}>{notice.text}</Alert>
        </div>
      ) : null}
    </section>
  );
}
