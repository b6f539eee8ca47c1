import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { ExceptionDto } from "@/lib/findings/findings-dto";
import type { FindingState } from "@/lib/findings/state";

export const SEVERITY_TONE: Record<string, BadgeTone> = { critical: "red", high: "red", medium: "amber", low: "neutral", info: "neutral" };

const STATE_TONE: Record<FindingState, BadgeTone> = { open: "neutral", acknowledged: "blue", accepted: "amber", fixed: "green", regressed: "red" };

export function StateBadge({ state }: { state: FindingState }) {
  return (
    <span data-testid="finding-state">
      <Badge tone={STATE_TONE[state]}>{state}</Badge>
    </span>
  );
}

export const day = (iso: string) => iso.slice(0, 10);

/** "Accepted until 2027-03-31 by lead@…: “reason”", and what else it covers when it is wider than the finding. */
export function ExceptionNote({ exception }: { exception: ExceptionDto }) {
  return (
    <p className="mt-1 text-sm text-amber-900" data-testid="finding-exception">
      Accepted until {day(exception.expiresAt)} by {exception.approvedBy}: “{exception.reason}”{exception.kind === "finding" ? "" : ` — the exception covers ${exception.label}`}
    </p>
  );
}
