"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Result } from "@/lib/http/errors";
import type { PipelineReadOutcomeDto, PipelineSourceDto } from "@/lib/pipeline-sources/pipeline-sources-dto";
import { apiWrite, orgApiPath, UNREACHABLE } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { readTime, SourceHeading } from "@/components/settings/source-heading";
import { fetchPipelineSources, pipelineSourceKeys } from "./pipeline-queries";
import { PipelineSourceSummary } from "./pipeline-source-summary";
import { AddPipelineSourceForm, type Notice } from "./pipeline-source-form";

const KIND: Record<PipelineSourceDto["kind"], string> = { buildkite: "Buildkite", kubernetes: "Kubernetes" };
const from = (f: PipelineSourceDto["credentialsFrom"]) => (f === "environment" ? "from the server's environment" : "stored encrypted");

function where(s: PipelineSourceDto): string {
  if (s.kind === "buildkite") return `organization ${s.settings.orgSlug ?? "?"}${s.settings.apiUrl ? ` at ${s.settings.apiUrl}` : ""}`;
  const parts = [s.settings.server ? `server ${s.settings.server}` : s.credentialsFrom === "environment" ? "the server's KUBECONFIG cluster" : "the kubeconfig's cluster", s.settings.context ? `context ${s.settings.context}` : null, s.settings.namespaces?.length ? `namespaces ${s.settings.namespaces.join(", ")}` : "every namespace"];
  return parts.filter(Boolean).join(", ");
}

export function PipelineSourcesPanel({ orgSlug }: { orgSlug: string }) {
  const qc = useQueryClient();
  const sources = useQuery({ queryKey: pipelineSourceKeys.list(orgSlug), queryFn: () => fetchPipelineSources(orgSlug) });
  const [notice, setNotice] = useState<Notice>(null);

  const run = useMutation({
    mutationFn: async (op: () => Promise<Result<unknown>>) => op(),
    onSuccess: async (result) => {
      if (!result.ok) setNotice({ tone: "error", text: result.error.message });
      await qc.invalidateQueries({ queryKey: pipelineSourceKeys.list(orgSlug) });
    },
    onError: () => setNotice({ tone: "error", text: UNREACHABLE }),
  });

  const readNow = (s: PipelineSourceDto) =>
    run.mutate(async () => {
      const r = await apiWrite<PipelineReadOutcomeDto>("POST", orgApiPath(orgSlug, "pipeline-sources", s.id, "read"));
      if (r.ok) setNotice(r.data.status === "ok" ? { tone: "success", text: `${s.name}: read.` } : { tone: "error", text: `${s.name}: ${r.data.message}` });
      return r;
    });

  const setWriteAccess = (s: PipelineSourceDto, to: "none" | "environment") =>
    run.mutate(async () => {
      const r = await apiWrite<PipelineSourceDto>("PUT", orgApiPath(orgSlug, "pipeline-sources", s.id, "responder-credentials"), { from: to });
      if (r.ok) setNotice({ tone: "success", text: to === "none" ? `${s.name}: write access removed; containment shows the commands to run.` : `${s.name}: write access from the server's responder variables.` });
      return r;
    });

  const remove = (s: PipelineSourceDto) => {
    if (!window.confirm(`Remove ${s.name}? Its last read and findings go with it; containment records stay.`)) return;
    run.mutate(async () => {
      const r = await apiWrite("DELETE", orgApiPath(orgSlug, "pipeline-sources", s.id));
      if (r.ok) setNotice({ tone: "success", text: `${s.name} removed.` });
      return r;
    });
  };

  return (
    <div className="space-y-6">
      {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}

      <section aria-label="Pipeline sources" className="rounded-lg border border-slate-200 bg-white">
        {sources.isError ? (
          <div className="p-4">
            <Alert>Pipeline sources could not be loaded: {sources.error.message}</Alert>
          </div>
        ) : null}
        {sources.data && sources.data.length === 0 ? <p className="p-4 text-sm text-slate-600">No pipeline source yet: add a Buildkite organization or a cluster below.</p> : null}
        <ul className="divide-y divide-slate-100">
          {sources.data?.map((s) => (
            <li key={s.id} className="flex flex-wrap items-start justify-between gap-4 p-4 text-sm" data-testid="pipeline-source" data-name={s.name}>
              <div className="min-w-64 flex-1">
                <SourceHeading name={s.name} kind={KIND[s.kind]} status={s.status} responderFrom={s.responderCredentialsFrom} />
                <div className="mt-1 text-slate-600">
                  {where(s)} · credentials {from(s.credentialsFrom)} · last read {readTime(s.lastReadAt)}
                </div>
                {s.status === "failed" && s.statusMessage ? (
                  <p className="mt-1 text-red-800" data-testid="pipeline-source-error">
                    {s.statusMessage} {s.lastGoodReadAt ? `The last good read (${readTime(s.lastGoodReadAt)}) is kept.` : ""}
                  </p>
                ) : null}
                {s.warnings.map((w) => (
                  <p key={w} className="mt-1 text-amber-800">
                    {w}
                  </p>
                ))}
                <PipelineSourceSummary source={s} />
              </div>
              <div className="flex flex-wrap items-center gap-2">
                <Button variant="secondary" disabled={run.isPending} onClick={() => readNow(s)}>
                  Read now
                </Button>
                <Button variant="secondary" disabled={run.isPending} onClick={() => setWriteAccess(s, s.responderCredentialsFrom === "none" ? "environment" : "none")}>
                  {s.responderCredentialsFrom === "none" ? "Use the server's responder credentials" : "Remove write access"}
                </Button>
                <Button variant="danger" disabled={run.isPending} onClick={() => remove(s)}>
                  Remove
                </Button>
              </div>
            </li>
          ))}
        </ul>
      </section>

      <AddPipelineSourceForm orgSlug={orgSlug} pending={run.isPending} submit={(op) => run.mutate(op)} setNotice={setNotice} />
    </div>
  );
}
