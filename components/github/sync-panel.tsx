"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { SyncRunDto } from "@/lib/connections/sync-run-dto";
import { apiWrite, orgApiPath, UNREACHABLE } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { fetchLatestSyncRun, isActive, syncKeys } from "./queries";

const STATUS_TONE: Record<SyncRunDto["status"], BadgeTone> = {
  queued: "neutral",
  running: "blue",
  succeeded: "green",
  partial: "amber",
  failed: "red",
};

/** "Sync now" and the live progress of the latest run (polled while one is under way). */
export function SyncPanel({ orgSlug, canSync }: { orgSlug: string; canSync: boolean }) {
  const qc = useQueryClient();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const run = useQuery({
    queryKey: syncKeys.latest(orgSlug),
    queryFn: () => fetchLatestSyncRun(orgSlug),
    refetchInterval: (q) => (isActive(q.state.data) ? 1000 : false),
  });
  const start = useMutation({
    mutationFn: () => apiWrite<{ runId: string }>("POST", orgApiPath(orgSlug, "sync-runs")),
    onSuccess: async (r) => {
      setError(r.ok ? null : r.error.message);
      await qc.invalidateQueries({ queryKey: syncKeys.latest(orgSlug) });
    },
    onError: () => setError(UNREACHABLE),
  });
  // When a run finishes, re-render the server parts of the page (repository counts).
  const wasActive = useRef(false);
  const active = isActive(run.data);
  useEffect(() => {
    if (wasActive.current && !active) router.refresh();
    wasActive.current = active;
  }, [active, router]);

  const r = run.data;
  const pct = r && r.reposTotal > 0 ? Math.round((100 * r.reposDone) / r.reposTotal) : 0;
  return (
    <section aria-labelledby="sync-heading" className="rounded-lg border border-slate-200 bg-white p-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="sync-heading" className="font-semibold">
          Sync with GitHub
        </h2>
        {canSync ? (
          <Button onClick={() => start.mutate()} disabled={start.isPending || active}>
            {active ? "Syncing…" : "Sync now"}
          </Button>
        ) : null}
      </div>
      {error ? (
        <div className="mt-3">
          <Alert>{error}</Alert>
        </div>
      ) : null}
      {run.isError ? (
        <div className="mt-3">
          <Alert>Sync status could not be loaded: {run.error.message}</Alert>
        </div>
      ) : null}
      {r === null ? <p className="mt-3 text-sm text-slate-600">No sync has run yet.</p> : null}
      {r ? (
        <div className="mt-3 space-y-3 text-sm" data-testid="sync-run">
          <p className="flex flex-wrap items-center gap-2">
            <Badge tone={STATUS_TONE[r.status]}>{r.status}</Badge>
            <span>
              {r.trigger} sync{r.requestedBy ? ` by ${r.requestedBy}` : ""}, started {r.startedAt.replace("T", " ").slice(0, 19)} UTC
              {r.finishedAt ? `, finished ${r.finishedAt.replace("T", " ").slice(11, 19)}` : ""}
            </span>
          </p>
          <div>
            <div className="flex justify-between text-xs text-slate-600">
              <span data-testid="sync-progress">
                {r.reposDone} / {r.reposTotal} repositories
              </span>
              <span>{pct}%</span>
            </div>
            <div className="mt-1 h-2 overflow-hidden rounded bg-slate-100" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100} aria-label="Sync progress">
              <div className="h-full bg-blue-700 transition-all" style={{ width: `${pct}%` }} />
            </div>
          </div>
          {r.waitingUntil ? (
            <Alert tone="info">Waiting for GitHub&apos;s rate limit to reset at {r.waitingUntil.slice(11, 19)} UTC; the sync continues by itself.</Alert>
          ) : null}
          <dl className="grid grid-cols-2 gap-x-6 gap-y-1 sm:grid-cols-4">
            <Stat label="Requests charged" value={r.charged} />
            <Stat label="Not modified (free)" value={r.notModified} />
            <Stat label="GraphQL points" value={r.graphqlPoints} />
            <Stat label="Retries" value={r.retries} />
          </dl>
          {r.message ? <p className="text-slate-700">{r.message}</p> : null}
          {r.errors.length > 0 ? (
            <div>
              <h3 className="font-medium">Problems ({r.errors.length})</h3>
              <ul className="mt-1 list-disc space-y-1 pl-5 text-slate-700">
                {r.errors.map((e, i) => (
                  <li key={i}>
                    {e.repo ? <strong>{e.repo}: </strong> : null}
                    {e.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div>
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className="font-mono">{value}</dd>
    </div>
  );
}
