import type { z } from "zod";
import type { BuildkiteAgent, BuildkiteAgentToken, BuildkitePipeline, BuildkiteQueue, BuildkiteSecret, BuildkiteStoredSteps, BuildkiteTeam, BuildkiteTriggers } from "./types";
import type { AgentTokenWire, AgentWire, PipelineWire, QueueWire, SecretWire } from "./wire";

// Wire answers → the neutral shapes of types.ts. Pure. The scans over stored step text are
// linear (one pass, no nested quantifiers): the text is whatever a pipeline's editor typed.

const UPLOAD = /buildkite-agent\s+pipeline\s+upload\b/;
// `queue: deploy`, `queue: "deploy"`, `"queue=deploy"`, `{ queue: deploy }` — the key must start
// the line or follow a space, brace, bracket, comma, dash or quote, so `myqueue:` is not read.
const QUEUE = /(?:^|[\s{[,"'-])queue\s*[:=]\s*["']?([A-Za-z0-9][\w.-]*)/gm;

export function storedSteps(wire: PipelineWire): BuildkiteStoredSteps {
  const yaml = typeof wire.configuration === "string" && wire.configuration.trim() !== "";
  const text = yaml ? (wire.configuration as string) : JSON.stringify(wire.steps ?? [], null, 2);
  const queueKeys = [...new Set([...text.matchAll(QUEUE)].map((m) => m[1] as string))];
  return { text, format: yaml ? "yaml" : "visual", runsPipelineUpload: UPLOAD.test(text), queueKeys };
}

const bool = (v: unknown): boolean => v === true;
const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

export function triggers(settings: Record<string, unknown>): BuildkiteTriggers {
  return {
    mode: str(settings.trigger_mode),
    // GitHub's and Bitbucket's settings name build_branches; when absent, branches build (GitLab has none).
    branches: settings.build_branches === undefined ? true : bool(settings.build_branches),
    tags: bool(settings.build_tags),
    pullRequests: bool(settings.build_pull_requests),
    pullRequestsFromForks: bool(settings.build_pull_requests) && bool(settings.build_pull_request_forks),
    skipPullRequestBuildsForExistingCommits: bool(settings.skip_pull_request_builds_for_existing_commits),
    publishCommitStatus: bool(settings.publish_commit_status),
    filterCondition: bool(settings.filter_enabled) ? str(settings.filter_condition) : null,
    settings,
  };
}

export function pipeline(wire: PipelineWire, teams: BuildkiteTeam[] | null): BuildkitePipeline {
  const settings = wire.provider?.settings ?? {};
  return {
    id: wire.id,
    slug: wire.slug,
    name: wire.name,
    webUrl: wire.web_url ?? "",
    repository: wire.repository,
    provider: wire.provider?.id ?? "unknown",
    providerRepository: str(settings.repository),
    defaultBranch: wire.default_branch ?? null,
    branchFilter: str(wire.branch_configuration),
    visibility: wire.visibility === "public" ? "public" : "private",
    archivedAt: wire.archived_at ?? null,
    clusterId: wire.cluster_id ?? null,
    triggers: triggers(settings),
    storedSteps: storedSteps(wire),
    envNames: Object.keys(wire.env ?? {}).sort(),
    activeBuilds: { running: wire.running_builds_count ?? 0, scheduled: wire.scheduled_builds_count ?? 0 },
    teams: (teams ?? []).flatMap((t) => t.pipelines.filter((p) => p.pipelineId === wire.id).map((p) => ({ teamId: t.id, slug: t.slug, name: t.name, accessLevel: p.accessLevel }))),
  };
}

export function queue(wire: z.infer<typeof QueueWire>, defaultQueueId: string | null, agents: BuildkiteAgent[]): BuildkiteQueue {
  const paused = wire.dispatch_paused === true;
  return {
    id: wire.id,
    key: wire.key,
    description: wire.description ?? null,
    isDefault: wire.id === defaultQueueId,
    dispatchPaused: paused,
    dispatchPausedAt: paused ? (wire.dispatch_paused_at ?? null) : null,
    dispatchPausedNote: paused ? (wire.dispatch_paused_note ?? null) : null,
    agents,
  };
}

export function agent(wire: z.infer<typeof AgentWire>): BuildkiteAgent {
  return { id: wire.id, name: wire.name, hostname: wire.hostname ?? null, version: wire.version ?? null, metaData: wire.meta_data ?? [], connectedAt: wire.connected_at ?? null };
}

export function agentToken(wire: z.infer<typeof AgentTokenWire>): BuildkiteAgentToken {
  return {
    id: wire.id,
    description: wire.description ?? "",
    allowedIpAddresses: (wire.allowed_ip_addresses ?? "").split(/[\s,]+/).filter((s) => s !== ""),
    createdAt: wire.created_at ?? null,
    expiresAt: wire.expires_at ?? null,
    createdBy: wire.created_by?.name ?? wire.created_by?.email ?? null,
  };
}

export function secret(wire: z.infer<typeof SecretWire>): BuildkiteSecret {
  return { id: wire.id, key: wire.key, description: wire.description ?? null, policy: str(wire.policy), updatedAt: wire.updated_at ?? null, lastReadAt: wire.last_read_at ?? null };
}

/** The pipeline slug at the end of a team pipeline's `pipeline_url`. */
export function slugOfPipelineUrl(url: string | null | undefined): string | null {
  const m = /\/pipelines\/([^/?#]+)$/.exec(url ?? "");
  return m === null ? null : decodeURIComponent(m[1] as string);
}
