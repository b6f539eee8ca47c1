"use client";

import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import type { TrendPoint } from "@/lib/findings/trend";
import { SEVERITY_ORDER } from "@/lib/findings/state";

// Findings present per severity after each sync (lib/findings/trend.ts), and the over-broad
// credentials each sync left (on the right axis: their scale is not the findings'). The chart is for the
// eye (role="img" with a one-sentence summary); the same numbers are a table below it for
// screen readers, keyboards and copying.

const COLOUR: Record<(typeof SEVERITY_ORDER)[number], string> = {
  critical: "#7f1d1d",
  high: "#dc2626",
  medium: "#b45309",
  low: "#475569",
  info: "#94a3b8",
};

const when = (iso: string) => `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;

function summary(points: TrendPoint[]): string {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const parts = SEVERITY_ORDER.filter((s) => last.counts[s] > 0).map((s) => `${last.counts[s]} ${s}`);
  const now = `${last.total} (${parts.join(", ") || "none"})`;
  const broad = last.overBroad ? ` Over-broad credentials after the latest: ${last.overBroad.overBroad} (${last.overBroad.unused} unused).` : "";
  if (points.length === 1) return `Findings by severity after the only sync so far, at ${when(last.at)} UTC: ${now}.${broad}`;
  return `Findings by severity over the last ${points.length} syncs: ${first.total} after the sync of ${when(first.at)} UTC, ${now} after the latest.${broad}`;
}

const BROAD_COLOUR = "#1d4ed8";

const broadByScope = (byScope: Record<string, number | undefined>) =>
  Object.entries(byScope)
    .map(([scope, n]) => `${scope} ${n ?? 0}`)
    .join(", ");

export function TrendChart({ points, title = "Trend" }: { points: TrendPoint[]; title?: string }) {
  const headingId = `trend-heading-${title.replace(/\W+/g, "-").toLowerCase()}`;
  if (points.length === 0) {
    return (
      <section aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-5" data-testid="findings-trend">
        <h2 id={headingId} className="font-semibold">
          {title}
        </h2>
        <p className="mt-2 text-sm text-slate-600">No sync finished in the last 90 days: the trend starts with the next one.</p>
      </section>
    );
  }
  const data = points.map((p) => ({ at: when(p.at), ...p.counts, overBroad: p.overBroad?.overBroad ?? null }));
  const hasBroad = points.some((p) => p.overBroad);
  const shown = SEVERITY_ORDER.filter((s) => points.some((p) => p.counts[s] > 0));
  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-5" data-testid="findings-trend">
      <h2 id={headingId} className="font-semibold">
        {title}
      </h2>
      <p className="text-sm text-slate-600">
        Findings present after each sync, by severity{hasBroad ? ", and the over-broad credentials it left (dashed, right axis)" : ""} (times in UTC).
      </p>
      <div role="img" aria-label={summary(points)} className="mt-3">
        <LineChart responsive accessibilityLayer={false} data={data} style={{ width: "100%", height: 240 }} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="at" tick={{ fontSize: 12, fill: "#334155" }} minTickGap={24} />
          <YAxis yAxisId="findings" allowDecimals={false} width={40} tick={{ fontSize: 12, fill: "#334155" }} />
          {hasBroad ? <YAxis yAxisId="broad" orientation="right" allowDecimals={false} width={40} tick={{ fontSize: 12, fill: BROAD_COLOUR }} /> : null}
          <Tooltip />
          <Legend itemSorter={null} />
          {shown.map((s) => (
            <Line key={s} yAxisId="findings" type="linear" dataKey={s} name={s} stroke={COLOUR[s]} strokeWidth={2} dot={points.length <= 30} isAnimationActive={false} />
          ))}
          {hasBroad ? (
            <Line yAxisId="broad" type="linear" dataKey="overBroad" name="over-broad credentials" stroke={BROAD_COLOUR} strokeDasharray="6 3" strokeWidth={2} dot={points.length <= 30} isAnimationActive={false} />
          ) : null}
        </LineChart>
      </div>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer text-blue-800 underline">The numbers</summary>
        <div tabIndex={0} role="region" aria-label="Findings per sync (scrollable)" className="mt-2 max-h-64 overflow-auto">
          <table className="w-full text-left" data-testid="trend-table">
            <caption className="sr-only">Findings present after each sync, by severity, and the over-broad credentials it left</caption>
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="py-1 pr-3">Sync finished (UTC)</th>
                {SEVERITY_ORDER.map((s) => (
                  <th key={s} scope="col" className="py-1 pr-3 text-right">
                    {s}
                  </th>
                ))}
                <th scope="col" className="py-1 pr-3 text-right">Total</th>
                <th scope="col" className="py-1 pr-3 text-right">Over-broad credentials</th>
                <th scope="col" className="py-1 pr-3 text-right">of which unused</th>
              </tr>
            </thead>
            <tbody>
              {[...points].reverse().map((p) => (
                <tr key={p.runId} className="border-b border-slate-100">
                  <th scope="row" className="py-1 pr-3 font-normal">
                    {p.at.slice(0, 16).replace("T", " ")}
                    {p.status === "succeeded" ? "" : ` (${p.status})`}
                  </th>
                  {SEVERITY_ORDER.map((s) => (
                    <td key={s} className="py-1 pr-3 text-right tabular-nums">
                      {p.counts[s]}
                    </td>
                  ))}
                  <td className="py-1 pr-3 text-right font-medium tabular-nums">{p.total}</td>
                  <td className="py-1 pr-3 text-right tabular-nums" title={p.overBroad ? broadByScope(p.overBroad.byScope) : "not counted for this sync"}>
                    {p.overBroad ? p.overBroad.overBroad : "–"}
                  </td>
                  <td className="py-1 pr-3 text-right tabular-nums">{p.overBroad ? p.overBroad.unused : "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
