import type { IncidentDetailDto } from "@/lib/incidents/incident-dto";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { utc } from "./labels";

const TYPE_TONE: Record<string, BadgeTone> = { started: "amber", closed: "green", verified: "green", action_result: "blue", action: "blue", exposure: "red", scope_added: "amber" };

/** Every event, oldest first, with who and when (UTC). Append-only on the server. */
export function TimelineSection({ timeline }: { timeline: IncidentDetailDto["timeline"] }) {
  return (
    <section aria-labelledby="timeline-heading" id="timeline" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <h2 id="timeline-heading" className="text-lg font-semibold">
        Timeline ({timeline.length})
      </h2>
      <ol className="mt-3 space-y-3 border-l border-slate-200 pl-3" data-testid="timeline">
        {timeline.map((e) => (
          <li key={e.id} data-testid="timeline-event" data-type={e.type}>
            <p className="flex flex-wrap items-center gap-x-2 text-xs text-slate-600">
              <time dateTime={e.at}>{utc(e.at, true)}</time>
              <span>{e.actor}</span>
              <Badge tone={TYPE_TONE[e.type] ?? "neutral"}>{e.type.replace(/_/g, " ")}</Badge>
            </p>
            <p className="mt-0.5 whitespace-pre-wrap break-words">{e.message}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
