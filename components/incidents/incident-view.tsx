"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { orgApiPath } from "@/components/api/client";
import { Alert } from "@/components/ui/alert";
import { SyncPanel } from "@/components/github/sync-panel";
import { ChecklistSection } from "./checklist-section";
import { CloseSection } from "./close-section";
import { DriftSection } from "./drift-section";
import { IncidentProvider, useIncident } from "./incident-context";
import { IncidentStatusBadge, Progress, SeverityBadge } from "./incident-parts";
import { utc } from "./labels";
import { fetchIncident, incidentKeys, POLL_MS, type IncidentView as Detail } from "./queries";
import { ScopeSection } from "./scope-section";
import { TimelineSection } from "./timeline-section";

function Header({ d }: { d: Detail }) {
  const rows: [string, ReactNode][] = [
    ["Target", <><span className="text-slate-600">{d.kind}:</span> <span className="break-all font-mono text-xs">{d.targetLabel}</span></>],
    ["Compromise window", d.window ? `${utc(d.window.from)} → ${utc(d.window.to)}` : "none given (reach only, no exposure from runs)"],
    ["Commander", d.commander],
    ["Started", `${utc(d.startedAt)} by ${d.startedBy}`],
    ["Scope", `frozen from the inventory of ${utc(d.inventoryAt)}`],
  ];
  if (d.exposureNote) rows.push(["Exposure", `${d.exposureNote}${d.exposureCheckedAt ? ` (read ${utc(d.exposureCheckedAt)})` : ""}`]);
  if (d.closedAt) rows.push(["Closed", `${utc(d.closedAt)} by ${d.closedBy ?? "?"}`]);
  return (
    <header className="mb-6 border-b border-slate-200 pb-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">
          INC-{d.number} {d.title}
        </h1>
        <IncidentStatusBadge status={d.status} />
        <SeverityBadge severity={d.severity} />
      </div>
      <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="font-medium text-slate-600">{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {d.summary ? (
        <div className="mt-3 rounded-md border border-green-300 bg-green-50 p-3 text-sm">
          <h2 className="font-semibold">Summary</h2>
          <p className="mt-1 whitespace-pre-wrap">{d.summary}</p>
        </div>
      ) : null}
      <div className="mt-4 max-w-xl">
        <Progress finished={d.progress.finished} total={d.progress.total} label={`Progress of INC-${d.number}`} />
      </div>
    </header>
  );
}

function ResponderNote({ d }: { d: Detail }) {
  const { editable, actionsMissing } = useIncident();
  if (!editable) return null;
  if (actionsMissing) return <Alert tone="info">This Gatehouse cannot act on GitHub from here yet: run each item&apos;s command by hand and record what answered as evidence.</Alert>;
  if (d.responder && d.responder.configured === false) {
    return <Alert tone="info">{d.responder.message ?? "No responder App is configured: each action lists the exact calls to make by hand, and you record what answered as evidence."}</Alert>;
  }
  return null;
}

function ReportLinks({ orgSlug, d }: { orgSlug: string; d: Detail }) {
  const href = (format: "md" | "json") => `${orgApiPath(orgSlug, "incidents", d.id, "report")}?format=${format}`;
  return (
    <section aria-labelledby="report-heading" id="report" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <h2 id="report-heading" className="text-lg font-semibold">
        Report
      </h2>
      <p className="mt-1 text-slate-600">The whole incident (scope, exposure, checklist with evidence, timeline), to paste into a ticket.</p>
      <div className="mt-2 flex flex-wrap gap-3">
        <a href={href("md")} download className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-100">
          Download Markdown
        </a>
        <a href={href("json")} download className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-100">
          Download JSON
        </a>
      </div>
    </section>
  );
}

function Body({ orgSlug, d, stale, canSync }: { orgSlug: string; d: Detail; stale: string | null; canSync: boolean }) {
  const { editable } = useIncident();
  const unfinished = d.progress.total - d.progress.finished;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/orgs/${orgSlug}/incidents`} className="text-blue-800 underline">
          Incidents
        </Link>{" "}
        / INC-{d.number}
      </p>
      <Header d={d} />
      <div className="mb-4 space-y-2">
        {stale ? <Alert>Live updates paused: {stale}. What you see may be out of date; it retries by itself.</Alert> : null}
        {d.status === "closed" ? <Alert tone="info">This incident is closed: it is read-only.</Alert> : null}
        <ResponderNote d={d} />
      </div>
      <nav aria-label="On this page" className="mb-6 flex flex-wrap gap-x-4 gap-y-1 text-sm">
        <a href="#scope" className="text-blue-800 underline">Scope</a>
        {d.drift.length > 0 && d.status === "open" ? <a href="#drift" className="text-blue-800 underline">Drift ({d.drift.length})</a> : null}
        <a href="#checklist" className="text-blue-800 underline">Checklist</a>
        <a href="#timeline" className="text-blue-800 underline">Timeline</a>
        {editable ? <a href="#close" className="text-blue-800 underline">Close</a> : null}
        <a href="#report" className="text-blue-800 underline">Report</a>
        {d.status === "open" ? <span className="text-slate-600">Live: refreshes every {POLL_MS / 1000} s</span> : null}
      </nav>
      <div className="space-y-6">
        <ScopeSection d={d} orgSlug={orgSlug} />
        {d.drift.length > 0 && d.status === "open" ? <DriftSection drift={d.drift} /> : null}
        <div className="grid items-start gap-6 xl:grid-cols-[minmax(0,1fr)_24rem]">
          <div className="space-y-6">
            <ChecklistSection steps={d.steps} scope={d.scope} />
            {editable ? <CloseSection unfinished={unfinished} /> : null}
          </div>
          <div className="space-y-6 xl:sticky xl:top-4">
            {/* A sync verifies rotations, records drift and shows whether a cause is gone (the boundary of step 7): at hand while the incident is open. */}
            {editable && canSync ? <SyncPanel orgSlug={orgSlug} canSync /> : null}
            <TimelineSection timeline={d.timeline} />
            <ReportLinks orgSlug={orgSlug} d={d} />
          </div>
        </div>
      </div>
    </>
  );
}

/**
 * The incident, hydrated from the server's render and then polled every few seconds while it
 * is open, so two responders see each other's progress without reloading.
 */
export function IncidentView({ orgSlug, incidentId, me, canRun, canOverride, canSync }: { orgSlug: string; incidentId: string; me: string; canRun: boolean; canOverride: boolean; canSync: boolean }) {
  const q = useQuery({
    queryKey: incidentKeys.detail(orgSlug, incidentId),
    queryFn: () => fetchIncident(orgSlug, incidentId),
    refetchInterval: (query) => (query.state.data?.status === "open" ? POLL_MS : false),
  });
  if (!q.data) return <Alert>{q.isError ? `The incident could not be loaded: ${q.error.message}` : "Loading the incident…"}</Alert>;
  return (
    <IncidentProvider orgSlug={orgSlug} incidentId={incidentId} me={me} editable={canRun && q.data.status === "open"} canOverride={canOverride}>
      <Body orgSlug={orgSlug} d={q.data} stale={q.isError ? q.error.message : null} canSync={canSync} />
    </IncidentProvider>
  );
}
