import type { BuildkiteOrgRead } from "@/lib/buildkite/types";
import type { ClusterRead } from "@/lib/kubernetes/types";
import type { CredentialsFrom, pipelineSources, PipelineSourceFinding, PipelineSourceKind, PipelineSourceSettings, PipelineSourceSnapshot, PipelineSourceStatus } from "@/lib/db/schema/pipeline-sources";

// What the Pipelines settings page and the API answer: JSON-safe, never a credential (only where
// credentials come from), and the last good read as a few figures, not the read itself.

export interface BuildkiteSummaryDto {
  kind: "buildkite";
  organization: string;
  pipelines: number;
  /** Pipelines (not archived) that build pull requests from forks: outside code on their agents. */
  forkPullRequestPipelines: number;
  clusters: number;
  queues: number;
  /** false when the token lacks read_teams (owners unknown). */
  teamsRead: boolean;
  tokenScopes: string[];
}

export interface KubernetesSummaryDto {
  kind: "kubernetes";
  server: string;
  namespaces: string[];
  serviceAccounts: number;
  /** Accounts bound cluster-wide to cluster-admin (or to every verb on every resource). */
  clusterAdmin: number;
  /** Accounts holding a rule with `*` verbs or resources. */
  wildcard: number;
  workloadIdentities: number;
  repositories: number;
  runningPipelineRuns: number;
}

export interface PipelineSourceDto {
  id: string;
  kind: PipelineSourceKind;
  name: string;
  settings: PipelineSourceSettings;
  credentialsFrom: CredentialsFrom;
  /** Write access for containment: where the responder credentials come from (never them). */
  responderCredentialsFrom: CredentialsFrom;
  status: PipelineSourceStatus;
  statusMessage: string | null;
  warnings: string[];
  lastReadAt: string | null;
  lastGoodReadAt: string | null;
  /** The last good read's figures; null before the first good read. */
  summary: BuildkiteSummaryDto | KubernetesSummaryDto | null;
  /** What the last evaluation found (lib/pipeline-sources/evaluate.ts); empty until one ran. */
  findings: PipelineSourceFinding[];
  createdBy: string;
  createdAt: string;
}

export interface PipelineReadOutcomeDto {
  sourceId: string;
  status: "ok" | "failed";
  message: string | null;
  summary: BuildkiteSummaryDto | KubernetesSummaryDto | null;
}

export function buildkiteSummary(read: BuildkiteOrgRead): BuildkiteSummaryDto {
  return {
    kind: "buildkite",
    organization: read.organization.name,
    pipelines: read.pipelines.length,
    forkPullRequestPipelines: read.pipelines.filter((p) => p.archivedAt === null && p.triggers.pullRequests && p.triggers.pullRequestsFromForks).length,
    clusters: read.clusters.length,
    queues: read.clusters.reduce((n, c) => n + c.queues.length, 0),
    teamsRead: read.teams !== null,
    tokenScopes: read.tokenScopes,
  };
}

export function kubernetesSummary(read: ClusterRead): KubernetesSummaryDto {
  const accounts = read.namespaces.flatMap((n) => n.serviceAccounts);
  return {
    kind: "kubernetes",
    server: read.server,
    namespaces: read.namespaces.map((n) => n.name),
    serviceAccounts: accounts.length,
    clusterAdmin: accounts.filter((a) => a.flags.includes("cluster-admin")).length,
    wildcard: accounts.filter((a) => a.flags.includes("wildcard-verbs") || a.flags.includes("wildcard-resources")).length,
    workloadIdentities: accounts.reduce((n, a) => n + a.workloadIdentities.length, 0),
    repositories: read.namespaces.reduce((n, ns) => n + ns.repositories.length, 0),
    runningPipelineRuns: read.namespaces.reduce((n, ns) => n + ns.runningPipelineRuns.length, 0),
  };
}

export function snapshotSummary(snapshot: PipelineSourceSnapshot | null): BuildkiteSummaryDto | KubernetesSummaryDto | null {
  if (!snapshot) return null;
  return snapshot.kind === "buildkite" ? buildkiteSummary(snapshot.read) : kubernetesSummary(snapshot.read);
}

/** A stored row without what the client may never see: the sealed credentials are not even passed. */
type SourceRowLike = Omit<typeof pipelineSources.$inferSelect, "orgId" | "credentialsSealed" | "responderCredentialsSealed">;

/** A row as the client may see it: the sealed columns are not read from it. */
export function pipelineSourceDto(r: SourceRowLike): PipelineSourceDto {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    settings: r.settings,
    credentialsFrom: r.credentialsFrom,
    responderCredentialsFrom: r.responderCredentialsFrom,
    status: r.status,
    statusMessage: r.statusMessage,
    warnings: r.warnings,
    lastReadAt: r.lastReadAt?.toISOString() ?? null,
    lastGoodReadAt: r.lastGoodReadAt?.toISOString() ?? null,
    summary: snapshotSummary(r.snapshot),
    findings: r.findings,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
  };
}
