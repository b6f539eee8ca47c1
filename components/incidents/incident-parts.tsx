import type { Severity } from "@/lib/db/schema/incidents";
import { Badge } from "@/components/ui/badge";
import { percent, SEVERITY_TONE } from "./labels";

// Small pieces of incident mode, server-renderable.

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <Badge tone={SEVERITY_TONE[severity]}>
      <span className="sr-only">severity </span>
      {severity}
    </Badge>
  );
}

export function IncidentStatusBadge({ status }: { status: "open" | "closed" }) {
  return <Badge tone={status === "open" ? "amber" : "green"}>{status}</Badge>;
}

/** "12 / 30 items finished" and a bar; `label` names it for assistive technology. */
export function Progress({ finished, total, label, compact = false }: { finished: number; total: number; label: string; compact?: boolean }) {
  const pct = percent(finished, total);
  return (
    <div className={compact ? "min-w-28" : ""}>
      <div className="flex justify-between gap-2 text-xs text-slate-600">
        <span data-testid="progress-text">
          {finished} / {total}
          {compact ? "" : " items finished"}
        </span>
        <span>{pct}%</span>
      </div>
      <div className={`mt-1 overflow-hidden rounded bg-slate-200 ${compact ? "h-1.5" : "h-2.5"}`} role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100} aria-label={label}>
        <div className={`h-full ${pct === 100 ? "bg-green-700" : "bg-blue-700"}`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
