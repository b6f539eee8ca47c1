// Containing a compromised Buildkite pipeline: the exact REST calls, decided from what was read
// (readContainmentTarget) and what the responder chose. Pure — no network, no clock — so the
// plan is the dry run, shown before anything is written and kept as the record of intent.
//
// Order: pause the chosen queues first (their agents stop taking jobs while the rest runs),
// then cancel the active builds, then archive. The API documents archived pipelines as
// read-only, so builds are cancelled before the archive; a build created between the two shows
// in the verification, which re-reads everything.

export type BuildkiteWriteScope = "write_pipelines" | "write_builds" | "write_clusters";

export interface BuildkiteContainmentTarget {
  apiUrl: string;
  orgSlug: string;
  pipeline: { slug: string; name: string; webUrl: string; archivedAt: string | null; clusterId: string | null; clusterName: string | null };
  /** Builds in a state the API cancels (scheduled, running, failing), newest first. */
  activeBuilds: { number: number; state: string; branch: string | null; webUrl: string | null; createdAt: string | null; pullRequestRepository: string | null }[];
  /** The queues of the pipeline's cluster; empty for an unclustered pipeline. */
  queues: { id: string; key: string; dispatchPaused: boolean; dispatchPausedNote: string | null }[];
}

export interface BuildkiteContainmentOptions {
  /** Archive the pipeline (default true). */
  archive?: boolean;
  /** Cancel its scheduled, running and failing builds (default true). */
  cancelBuilds?: boolean;
  /** Keys of queues in the pipeline's cluster whose dispatch to pause (default none: it stops every pipeline using them). */
  pauseQueues?: string[];
  /** Shown on a paused queue and its affected builds, e.g. `Gatehouse incident 42: payments compromised`. */
  note: string;
}

export interface BuildkiteCall {
  method: "POST" | "PUT";
  /** Path under the API URL, e.g. `/v2/organizations/acme/pipelines/payments/archive`. */
  path: string;
  body: Record<string, unknown> | null;
  scope: BuildkiteWriteScope;
  /** One line for the responder. */
  description: string;
}

export interface BuildkiteContainmentPlan {
  apiUrl: string;
  orgSlug: string;
  pipelineSlug: string;
  clusterId: string | null;
  /** What the plan does, and what it leaves for the responder. */
  summary: string;
  calls: BuildkiteCall[];
  /** The write scopes the calls need. */
  scopes: BuildkiteWriteScope[];
  /** The same calls as curl commands, for a responder without a write token in Gatehouse. */
  commands: string[];
  /** Requested actions not planned, and why (already archived, unknown queue, …). */
  skipped: string[];
  /** What the verification checks after the writes. */
  expect: { archived: boolean; noActiveBuilds: boolean; pausedQueues: { id: string; key: string }[] };
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function curl(apiUrl: string, call: BuildkiteCall): string {
  const data = call.body === null ? "" : ` -H 'Content-Type: application/json' -d ${quote(JSON.stringify(call.body))}`;
  return `curl -X ${call.method} -H "Authorization: Bearer $BUILDKITE_API_TOKEN"${data} ${quote(`${apiUrl}${call.path}`)}`;
}

export function planBuildkiteContainment(target: BuildkiteContainmentTarget, options: BuildkiteContainmentOptions): BuildkiteContainmentPlan {
  const { pipeline, orgSlug } = target;
  const archive = options.archive ?? true;
  const cancel = options.cancelBuilds ?? true;
  const base = `/v2/organizations/${orgSlug}`;
  const calls: BuildkiteCall[] = [];
  const skipped: string[] = [];
  const paused: { id: string; key: string }[] = [];
  const does: string[] = [];

  for (const key of [...new Set(options.pauseQueues ?? [])]) {
    const q = target.queues.find((x) => x.key === key);
    if (pipeline.clusterId === null || q === undefined) {
      const known = target.queues.map((x) => x.key).join(", ");
      skipped.push(pipeline.clusterId === null ? `Queue ${key} is not paused: pipeline ${pipeline.slug} is in no cluster.` : `Queue ${key} is not paused: cluster ${pipeline.clusterName ?? pipeline.clusterId} has no such queue (it has ${known || "none"}).`);
      continue;
    }
    paused.push({ id: q.id, key: q.key });
    if (q.dispatchPaused) {
      skipped.push(`Queue ${key} is paused already${q.dispatchPausedNote ? ` ("${q.dispatchPausedNote}")` : ""}.`);
      continue;
    }
    calls.push({
      method: "POST",
      path: `${base}/clusters/${pipeline.clusterId}/queues/${q.id}/pause_dispatch`,
      body: { dispatch_paused_note: options.note },
      scope: "write_clusters",
      description: `Pause dispatch on queue ${key} of cluster ${pipeline.clusterName ?? pipeline.clusterId}: its agents take no new job from any pipeline until it is resumed.`,
    });
    does.push(`pauses dispatch on queue ${key} (every pipeline sending jobs there waits until it is resumed)`);
  }

  if (cancel) {
    const builds = [...target.activeBuilds].sort((a, b) => a.number - b.number);
    for (const b of builds) {
      const from = b.pullRequestRepository ? `, pull request from ${b.pullRequestRepository}` : "";
      calls.push({ method: "PUT", path: `${base}/pipelines/${pipeline.slug}/builds/${b.number}/cancel`, body: null, scope: "write_builds", description: `Cancel build #${b.number} (${b.state} on ${b.branch ?? "an unknown branch"}${from}).` });
    }
    if (builds.length > 0) does.push(`cancels ${builds.length === 1 ? "build" : "builds"} ${builds.map((b) => `#${b.number} (${b.state})`).join(", ")}`);
    else skipped.push(`No build of ${pipeline.slug} is scheduled, running or failing: nothing to cancel.`);
  }

  if (archive && pipeline.archivedAt !== null) skipped.push(`Pipeline ${pipeline.slug} was archived already, at ${pipeline.archivedAt}.`);
  if (archive && pipeline.archivedAt === null) {
    calls.push({ method: "POST", path: `${base}/pipelines/${pipeline.slug}/archive`, body: null, scope: "write_pipelines", description: `Archive pipeline ${pipeline.slug}: it runs no new builds; its builds, logs and artifacts are kept.` });
    does.push("archives the pipeline (no new builds; builds, logs and artifacts kept; unarchiving restores it)");
  }

  const scopes = [...new Set(calls.map((c) => c.scope))];
  const head = does.length === 0 ? `Nothing to write for Buildkite pipeline ${orgSlug}/${pipeline.slug}.` : `Contains Buildkite pipeline ${orgSlug}/${pipeline.slug}: ${does.join("; ")}.`;
  const summary =
    `${head} Jobs already on an agent are sent a cancel signal and may run until the agent stops them. ` +
    "Agent tokens, the cluster's secrets and any cloud credentials the pipeline's steps used stay valid: rotate them separately. " +
    "A build waiting on a block step keeps its last state and is not cancelled through the API.";
  return {
    apiUrl: target.apiUrl,
    orgSlug,
    pipelineSlug: pipeline.slug,
    clusterId: pipeline.clusterId,
    summary,
    calls,
    scopes,
    commands: calls.map((c) => curl(target.apiUrl, c)),
    skipped,
    expect: { archived: archive, noActiveBuilds: cancel, pausedQueues: paused },
  };
}
