import type { PipelineSourceDto } from "@/lib/pipeline-sources/pipeline-sources-dto";
import { Badge } from "@/components/ui/badge";

// The last good read of one source as a few figures, and what the evaluation found in it.

const SEVERITY_TONE = { critical: "red", high: "red", medium: "amber", low: "neutral" } as const;

export function PipelineSourceSummary({ source }: { source: PipelineSourceDto }) {
  const s = source.summary;
  if (!s) return null;
  const figures =
    s.kind === "buildkite"
      ? [
          `organization ${s.organization}`,
          `${s.pipelines} pipeline(s)`,
          `${s.forkPullRequestPipelines} pipeline(s) building fork pull requests`,
          `${s.clusters} cluster(s), ${s.queues} queue(s)`,
          s.teamsRead ? "teams read" : "teams not read (no read_teams)",
        ]
      : [
          `server ${s.server}`,
          `namespaces ${s.namespaces.join(", ") || "none"}`,
          `${s.serviceAccounts} service account(s)`,
          `${s.clusterAdmin} with cluster-admin`,
          `${s.wildcard} with wildcard rules`,
          `${s.workloadIdentities} workload identit${s.workloadIdentities === 1 ? "y" : "ies"}`,
          `${s.repositories} Pipelines-as-Code Repositor${s.repositories === 1 ? "y" : "ies"}`,
          `${s.runningPipelineRuns} running PipelineRun(s)`,
        ];
  return (
    <div className="mt-2 space-y-1">
      <ul className="flex flex-wrap gap-x-3 gap-y-1 text-slate-700" data-testid="pipeline-source-summary">
        {figures.map((f) => (
          <li key={f}>{f}</li>
        ))}
      </ul>
      {s.kind === "buildkite" ? <p className="text-xs text-slate-600">Token scopes: {s.tokenScopes.join(", ") || "none"}</p> : null}
      {source.findings.length > 0 ? (
        <ul className="mt-1 space-y-1" aria-label={`Findings of ${source.name}`}>
          {source.findings.map((f, i) => (
            <li key={`${f.rule}-${f.resource}-${i}`} data-testid="pipeline-source-finding" data-rule={f.rule} className="flex flex-wrap items-baseline gap-2">
              <Badge tone={SEVERITY_TONE[f.severity]}>{f.severity}</Badge>
              <span>{f.message}</span>
              <span className="text-xs text-slate-600">
                {f.resource}
                {f.repo ? ` · ${f.repo}${f.workflowPath ? `/${f.workflowPath}` : ""}` : ""}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
