"use client";

import { useLayoutEffect, useRef } from "react";
import type { IncidentDetailDto } from "@/lib/incidents/incident-dto";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { utc } from "./labels";

const TYPE_TONE: Record<string, BadgeTone> = { started: "amber", closed: "green", verified: "green", action_result: "blue", action: "blue", exposure: "red", drift: "amber", scope_added: "amber" };

/**
 * Every event, oldest first, with who and when (UTC); append-only on the server. On wide
 * screens the list scrolls on its own beside the checklist, and follows new events when the
 * reader is at its end.
 */
export function TimelineSection({ timeline }: { timeline: IncidentDetailDto["timeline"] }) {
  const list = useRef<HTMLOListElement>(null);
  const seen = useRef(0);
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 120;
    if (seen.current === 0 || (timeline.length > seen.current && atEnd)) el.scrollTop = el.scrollHeight;
    seen.current = timeline.length;
  }, [timeline.length]);
  return (
    <section aria-labelledby="timeline-heading" id="timeline" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <h2 id="timeline-heading" className="text-lg font-semibold">
        Timeline ({timeline.length})
      </h2>
      <ol ref={list} tabIndex={0} aria-label="Timeline events, oldest first" className="mt-3 space-y-3 border-l border-slate-200 pl-3 xl:max-h-[60vh] xl:overflow-y-auto" data-testid="timeline">
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
