import type { PipelineSourceFinding } from "@/lib/db/schema/pipeline-sources";

// What the workflow page shows of a Buildkite or Tekton file from its pipeline sources: JSON-safe,
// no secret (the reads hold none), nothing of another file's pipelines.

/** A Buildkite pipeline that builds the file (its stored steps upload it). */
export interface BuildkitePipelineFactsDto {
  source: string;
  slug: string;
  name: string;
  webUrl: string;
  buildsPullRequests: boolean;
  buildsForks: boolean;
  branchFilter: string | null;
  archived: boolean;
  cluster: string | null;
  /** The queues its steps (stored and uploaded) run on, as the cluster has them. */
  queues: { key: string; paused: boolean; agents: number }[];
  /** Teams with access: Buildkite's owners of the pipeline. */
  owners: { slug: string; name: string; accessLevel: string }[];
}

export interface ServiceAccountFactsDto {
  namespace: string;
  name: string;
  /** false: the file names it but the cluster has no such account. */
  found: boolean;
  jobKeys: string[];
  /** `ClusterRole/cluster-admin through ClusterRoleBinding/x (cluster-wide)`, one per grant. */
  grants: string[];
  flags: string[];
  /** The cloud identities its pods take, with the cloud trust they join when one is known. */
  workloadIdentities: { provider: string; id: string; trust: { id: string; name: string } | null }[];
  longLivedTokens: string[];
}

/** The cluster namespace whose Pipelines-as-Code Repository runs the file. */
export interface TektonFactsDto {
  source: string;
  namespace: string;
  repository: string;
  url: string;
  serviceAccounts: ServiceAccountFactsDto[];
}

export interface LiveFindingDto extends PipelineSourceFinding {
  source: string;
  title: string;
}

export interface WorkflowLiveFactsDto {
  /** When the newest source shown was last read successfully (ISO), null if never. */
  readAt: string | null;
  buildkite: BuildkitePipelineFactsDto[];
  tekton: TektonFactsDto[];
  findings: LiveFindingDto[];
}
