// The Buildkite simulator's fixture: only what a response needs; render.ts fills in the rest
// (urls, counts, nulls) as the REST API does.

export interface BuildkiteSimUser {
  id: string;
  name: string;
  email: string;
}

export interface BuildkiteSimBuild {
  number: number;
  /** scheduled | running | failing | passed | failed | canceled | … (the API's build states). */
  state: string;
  branch: string;
  commit: string;
  message: string;
  createdAt: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  /** webhook | api | ui | trigger_job | schedule */
  source: string;
  pullRequest?: { id: string; base: string; repository: string } | null;
}

export interface BuildkiteSimPipeline {
  id: string;
  slug: string;
  name: string;
  description?: string | null;
  repository: string;
  defaultBranch: string;
  branchConfiguration?: string | null;
  clusterId: string | null;
  visibility: "private" | "public";
  archivedAt: string | null;
  createdAt: string;
  /** YAML steps stored in Buildkite (a YAML pipeline); absent for a visual-editor pipeline. */
  configuration?: string;
  /** The steps in the API's own step shape (`type`, `name`, `command`, `agent_query_rules`…). */
  steps: Record<string, unknown>[];
  env?: Record<string, string>;
  provider: { id: string; webhookUrl: string; settings: Record<string, unknown> };
  builds: BuildkiteSimBuild[];
}

export interface BuildkiteSimQueue {
  id: string;
  key: string;
  description: string;
  dispatchPaused?: boolean;
  dispatchPausedNote?: string | null;
  dispatchPausedAt?: string | null;
  createdAt: string;
}

export interface BuildkiteSimAgentToken {
  id: string;
  description: string;
  /** Space-separated CIDRs, as the API stores it; null when the token is usable from anywhere. */
  allowedIpAddresses: string | null;
  expiresAt: string | null;
  createdAt: string;
  createdBy: BuildkiteSimUser;
}

export interface BuildkiteSimSecret {
  id: string;
  key: string;
  description: string;
  /** The access policy's YAML, or null. The value itself is never in a response. */
  policy: string | null;
  createdAt: string;
  updatedAt: string;
  lastReadAt: string | null;
}

export interface BuildkiteSimCluster {
  id: string;
  name: string;
  description: string;
  emoji?: string | null;
  defaultQueueKey: string;
  createdAt: string;
  queues: BuildkiteSimQueue[];
  tokens: BuildkiteSimAgentToken[];
  secrets: BuildkiteSimSecret[];
}

export interface BuildkiteSimTeam {
  id: string;
  slug: string;
  name: string;
  description: string;
  privacy: "visible" | "secret";
  default: boolean;
  createdAt: string;
  /** Pipeline slug → access level (read_only | build_and_read | manage_build_and_read). */
  pipelines: { slug: string; accessLevel: string; createdAt: string }[];
}

export interface BuildkiteSimAgent {
  id: string;
  name: string;
  hostname: string;
  version: string;
  clusterId: string;
  queueKey: string;
  metaData: string[];
  connectedAt: string;
}

export interface BuildkiteSimFixture {
  organization: { id: string; slug: string; name: string; createdAt: string };
  pipelines: BuildkiteSimPipeline[];
  clusters: BuildkiteSimCluster[];
  teams: BuildkiteSimTeam[];
  agents: BuildkiteSimAgent[];
}

/** A token the simulator accepts: its id (kept in the write log, never the token) and REST scopes. */
export interface BuildkiteSimToken {
  id: string;
  scopes: string[];
  description?: string;
  user?: BuildkiteSimUser;
}

/** The states the API cancels (builds.md, "Cancel a build"). */
export const CANCELABLE_STATES = new Set(["scheduled", "running", "failing"]);
