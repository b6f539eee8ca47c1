import "server-only";
import type { Env } from "@/lib/env";
import { connectionOf, responderConnectionOf, type SourceConnection } from "@/lib/pipeline-sources/connection";
import type { BuildkiteConnection } from "@/lib/buildkite/connection";
import { planBuildkiteContainment, type BuildkiteContainmentPlan } from "@/lib/buildkite/incident-plan";
import { applyBuildkiteContainment, readContainmentTarget } from "@/lib/buildkite/incident";
import { planKubeIncident, type KubeIncidentPlan } from "@/lib/kubernetes/incident-plan";
import { applyKubeIncident } from "@/lib/kubernetes/incident-apply";
import { readCluster } from "@/lib/kubernetes/read";
import type { KubeConnection } from "@/lib/kubernetes/types";
import type { ContainTarget, CoveringSource } from "./pipeline-contain-targets";

// The network half of containing a pipeline (pipeline-contain.ts holds the use-case): per
// source, a live read of each target with the responder connection (or, for a dry run without
// one, the read connection), the plan, and — applying — the writes, the evidence and the re-read.
// Credentials are opened here and never leave this file: plans, evidence and messages name
// calls, paths and what answered, never a token or a kubeconfig.

export type ContainStatus = "planned" | "contained" | "partial" | "failed";

export interface TargetOutcome {
  sourceId: string;
  sourceName: string;
  kind: "buildkite" | "kubernetes";
  /** `pipeline acme/payments`, `Repository acme-ci/acme-platform`. */
  target: string;
  /** The source has responder (write) credentials; when not, why (a sentence saying what to do). */
  writeAccess: boolean;
  writeAccessNote: string | null;
  status: ContainStatus;
  /** What the plan does and leaves; or why there is none. */
  summary: string;
  calls: { method: string; path: string; description: string }[];
  /** Kubernetes: the API server's answer to each step sent with dryRun=All. */
  serverDryRun: string[];
  /** The same calls for a responder outside Gatehouse. */
  commands: string[];
  /** Skipped requests and what stays valid (rotate elsewhere). */
  notes: string[];
  /** Applied: each call's answer, then the re-read. */
  evidence: string[];
  /** Kept in pipeline_containment (null: no plan could be made). */
  plan: BuildkiteContainmentPlan | KubeIncidentPlan | null;
}

export interface ContainOptions {
  dryRun: boolean;
  /** Shown on a paused Buildkite queue: `Gatehouse INC-42: …`. */
  note: string;
  /** Buildkite queue keys to pause (opt-in: a paused queue stops every pipeline using it). */
  pauseQueues: string[];
  /** Kubernetes: the accounts the pipeline runs as, from the incident's scope. */
  serviceAccounts: string[];
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
const DNS = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** A plan made, then the apply stopped (missing scopes or a refused server-side dry run — their messages say nothing was changed — or a failed re-read): kept with the plan, as evidence. */
const refused = (planned: TargetOutcome, err: unknown): TargetOutcome => ({ ...planned, status: "failed", summary: `${planned.summary}\nStopped: ${messageOf(err)}`, evidence: [messageOf(err)] });

async function buildkite(conn: BuildkiteConnection, write: boolean, t: Extract<ContainTarget, { kind: "buildkite" }>, o: ContainOptions, base: TargetOutcome): Promise<TargetOutcome> {
  const target = await readContainmentTarget(conn, t.pipelineSlug);
  const plan = planBuildkiteContainment(target, { note: o.note, pauseQueues: o.pauseQueues });
  const planned: TargetOutcome = {
    ...base,
    summary: plan.summary,
    calls: plan.calls.map((c) => ({ method: c.method, path: c.path, description: c.description })),
    commands: plan.commands,
    notes: plan.skipped,
    plan,
  };
  if (o.dryRun || !write) return planned;
  let r: Awaited<ReturnType<typeof applyBuildkiteContainment>>;
  try {
    r = await applyBuildkiteContainment(conn, plan);
  } catch (err) {
    return refused(planned, err);
  }
  const answered = r.evidence.filter((e) => e.status !== null && e.status < 300).length;
  return {
    ...planned,
    status: r.verified ? "contained" : answered > 0 ? "partial" : "failed",
    evidence: [...r.evidence.map((e) => `${e.call.method} ${e.call.path} → ${e.status ?? "unreachable"}: ${e.outcome} (${e.at}, ${e.durationMs} ms)`), `Re-read at ${r.verifiedAt}:`, ...r.checks],
  };
}

async function kubernetes(conn: KubeConnection, write: boolean, t: Extract<ContainTarget, { kind: "kubernetes" }>, o: ContainOptions, base: TargetOutcome): Promise<TargetOutcome> {
  const live = await readCluster(conn, { namespaces: [t.namespace] });
  const ns = live.namespaces.find((n) => n.name === t.namespace);
  const repository = ns?.repositories.some((r) => r.name === t.repository) ? t.repository : undefined;
  // The accounts the scope names and those the repository's running runs use: their token secrets go.
  const running = (ns?.runningPipelineRuns ?? []).filter((r) => r.repository === t.repository).flatMap((r) => [r.serviceAccountName, ...r.taskServiceAccounts]);
  const serviceAccounts = [...new Set([...o.serviceAccounts.filter((a) => DNS.test(a)), ...running])].sort();
  const plan = planKubeIncident(live, { namespace: t.namespace, ...(repository ? { repository } : {}), serviceAccounts });
  const planned: TargetOutcome = {
    ...base,
    summary: plan.summary,
    calls: plan.steps.map((s) => ({ method: s.call.action, path: s.call.target, description: `${s.action} ${s.namespace}/${s.name}` })),
    commands: plan.steps.flatMap((s) => s.commands.slice(0, 1)),
    notes: [...(repository ? [] : [`Repository ${t.namespace}/${t.repository} is no longer in the cluster: nothing stops new runs there already.`]), ...plan.notes],
    plan,
  };
  if (!write) return planned;
  // The server-side dry run goes first, for a dry run too: admission and RBAC answer before anything is written.
  let r: Awaited<ReturnType<typeof applyKubeIncident>>;
  try {
    r = await applyKubeIncident(conn, plan, { dryRunOnly: o.dryRun });
  } catch (err) {
    return refused(planned, err);
  }
  if (o.dryRun) return { ...planned, serverDryRun: r.dryRun };
  const done = r.evidence.filter((l) => !l.includes(" failed: ")).length;
  return {
    ...planned,
    serverDryRun: r.dryRun,
    status: r.verified ? "contained" : done > 0 ? "partial" : "failed",
    evidence: [...r.dryRun.map((l) => `dry run: ${l}`), ...r.evidence, "Re-read:", ...r.verification],
  };
}

/**
 * Plans (and, not a dry run, applies) every target of one source. With write access the
 * responder connection reads, plans and writes; without, a dry run plans with the read
 * connection and applying is refused earlier (pipeline-contain.ts), so nothing here writes.
 */
export async function containThrough(covering: CoveringSource, env: Env, o: ContainOptions): Promise<TargetOutcome[]> {
  const { source } = covering;
  const responder = responderConnectionOf(source, env);
  const planner = responder.ok ? responder : connectionOf(source, env);
  const out: TargetOutcome[] = [];
  for (const t of covering.targets) {
    const base: TargetOutcome = {
      sourceId: source.id,
      sourceName: source.name,
      kind: source.kind,
      target: t.label,
      writeAccess: responder.ok,
      writeAccessNote: responder.ok ? null : responder.message,
      status: "planned",
      summary: "",
      calls: [],
      serverDryRun: [],
      commands: [],
      notes: [],
      evidence: [],
      plan: null,
    };
    if (!planner.ok) {
      out.push({ ...base, status: "failed", summary: `${source.name} cannot be read: ${planner.message}` });
      continue;
    }
    try {
      const c: SourceConnection = planner.connection;
      if (c.kind === "buildkite" && t.kind === "buildkite") out.push(await buildkite(c.conn, responder.ok, t, o, base));
      else if (c.kind === "kubernetes" && t.kind === "kubernetes") out.push(await kubernetes(c.conn, responder.ok, t, o, base));
    } catch (err) {
      out.push({ ...base, status: "failed", summary: `${o.dryRun ? "Planning" : "Containing"} ${t.label} through ${source.name} failed: ${messageOf(err)}` });
    }
  }
  return out;
}
