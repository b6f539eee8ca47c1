import "server-only";
import { z } from "zod";
import { buildkiteApi, buildkiteError, parseWire, step } from "./client";
import type { BuildkiteConnection } from "./connection";
import type { BuildkiteCall, BuildkiteContainmentPlan, BuildkiteContainmentTarget } from "./incident-plan";
import { missingScopes, tokenScopes } from "./read";
import { BuildWire, ClusterWire, PipelineWire, QueueWire } from "./wire";

// The network half of containing a Buildkite pipeline: read what a plan needs (read_pipelines,
// read_builds, read_clusters), perform a plan with a write token, and verify by reading again.
// The write token's scopes are checked before the first write, so a token that could do only
// part of the plan changes nothing.

const ACTIVE = ["scheduled", "running", "failing"];

export interface BuildkiteCallEvidence {
  call: BuildkiteCall;
  /** HTTP status, null when the API could not be reached. */
  status: number | null;
  /** When the request was sent (ISO-8601). */
  at: string;
  durationMs: number;
  /** What Buildkite answered, in one line (`archived_at 2026-…`, `build #1042 canceled`), or why it failed. */
  outcome: string;
}

export interface BuildkiteContainmentResult {
  plan: BuildkiteContainmentPlan;
  evidence: BuildkiteCallEvidence[];
  /** The re-read after the writes shows everything the plan expected. */
  verified: boolean;
  /** One sentence per expectation, as the re-read found it. */
  checks: string[];
  verifiedAt: string;
}

export async function readContainmentTarget(conn: BuildkiteConnection, pipelineSlug: string): Promise<BuildkiteContainmentTarget> {
  const api = buildkiteApi(conn);
  const base = `/v2/organizations/${conn.orgSlug}`;
  const slug = encodeURIComponent(pipelineSlug);
  const pWhat = `reading pipeline ${pipelineSlug}`;
  const p = parseWire(PipelineWire, await step(pWhat, conn, () => api.get(`${base}/pipelines/${slug}`)), pWhat, conn);
  const bWhat = `listing the active builds of ${pipelineSlug}`;
  const states = ACTIVE.map((s) => `state[]=${s}`).join("&");
  const builds = parseWire(z.array(BuildWire), await step(bWhat, conn, () => api.list(`${base}/pipelines/${slug}/builds?${states}&exclude_jobs=true&exclude_pipeline=true`)), bWhat, conn);
  const clusterId = p.cluster_id ?? null;
  let clusterName: string | null = null;
  let queues: BuildkiteContainmentTarget["queues"] = [];
  if (clusterId !== null) {
    const cWhat = `reading cluster ${clusterId} of pipeline ${pipelineSlug}`;
    const cluster = parseWire(ClusterWire, await step(cWhat, conn, () => api.get(`${base}/clusters/${clusterId}`)), cWhat, conn);
    clusterName = cluster.name;
    const qWhat = `listing the queues of cluster ${cluster.name}`;
    const raw = parseWire(z.array(QueueWire), await step(qWhat, conn, () => api.list(`${base}/clusters/${clusterId}/queues`)), qWhat, conn);
    queues = raw.map((q) => ({ id: q.id, key: q.key, dispatchPaused: q.dispatch_paused === true, dispatchPausedNote: q.dispatch_paused_note ?? null }));
  }
  return {
    apiUrl: conn.apiUrl,
    orgSlug: conn.orgSlug,
    pipeline: { slug: p.slug, name: p.name, webUrl: p.web_url ?? "", archivedAt: p.archived_at ?? null, clusterId, clusterName },
    // The state filter is the API's; the check here keeps the contract if a server ignores it.
    activeBuilds: builds
      .filter((b) => ACTIVE.includes(b.state))
      .map((b) => ({ number: b.number, state: b.state, branch: b.branch ?? null, webUrl: b.web_url ?? null, createdAt: b.created_at ?? null, pullRequestRepository: b.pull_request?.repository ?? null })),
    queues,
  };
}

function outcomeOf(call: BuildkiteCall, data: unknown): string {
  const d = (data ?? {}) as Record<string, unknown>;
  if (call.scope === "write_pipelines") return `archived_at ${String(d.archived_at ?? "not set")}`;
  if (call.scope === "write_builds") return `build #${String(d.number ?? "?")} ${String(d.state ?? "in an unknown state")}`;
  return `queue ${String(d.key ?? "?")} dispatch_paused ${String(d.dispatch_paused ?? "unknown")}`;
}

/** What the re-read shows against what the plan expected: one sentence per expectation. */
function verify(plan: BuildkiteContainmentPlan, planned: Set<number>, after: BuildkiteContainmentTarget): { verified: boolean; checks: string[] } {
  const checks: { ok: boolean; text: string }[] = [];
  const slug = plan.pipelineSlug;
  if (plan.expect.archived) {
    checks.push(after.pipeline.archivedAt !== null ? { ok: true, text: `Pipeline ${slug} is archived (archived_at ${after.pipeline.archivedAt}).` } : { ok: false, text: `Pipeline ${slug} is not archived.` });
  }
  if (plan.expect.noActiveBuilds) {
    const left = after.activeBuilds.map((b) => `#${b.number} ${b.state}${planned.has(b.number) ? "" : " (created after the plan)"}`);
    checks.push(left.length === 0 ? { ok: true, text: `No build of ${slug} is scheduled, running or failing.` } : { ok: false, text: `Builds of ${slug} still active: ${left.join(", ")}.` });
  }
  for (const q of plan.expect.pausedQueues) {
    const now = after.queues.find((x) => x.id === q.id);
    checks.push(now?.dispatchPaused === true ? { ok: true, text: `Queue ${q.key}: dispatch paused${now.dispatchPausedNote ? ` ("${now.dispatchPausedNote}")` : ""}.` } : { ok: false, text: `Queue ${q.key}: dispatch is not paused.` });
  }
  return { verified: checks.every((c) => c.ok), checks: checks.map((c) => c.text) };
}

/**
 * Performs `plan` with `conn` (a token with the plan's write scopes), then re-reads with
 * `verifyWith` (a token with read_pipelines, read_builds, read_clusters; `conn` by default).
 * A failed call is kept as evidence and the remaining calls still run.
 */
export async function applyBuildkiteContainment(conn: BuildkiteConnection, plan: BuildkiteContainmentPlan, verifyWith: BuildkiteConnection = conn): Promise<BuildkiteContainmentResult> {
  const api = buildkiteApi(conn);
  if (plan.calls.length > 0) {
    const scopes = await tokenScopes(api, conn);
    const missing = plan.scopes.filter((s) => !scopes.includes(s));
    if (missing.length > 0) throw missingScopes(missing, `to contain pipeline ${plan.pipelineSlug}; nothing was changed`);
  }
  const before = new Set(plan.calls.flatMap((c) => (c.scope === "write_builds" ? [Number(/\/builds\/(\d+)\/cancel$/.exec(c.path)?.[1])] : [])));
  const evidence: BuildkiteCallEvidence[] = [];
  for (const call of plan.calls) {
    const started = Date.now();
    const at = new Date(started).toISOString();
    try {
      const { status, data } = await api.send(call.method, call.path, call.body);
      evidence.push({ call, status, at, durationMs: Date.now() - started, outcome: outcomeOf(call, data) });
    } catch (error) {
      const e = buildkiteError(error, `${call.method} ${call.path}`, conn);
      const status = typeof (error as { status?: unknown }).status === "number" ? (error as { status: number }).status : null;
      evidence.push({ call, status, at, durationMs: Date.now() - started, outcome: e.message });
    }
  }
  const after = await readContainmentTarget(verifyWith, plan.pipelineSlug);
  return { plan, evidence, ...verify(plan, before, after), verifiedAt: new Date().toISOString() };
}
