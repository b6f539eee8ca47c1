import type { BuildkitePipelineFactsDto, TektonFactsDto, WorkflowLiveFactsDto } from "@/lib/pipeline-sources/live-facts-dto";
import { Badge } from "@/components/ui/badge";
import { SEVERITY_TONE } from "@/components/findings/finding-labels";

// "From Buildkite" / "From the cluster": what the organisation's pipeline sources say about this
// file — settings the repository does not hold — and the findings only they can show.

function Pipeline({ p }: { p: BuildkitePipelineFactsDto }) {
  return (
    <li className="rounded border border-slate-200 p-3" data-testid="live-pipeline">
      <div className="flex flex-wrap items-center gap-2">
        <a href={p.webUrl} className="font-mono text-blue-800 underline" rel="noreferrer" target="_blank">
          {p.slug}
        </a>
        {p.archived ? <Badge>archived</Badge> : null}
        {p.buildsForks ? <Badge tone="red">builds fork pull requests</Badge> : p.buildsPullRequests ? <Badge>builds pull requests (not forks)</Badge> : <Badge tone="green">no pull-request builds</Badge>}
      </div>
      <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-slate-700">
        <dt>Branch filter</dt>
        <dd className="font-mono">{p.branchFilter ?? "every branch"}</dd>
        <dt>Queues</dt>
        <dd>
          {p.queues.length === 0
            ? "none"
            : p.queues.map((q) => (
                <span key={q.key} className="mr-2 inline-flex items-center gap-1">
                  <span className="font-mono">{q.key}</span>
                  {q.paused ? <Badge tone="amber">paused</Badge> : null}
                  <span className="text-xs text-slate-500">
                    ({q.agents} agent{q.agents === 1 ? "" : "s"})
                  </span>
                </span>
              ))}
          {p.cluster ? <span className="text-slate-500"> in cluster {p.cluster}</span> : <span className="text-slate-500"> (unclustered)</span>}
        </dd>
        <dt>Teams with access</dt>
        <dd>{p.owners.length === 0 ? "none read" : p.owners.map((o) => `${o.name} (${o.accessLevel.replaceAll("_", " ")})`).join(", ")}</dd>
      </dl>
    </li>
  );
}

function Cluster({ t }: { t: TektonFactsDto }) {
  return (
    <li className="rounded border border-slate-200 p-3" data-testid="live-namespace">
      <p>
        Namespace <span className="font-mono">{t.namespace}</span> · Repository <span className="font-mono">{t.repository}</span> on {t.source}
      </p>
      <ul className="mt-2 space-y-2">
        {t.serviceAccounts.map((a) => (
          <li key={`${a.namespace}/${a.name}`} data-testid="live-service-account">
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-mono">
                ServiceAccount {a.namespace}/{a.name}
              </span>
              {!a.found ? <Badge tone="amber">not in the cluster</Badge> : null}
              {a.flags.map((f) => (
                <Badge key={f} tone={f === "cluster-admin" || f === "escalation" ? "red" : "amber"}>
                  {f}
                </Badge>
              ))}
            </div>
            <p className="text-xs text-slate-600">used by {a.jobKeys.join(", ")}</p>
            {a.grants.length > 0 ? (
              <ul className="ml-4 list-disc text-slate-700">
                {a.grants.map((g) => (
                  <li key={g}>{g}</li>
                ))}
              </ul>
            ) : a.found ? (
              <p className="text-slate-600">No role bindings.</p>
            ) : null}
            {a.workloadIdentities.map((w) => (
              <p key={w.id} className="text-slate-700">
                {w.provider.toUpperCase()} identity <span className="font-mono">{w.id}</span>
                {w.trust ? <span> · cloud trust {w.trust.name}</span> : <span className="text-slate-500"> · no cloud trust read for it</span>}
              </p>
            ))}
            {a.longLivedTokens.length > 0 ? <p className="text-red-900">Long-lived token secrets: {a.longLivedTokens.join(", ")}</p> : null}
          </li>
        ))}
      </ul>
    </li>
  );
}

export function LiveFactsPanel({ facts, system }: { facts: WorkflowLiveFactsDto; system: "buildkite" | "tekton" }) {
  const title = system === "buildkite" ? "From Buildkite" : "From the cluster";
  const empty = facts.buildkite.length === 0 && facts.tekton.length === 0;
  return (
    <section aria-labelledby="live-facts-heading" className="rounded-lg border border-slate-200 bg-white p-4 text-sm" data-testid="live-facts">
      <h2 id="live-facts-heading" className="font-semibold">
        {title}
      </h2>
      <p className="text-xs text-slate-600">{facts.readAt ? `Read ${facts.readAt.slice(0, 16).replace("T", " ")} UTC` : "Not read yet"}</p>
      {empty ? (
        <p className="mt-2 text-slate-600">
          {system === "buildkite" ? "No Buildkite pipeline of the connected organization uploads this file." : "No Pipelines-as-Code Repository of the connected clusters runs this repository."}
        </p>
      ) : (
        <ul className="mt-2 space-y-2">
          {facts.buildkite.map((p) => (
            <Pipeline key={`${p.source}/${p.slug}`} p={p} />
          ))}
          {facts.tekton.map((t) => (
            <Cluster key={`${t.source}/${t.namespace}/${t.repository}`} t={t} />
          ))}
        </ul>
      )}
      {facts.findings.length > 0 ? (
        <ul className="mt-3 space-y-2">
          {facts.findings.map((f, i) => (
            <li key={i} data-testid="live-finding">
              <div className="flex flex-wrap items-center gap-2">
                <Badge tone={SEVERITY_TONE[f.severity] ?? "neutral"}>{f.severity}</Badge>
                <span className="font-medium">{f.title}</span>
                <span className="font-mono text-xs">{f.rule}</span>
                {f.jobKey ? <span className="font-mono text-xs text-slate-600">{f.jobKey}</span> : null}
              </div>
              <p className="mt-1">{f.message}</p>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
