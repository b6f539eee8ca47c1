import type { BuildkiteSimAgent, BuildkiteSimAgentToken, BuildkiteSimBuild, BuildkiteSimCluster, BuildkiteSimFixture, BuildkiteSimPipeline, BuildkiteSimQueue, BuildkiteSimSecret, BuildkiteSimTeam, BuildkiteSimUser } from "./model";

// The REST API v2 JSON the simulator answers with. Field names and shapes follow Buildkite's
// REST API documentation (pages/apis/rest_api/*.md in buildkite/docs) and the structs of
// buildkite/go-buildkite.

const WEB = "https://buildkite.com";

function userJson(u: BuildkiteSimUser, createdAt: string): Record<string, unknown> {
  return { id: u.id, graphql_id: gid("User", u.id), name: u.name, email: u.email, avatar_url: "https://www.gravatar.com/avatar/00000000000000000000000000000000", created_at: createdAt };
}

/** GraphQL ids are base64 of `Type---uuid`. */
const gid = (type: string, id: string): string => Buffer.from(`${type}---${id}`).toString("base64");

export class Renderer {
  constructor(
    /** The simulator's URL, known once it listens. */
    private readonly base: () => string,
    private readonly org: string,
  ) {}

  private api(path: string): string {
    return `${this.base()}/v2/organizations/${this.org}${path}`;
  }

  organization(o: BuildkiteSimFixture["organization"]): Record<string, unknown> {
    return { id: o.id, graphql_id: gid("Organization", o.id), url: this.api(""), web_url: `${WEB}/${o.slug}`, name: o.name, slug: o.slug, pipelines_url: this.api("/pipelines"), agents_url: this.api("/agents"), emojis_url: this.api("/emojis"), created_at: o.createdAt };
  }

  /** `provider.webhook_url` is "" unless the token has write_pipelines (pipelines.md, "Webhook URL"). */
  pipeline(p: BuildkiteSimPipeline, showWebhook: boolean): Record<string, unknown> {
    const count = (state: string) => p.builds.filter((b) => b.state === state).length;
    return {
      id: p.id,
      graphql_id: gid("Pipeline", p.id),
      url: this.api(`/pipelines/${p.slug}`),
      web_url: `${WEB}/${this.org}/${p.slug}`,
      name: p.name,
      description: p.description ?? null,
      slug: p.slug,
      repository: p.repository,
      cluster_id: p.clusterId,
      branch_configuration: p.branchConfiguration ?? null,
      default_branch: p.defaultBranch,
      skip_queued_branch_builds: false,
      skip_queued_branch_builds_filter: null,
      cancel_running_branch_builds: false,
      cancel_running_branch_builds_filter: null,
      allow_rebuilds: true,
      provider: { id: p.provider.id, webhook_url: showWebhook ? p.provider.webhookUrl : "", settings: p.provider.settings },
      builds_url: this.api(`/pipelines/${p.slug}/builds`),
      badge_url: `https://badge.buildkite.com/${p.id.replace(/-/g, "")}.svg`,
      created_at: p.createdAt,
      archived_at: p.archivedAt,
      ...(p.configuration !== undefined ? { configuration: p.configuration } : {}),
      steps: p.steps,
      env: p.env ?? {},
      scheduled_builds_count: count("scheduled"),
      running_builds_count: count("running"),
      scheduled_jobs_count: 0,
      running_jobs_count: 0,
      waiting_jobs_count: 0,
      visibility: p.visibility,
    };
  }

  build(p: BuildkiteSimPipeline, b: BuildkiteSimBuild): Record<string, unknown> {
    const id = `${p.id.slice(0, 24)}${String(b.number).padStart(12, "0")}`;
    return {
      id,
      graphql_id: gid("Build", id),
      url: this.api(`/pipelines/${p.slug}/builds/${b.number}`),
      web_url: `${WEB}/${this.org}/${p.slug}/builds/${b.number}`,
      number: b.number,
      state: b.state,
      cancel_reason: null,
      blocked: false,
      message: b.message,
      commit: b.commit,
      branch: b.branch,
      env: {},
      source: b.source,
      creator: null,
      jobs: [],
      created_at: b.createdAt,
      scheduled_at: b.createdAt,
      started_at: b.startedAt ?? null,
      failing_at: null,
      finished_at: b.finishedAt ?? null,
      meta_data: {},
      pull_request: b.pullRequest ?? null,
      merge_queue: null,
      rebuilt_from: null,
      pipeline: { id: p.id, url: this.api(`/pipelines/${p.slug}`), name: p.name, slug: p.slug, repository: p.repository },
    };
  }

  cluster(c: BuildkiteSimCluster, creator: BuildkiteSimUser): Record<string, unknown> {
    const dq = c.queues.find((q) => q.key === c.defaultQueueKey);
    return {
      id: c.id,
      graphql_id: gid("Cluster", c.id),
      default_queue_id: dq?.id ?? null,
      name: c.name,
      description: c.description,
      emoji: c.emoji ?? null,
      color: null,
      maintainers: { users: [], teams: [] },
      url: this.api(`/clusters/${c.id}`),
      web_url: `${WEB}/organizations/${this.org}/clusters/${c.id}`,
      default_queue_url: dq ? this.api(`/clusters/${c.id}/queues/${dq.id}`) : null,
      queues_url: this.api(`/clusters/${c.id}/queues`),
      created_at: c.createdAt,
      created_by: userJson(creator, c.createdAt),
    };
  }

  queue(c: BuildkiteSimCluster, q: BuildkiteSimQueue, creator: BuildkiteSimUser, pausedBy: BuildkiteSimUser | null): Record<string, unknown> {
    return {
      id: q.id,
      graphql_id: gid("ClusterQueue", q.id),
      key: q.key,
      description: q.description,
      url: this.api(`/clusters/${c.id}/queues/${q.id}`),
      web_url: `${WEB}/organizations/${this.org}/clusters/${c.id}/queues/${q.id}`,
      cluster_url: this.api(`/clusters/${c.id}`),
      retry_agent_affinity: "prefer-warmest",
      dispatch_paused: q.dispatchPaused === true,
      dispatch_paused_by: q.dispatchPaused === true && pausedBy !== null ? userJson(pausedBy, q.createdAt) : null,
      dispatch_paused_at: q.dispatchPaused === true ? (q.dispatchPausedAt ?? null) : null,
      dispatch_paused_note: q.dispatchPaused === true ? (q.dispatchPausedNote ?? null) : null,
      created_at: q.createdAt,
      created_by: userJson(creator, q.createdAt),
    };
  }

  /** Agent token metadata: the API returns the token value only once, when it is created. */
  agentToken(c: BuildkiteSimCluster, t: BuildkiteSimAgentToken): Record<string, unknown> {
    return {
      id: t.id,
      graphql_id: gid("ClusterToken", t.id),
      description: t.description,
      allowed_ip_addresses: t.allowedIpAddresses,
      expires_at: t.expiresAt,
      url: this.api(`/clusters/${c.id}/tokens/${t.id}`),
      cluster_url: this.api(`/clusters/${c.id}`),
      created_at: t.createdAt,
      created_by: userJson(t.createdBy, t.createdAt),
    };
  }

  secret(c: BuildkiteSimCluster, s: BuildkiteSimSecret, orgId: string): Record<string, unknown> {
    return {
      id: s.id,
      graphql_id: gid("Secret", s.id),
      key: s.key,
      description: s.description,
      policy: s.policy,
      created_at: s.createdAt,
      created_by: null,
      updated_at: s.updatedAt,
      updated_by: null,
      last_read_at: s.lastReadAt,
      url: this.api(`/clusters/${c.id}/secrets/${s.id}`),
      cluster_url: this.api(`/clusters/${c.id}`),
      organization: { id: orgId, slug: this.org, url: this.api(""), web_url: `${WEB}/${this.org}` },
    };
  }

  team(t: BuildkiteSimTeam, creator: BuildkiteSimUser): Record<string, unknown> {
    return { id: t.id, graphql_id: gid("Team", t.id), name: t.name, slug: t.slug, description: t.description, created_at: t.createdAt, privacy: t.privacy, default: t.default, created_by: userJson(creator, t.createdAt) };
  }

  teamPipeline(p: BuildkiteSimPipeline, link: BuildkiteSimTeam["pipelines"][number]): Record<string, unknown> {
    return { access_level: link.accessLevel, created_at: link.createdAt, pipeline_id: p.id, pipeline_url: this.api(`/pipelines/${p.slug}`) };
  }

  agent(a: BuildkiteSimAgent, queueId: string): Record<string, unknown> {
    return {
      id: a.id,
      graphql_id: gid("Agent", a.id),
      url: this.api(`/agents/${a.id}`),
      web_url: `${WEB}/organizations/${this.org}/clusters/${a.clusterId}/queues/${queueId}/agents/${a.id}`,
      name: a.name,
      connection_state: "connected",
      hostname: a.hostname,
      ip_address: "10.0.0.1",
      user_agent: `buildkite-agent/${a.version} (linux; amd64)`,
      version: a.version,
      os_id: "linux",
      arch: "amd64",
      queue: a.queueKey,
      creator: null,
      created_at: a.connectedAt,
      connected_at: a.connectedAt,
      disconnected_at: null,
      lost_at: null,
      stopped_at: null,
      job: null,
      last_job_finished_at: null,
      priority: null,
      meta_data: a.metaData,
    };
  }
}
