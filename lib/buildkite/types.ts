// What Gatehouse reads from one Buildkite organization through the REST API, in a shape that
// names no Buildkite wire field: the inventory adapter turns it into pipelines, owners and
// findings. Nothing here holds a secret value — the API never returns agent token values or
// secret values, and pipeline environment variables are kept by name only.

export interface BuildkiteOrgRead {
  organization: { id: string; slug: string; name: string; webUrl: string };
  /** The REST scopes the token has, as Buildkite reports them (GET /v2/access-token). */
  tokenScopes: string[];
  pipelines: BuildkitePipeline[];
  clusters: BuildkiteCluster[];
  /** null when the token lacks read_teams (a warning says so). */
  teams: BuildkiteTeam[] | null;
  /** What could not be read without failing the read, one sentence each. */
  warnings: string[];
}

export interface BuildkitePipeline {
  id: string;
  slug: string;
  name: string;
  webUrl: string;
  /** As configured in Buildkite, e.g. `git@github.com:acme/payments.git`. */
  repository: string;
  /** `github`, `github_enterprise`, `gitlab`, `bitbucket`, … (provider.id). */
  provider: string;
  /** `owner/name` as the provider knows it (provider.settings.repository), when given. */
  providerRepository: string | null;
  defaultBranch: string | null;
  /** The pipeline's branch filter pattern (`main release/*`), null when every branch builds. */
  branchFilter: string | null;
  visibility: "private" | "public";
  /** Archived pipelines run no new builds. */
  archivedAt: string | null;
  /** The cluster whose queues and secrets its builds use; null for an unclustered pipeline. */
  clusterId: string | null;
  triggers: BuildkiteTriggers;
  storedSteps: BuildkiteStoredSteps;
  /** Names of the pipeline-level environment variables (values are not kept). */
  envNames: string[];
  activeBuilds: { running: number; scheduled: number };
  /** Teams with access: the owners as Buildkite knows them. Empty when teams were not read. */
  teams: { teamId: string; slug: string; name: string; accessLevel: string }[];
}

/** What makes the pipeline build: the provider settings that decide whose code runs. */
export interface BuildkiteTriggers {
  /** `code`, `deployment`, `fork`, `none` (GitHub's trigger_mode), null when the provider has none. */
  mode: string | null;
  branches: boolean;
  tags: boolean;
  pullRequests: boolean;
  /** Pull requests from forks are built: code from outside the organization runs on the pipeline's agents. */
  pullRequestsFromForks: boolean;
  skipPullRequestBuildsForExistingCommits: boolean;
  publishCommitStatus: boolean;
  /** The build filter condition when one is enabled (`build.pull_request.base_branch == "main"`). */
  filterCondition: string | null;
  /** provider.settings as Buildkite returned them (each provider has its own keys). */
  settings: Record<string, unknown>;
}

/** The steps kept in Buildkite itself, not in the repository. */
export interface BuildkiteStoredSteps {
  /** The YAML configuration, or a visual-editor pipeline's steps as JSON text (which is YAML too). */
  text: string;
  format: "yaml" | "visual";
  /** The stored steps run `buildkite-agent pipeline upload`: more steps come from the checked-out repository (a fork's, for a fork's pull request). */
  runsPipelineUpload: boolean;
  /** Queue keys the stored text names (`queue: deploy`, `queue=deploy`), in order of first appearance. A text scan, not a YAML parse. */
  queueKeys: string[];
}

export interface BuildkiteCluster {
  id: string;
  name: string;
  description: string | null;
  webUrl: string;
  defaultQueueId: string | null;
  queues: BuildkiteQueue[];
  agentTokens: BuildkiteAgentToken[];
  /** null when the token lacks read_secrets_details (a warning says so). */
  secrets: BuildkiteSecret[] | null;
}

export interface BuildkiteQueue {
  id: string;
  key: string;
  description: string | null;
  isDefault: boolean;
  dispatchPaused: boolean;
  dispatchPausedAt: string | null;
  dispatchPausedNote: string | null;
  /** Agents connected to this queue now (the API lists connected and stopping agents only). */
  agents: BuildkiteAgent[];
}

export interface BuildkiteAgent {
  id: string;
  name: string;
  hostname: string | null;
  version: string | null;
  /** `key=value` tags, e.g. `queue=deploy`, `aws-account=…`. */
  metaData: string[];
  connectedAt: string | null;
}

/** An agent token's metadata: the API returns a token's value only when it is created. */
export interface BuildkiteAgentToken {
  id: string;
  description: string;
  /** CIDRs the token may register agents from; empty when any address may. */
  allowedIpAddresses: string[];
  createdAt: string | null;
  expiresAt: string | null;
  createdBy: string | null;
}

/** A Buildkite secret's metadata and access policy; its value is never returned. */
export interface BuildkiteSecret {
  id: string;
  key: string;
  description: string | null;
  /** The access policy's YAML (rules of claims such as pipeline_slug, build_branch), null when none is set. */
  policy: string | null;
  updatedAt: string | null;
  lastReadAt: string | null;
}

export interface BuildkiteTeam {
  id: string;
  slug: string;
  name: string;
  privacy: string | null;
  isDefault: boolean;
  pipelines: { pipelineId: string; pipelineSlug: string | null; accessLevel: string }[];
}
