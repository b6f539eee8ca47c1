import type { AuditEventDto } from "@/lib/audit/audit-repo";
import { Badge } from "@/components/ui/badge";
import { describeAuditEvent } from "./describe-event";

const OUTCOME_TONE = { success: "green", denied: "red", failure: "amber" } as const;

export function AuditTable({
  events,
  compact = false,
  emptyText = "No events match these filters.",
}: {
  events: AuditEventDto[];
  compact?: boolean;
  emptyText?: string;
}) {
  if (events.length === 0) {
    return <p className="mt-3 text-sm text-slate-600">{emptyText}</p>;
  }
  return (
    <div tabIndex={0} role="region" aria-label="Audit events (scrollable)" className="mt-3 overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="py-2 pr-3 font-semibold">When (UTC)</th>
            <th scope="col" className="py-2 pr-3 font-semibold">Actor</th>
            <th scope="col" className="py-2 pr-3 font-semibold">Action</th>
            <th scope="col" className="py-2 pr-3 font-semibold">Outcome</th>
            <th scope="col" className="py-2 pr-3 font-semibold">Details</th>
            {compact ? null : <th scope="col" className="py-2 pr-3 font-semibold">Source</th>}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {events.map((e) => (
            <tr key={e.id} data-testid="audit-row">
              <td className="whitespace-nowrap py-2 pr-3 font-mono text-xs">{e.occurredAt.replace("T", " ").slice(0, 19)}</td>
              <td className="py-2 pr-3">
                {e.actorEmail ?? "system"}
                {e.actorRole ? <span className="text-slate-500"> ({e.actorRole})</span> : null}
              </td>
              <td className="py-2 pr-3 font-mono text-xs">{e.action}</td>
              <td className="py-2 pr-3">
                <Badge tone={OUTCOME_TONE[e.outcome]}>{e.outcome}</Badge>
              </td>
              <td className="py-2 pr-3">{describeAuditEvent(e)}</td>
              {compact ? null : (
                <td className="py-2 pr-3 text-xs text-slate-600">
                  {e.ip ?? "—"}
                  <br />
                  <span title={e.userAgent ?? undefined}>{e.requestId}</span>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
