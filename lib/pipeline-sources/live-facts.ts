import type { PipelineSourceFinding, PipelineSourceSnapshot } from "@/lib/db/schema/pipeline-sources";
import type { WorkloadIdentity } from "@/lib/kubernetes/types";
import { buildsForks, queueOf } from "./fork-reach";
import { joinBuildkite, joinCluster, type PipelineInventory } from "./join";
import type { BuildkitePipelineFactsDto, LiveFindingDto, ServiceAccountFactsDto, TektonFactsDto, WorkflowLiveFactsDto } from "./live-facts-dto";
import { PIPELINE_SOURCE_RULES } from "./rules";

// One Buildkite or Tekton file's live facts from the organisation's pipeline sources (pure).

export interface SourceForFacts {
  name: string;
  snapshot: PipelineSourceSnapshot;
  findings: PipelineSourceFinding[];
  lastGoodReadAt: Date | null;
}

/** A cloud trust as lib/trust-sources stores it, enough to name the one a workload identity is. */
export interface TrustForFacts {
  id: string;
  provider: string;
  externalId: string;
  name: string;
  details: { resource: string; clientId?: string; permissions: string[] } | null;
}

/**
 * The trust a workload identity is: AWS by role ARN (`trust.external_id`); Azure by the app's
 * client id (`details.clientId`); Google by the service account's email, when a trust's resource
 * is it or its permissions name it (`roles/iam.workloadIdentityUser on sa@…`).
 */
function trustOf(w: WorkloadIdentity, trusts: TrustForFacts[]): { id: string; name: string } | null {
  const t = trusts.find((t) => {
    if (t.provider !== w.provider) return false;
    if (w.provider === "aws") return t.externalId === w.id;
    if (w.provider === "azure") return t.details?.clientId === w.id;
    return t.details?.resource === w.id || (t.details?.permissions ?? []).some((p) => p.includes(w.id));
  });
  return t ? { id: t.id, name: t.name } : null;
}

export function liveFactsOf(workflow: { repo: string; path: string; system: string }, sources: SourceForFacts[], inventory: PipelineInventory, trusts: TrustForFacts[]): WorkflowLiveFactsDto | null {
  const kind = workflow.system === "buildkite" ? "buildkite" : workflow.system === "tekton" ? "kubernetes" : null;
  const relevant = sources.filter((s) => s.snapshot.kind === kind);
  if (kind === null || relevant.length === 0) return null;
  const sameFile = (repo: string | null, path: string | null) => repo?.toLowerCase() === workflow.repo.toLowerCase() && path === workflow.path;
  const buildkite: BuildkitePipelineFactsDto[] = [];
  const tekton: TektonFactsDto[] = [];
  const findings: LiveFindingDto[] = [];
  for (const source of relevant) {
    const resources = new Set<string>();
    if (source.snapshot.kind === "buildkite") {
      for (const j of joinBuildkite(source.snapshot.read, inventory)) {
        if (!sameFile(j.repo, j.file?.path ?? null)) continue;
        resources.add(`pipeline ${j.pipeline.slug}`);
        const keys = [...new Set(j.steps.filter((s) => s.job.stepType === undefined || s.job.stepType === "command").map((s) => queueOf(s.job, j.cluster)))];
        buildkite.push({
          source: source.name,
          slug: j.pipeline.slug,
          name: j.pipeline.name,
          webUrl: j.pipeline.webUrl,
          buildsPullRequests: j.pipeline.triggers.pullRequests,
          buildsForks: buildsForks(j.pipeline),
          branchFilter: j.pipeline.branchFilter,
          archived: j.pipeline.archivedAt !== null,
          cluster: j.cluster?.name ?? null,
          queues: keys.map((key) => {
            const q = j.cluster?.queues.find((x) => x.key === key);
            return { key, paused: q?.dispatchPaused ?? false, agents: q?.agents.length ?? 0 };
          }),
          owners: j.pipeline.teams.map((t) => ({ slug: t.slug, name: t.name, accessLevel: t.accessLevel })),
        });
      }
    } else {
      for (const f of joinCluster(source.snapshot.read, inventory)) {
        if (!sameFile(f.repo, f.path)) continue;
        const serviceAccounts: ServiceAccountFactsDto[] = f.accounts.map((a) => ({
          namespace: a.namespace,
          name: a.name,
          found: a.account !== null,
          jobKeys: a.jobKeys,
          grants: (a.account?.grants ?? []).map((g) => `${g.role} through ${g.binding} (${g.namespace === null ? "cluster-wide" : `in ${g.namespace}`})`),
          flags: a.account?.flags ?? [],
          workloadIdentities: (a.account?.workloadIdentities ?? []).map((w) => ({ provider: w.provider, id: w.id, trust: trustOf(w, trusts) })),
          longLivedTokens: (a.account?.secrets ?? []).filter((s) => s.kind === "service-account-token" && s.exists !== false).map((s) => s.name),
        }));
        tekton.push({ source: source.name, namespace: f.repository.namespace, repository: f.repository.name, url: f.repository.url, serviceAccounts });
      }
    }
    // Its pipelines' findings that name no file (settings, stored steps): the file's own are finding
    // rows of the file (finding-rows.ts), in the page's "Open findings" with their triage.
    for (const finding of source.findings) {
      if (finding.workflowPath === null && resources.has(finding.resource)) {
        findings.push({ ...finding, source: source.name, title: PIPELINE_SOURCE_RULES[finding.rule as keyof typeof PIPELINE_SOURCE_RULES] ?? finding.rule });
      }
    }
  }
  const reads = relevant.map((s) => s.lastGoodReadAt?.getTime() ?? 0).filter((t) => t > 0);
  return { readAt: reads.length ? new Date(Math.max(...reads)).toISOString() : null, buildkite, tekton, findings };
}
