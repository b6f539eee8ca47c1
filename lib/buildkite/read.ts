import "server-only";
import { z } from "zod";
import { CloudReadError } from "../cloud/types";
import { BUILDKITE_READ_SCOPES, buildkiteApi, parseWire, step, type BuildkiteApi } from "./client";
import type { BuildkiteConnection } from "./connection";
import { agent, agentToken, pipeline, queue, secret, slugOfPipelineUrl } from "./map";
import type { BuildkiteCluster, BuildkiteOrgRead, BuildkiteTeam } from "./types";
import { AccessTokenWire, AgentTokenWire, AgentWire, ClusterWire, OrganizationWire, PipelineWire, QueueWire, SecretWire, TeamPipelineWire, TeamWire } from "./wire";

// One Buildkite organization as the REST API shows it to a read-only token: the token's scopes
// first (GET /v2/access-token, no scope needed), so a missing scope is named once, before any
// list; then the organization, its pipelines, clusters with their queues (and the agents
// connected to each), agent tokens and secrets' policies, and teams with their pipelines.
// Every list is read to its last page. Teams and secrets need scopes beyond the documented
// read-only token's minimum: without them the read succeeds with a warning.

/** Needed for a read; read_builds (also in the documented token) is for an incident's dry run. */
const REQUIRED = BUILDKITE_READ_SCOPES.filter((s) => s !== "read_builds");

/** The token's REST scopes, as Buildkite reports them. */
export async function tokenScopes(api: BuildkiteApi, conn: BuildkiteConnection): Promise<string[]> {
  const what = "checking the API access token (GET /v2/access-token)";
  return parseWire(AccessTokenWire, await step(what, conn, () => api.get("/v2/access-token")), what, conn).scopes;
}

/** Sentence for scopes a token lacks, with what they are for. */
export function missingScopes(missing: string[], purpose: string): CloudReadError {
  const them = missing.length === 1 ? "it" : "them";
  return new CloudReadError(`The Buildkite API access token lacks ${missing.join(", ")} (needed ${purpose}): add ${them} to the token (Personal Settings → API Access Tokens → Edit).`, "denied");
}

async function listOf<T>(api: BuildkiteApi, conn: BuildkiteConnection, schema: z.ZodType<T>, path: string, what: string): Promise<T[]> {
  return parseWire(z.array(schema), await step(what, conn, () => api.list(path)), what, conn);
}

async function readCluster(api: BuildkiteApi, conn: BuildkiteConnection, c: ClusterWire, withSecrets: boolean): Promise<BuildkiteCluster> {
  const base = `/v2/organizations/${conn.orgSlug}/clusters/${encodeURIComponent(c.id)}`;
  const [queues, tokens, secrets] = await Promise.all([
    listOf(api, conn, QueueWire, `${base}/queues`, `listing the queues of cluster ${c.name}`),
    listOf(api, conn, AgentTokenWire, `${base}/tokens`, `listing the agent tokens of cluster ${c.name}`),
    withSecrets ? listOf(api, conn, SecretWire, `${base}/secrets`, `listing the secrets of cluster ${c.name}`) : Promise.resolve(null),
  ]);
  const agents = await Promise.all(
    queues.map((q) => listOf(api, conn, AgentWire, `/v2/organizations/${conn.orgSlug}/agents?cluster_queue_id=${encodeURIComponent(q.id)}`, `listing the agents of queue ${q.key} in cluster ${c.name}`)),
  );
  return {
    id: c.id,
    name: c.name,
    description: c.description ?? null,
    webUrl: c.web_url ?? "",
    defaultQueueId: c.default_queue_id ?? null,
    queues: queues.map((q, i) => queue(q, c.default_queue_id ?? null, (agents[i] ?? []).map(agent))),
    agentTokens: tokens.map(agentToken),
    secrets: secrets === null ? null : secrets.map(secret),
  };
}

async function readTeams(api: BuildkiteApi, conn: BuildkiteConnection): Promise<BuildkiteTeam[]> {
  const teams = await listOf(api, conn, TeamWire, `/v2/organizations/${conn.orgSlug}/teams`, `listing the teams of ${conn.orgSlug}`);
  return Promise.all(
    teams.map(async (t) => {
      const links = await listOf(api, conn, TeamPipelineWire, `/v2/organizations/${conn.orgSlug}/teams/${encodeURIComponent(t.id)}/pipelines`, `listing the pipelines of team ${t.slug}`);
      return {
        id: t.id,
        slug: t.slug,
        name: t.name,
        privacy: t.privacy ?? null,
        isDefault: t.default === true,
        pipelines: links.map((l) => ({ pipelineId: l.pipeline_id, pipelineSlug: slugOfPipelineUrl(l.pipeline_url), accessLevel: l.access_level })),
      };
    }),
  );
}

export async function readBuildkiteOrg(conn: BuildkiteConnection): Promise<BuildkiteOrgRead> {
  const api = buildkiteApi(conn);
  const scopes = await tokenScopes(api, conn);
  const missing = REQUIRED.filter((s) => !scopes.includes(s));
  if (missing.length > 0) throw missingScopes(missing, "to read the organization, its pipelines, clusters, queues and agents");
  const warnings: string[] = [];
  const withTeams = scopes.includes("read_teams");
  const withSecrets = scopes.includes("read_secrets_details");
  if (!withTeams) warnings.push("Teams were not read (the token lacks read_teams): pipelines have no owners from Buildkite.");
  if (!withSecrets) warnings.push("Buildkite secrets' access policies were not read (the token lacks read_secrets_details): which pipelines may read each secret is unknown.");

  const orgWhat = `reading organization ${conn.orgSlug}`;
  const org = parseWire(OrganizationWire, await step(orgWhat, conn, () => api.get(`/v2/organizations/${conn.orgSlug}`)), orgWhat, conn);
  const [pipelines, clusterWires, teams] = await Promise.all([
    listOf(api, conn, PipelineWire, `/v2/organizations/${conn.orgSlug}/pipelines`, `listing the pipelines of ${conn.orgSlug}`),
    listOf(api, conn, ClusterWire, `/v2/organizations/${conn.orgSlug}/clusters`, `listing the clusters of ${conn.orgSlug}`),
    withTeams ? readTeams(api, conn) : Promise.resolve(null),
  ]);
  const clusters = await Promise.all(clusterWires.map((c) => readCluster(api, conn, c, withSecrets)));
  const clusterIds = new Set(clusters.map((c) => c.id));
  for (const p of pipelines) {
    if (p.cluster_id === null || p.cluster_id === undefined) {
      warnings.push(`Pipeline ${p.slug} is in no cluster: its builds run on agents registered with the organization's unclustered agent tokens, which the REST API does not list.`);
    } else if (!clusterIds.has(p.cluster_id)) {
      warnings.push(`Pipeline ${p.slug} names cluster ${p.cluster_id}, which the token cannot list: its queues and secrets are unknown.`);
    }
  }
  return {
    organization: { id: org.id, slug: org.slug, name: org.name, webUrl: org.web_url ?? "" },
    tokenScopes: scopes,
    pipelines: pipelines.map((p) => pipeline(p, teams)),
    clusters,
    teams,
    warnings,
  };
}
