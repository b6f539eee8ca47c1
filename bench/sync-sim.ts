// The GitHub simulator of the benchmarks (bench/sync.ts, bench/incident.ts), in a process of its
// own (GitHub's CPU is not Gatehouse's): started with fork() by bench/sim-process.ts, driven over
// the IPC channel, loopback only.
import { generateSyntheticOrg } from "../sim/fixtures/generate";
import { addActionSpread, type ActionSpread, type ActionSpreadOptions } from "../sim/fixtures/action-spread";
import { startGithubSim, type FaultOptions } from "../sim/github";
import { repoRuns } from "../sim/github/workflows";

export interface SimStart {
  type: "start";
  repos: number;
  seed: number;
  login: string;
  now: number;
  hostile: boolean;
  appId: number;
  publicKeyPem: string;
  latencyMs: number;
  coreLimit: number;
  /** incident mode's App, installed on the org with its default (write) permissions */
  responderApp?: { id: number; publicKeyPem: string };
  /** an action used by many workflows, their runs seeded (sim/fixtures/action-spread.ts) */
  spread?: Omit<ActionSpreadOptions, "now">;
}

export interface SpreadSummary {
  workflows: number;
  repos: number;
  /** queued or in progress, the simulator's own run per workflow included */
  activeRuns: number;
  forceCancelRuns: number;
  runsInWindow: number;
  window: ActionSpread["window"];
}

export interface IncidentState {
  /** every request the simulator answered (or failed on purpose) so far */
  requests: number;
  /** writes logged since the index asked for */
  writes: { method: string; path: string; status: number; atMs: number; responder: boolean }[];
  writeLogLength: number;
  /** spread workflows not `disabled_manually`, and their runs still queued or in progress */
  notDisabled: number;
  activeRuns: number;
}

export type SimCommand =
  | SimStart
  | { type: "faults"; options: FaultOptions }
  | { type: "reset-rate-limit" }
  | { type: "counts" }
  | { type: "incident-state"; sinceWrite: number }
  | { type: "close" };
export type SimReply =
  | { type: "started"; url: string; installationId: number; responderInstallationId: number | null; spread: SpreadSummary | null }
  | { type: "ok" }
  | { type: "counts"; counts: Record<string, number>; rssMb: number }
  | ({ type: "incident-state" } & IncidentState)
  | { type: "error"; message: string };

const send = (reply: SimReply) => process.send?.(reply);
let sim: Awaited<ReturnType<typeof startGithubSim>> | null = null;
let spread: { login: string; plan: ActionSpread; responderInstallationId: number | null } | null = null;

function spreadRuns(login: string, plan: ActionSpread) {
  const org = sim!.control.org(login);
  let active = 0;
  let notDisabled = 0;
  for (const wf of plan.workflows) {
    const repo = org.repos.find((r) => r.name === wf.repo)!;
    if (repo.workflowStates.get(wf.path) !== "disabled_manually") notDisabled++;
    for (const run of repoRuns(repo, sim!.core.now()).values()) if (run.workflowPath === wf.path && run.status !== "completed") active++;
  }
  return { active, notDisabled };
}

process.on("message", (raw: SimCommand) => {
  void (async () => {
    try {
      if (raw.type === "start") {
        const org = generateSyntheticOrg({ repos: raw.repos, seed: raw.seed, login: raw.login, now: raw.now, hostile: raw.hostile });
        const plan = raw.spread ? addActionSpread(org, { ...raw.spread, now: Date.now() }) : null;
        sim = await startGithubSim({
          host: "127.0.0.1",
          orgs: [org],
          app: { id: raw.appId, slug: "gatehouse-bench", publicKeyPem: raw.publicKeyPem, installations: {} },
          ...(raw.responderApp ? { responderApp: { id: raw.responderApp.id, slug: "gatehouse-bench-responder", publicKeyPem: raw.responderApp.publicKeyPem } } : {}),
          latencyMs: raw.latencyMs,
          rateLimit: { core: raw.coreLimit, graphql: 5000 },
        });
        const installation = sim.core.installationForOrg(raw.login);
        if (!installation) throw new Error("no installation for the bench org");
        const responderInstallationId = raw.responderApp ? (sim.core.installationForOrg(raw.login, raw.responderApp.id)?.id ?? null) : null;
        let summary: SpreadSummary | null = null;
        if (plan) {
          for (const run of plan.runs) sim.control.seedRun(raw.login, run.repo, { workflow: run.workflow, createdAt: run.createdAt, status: run.status, needsForceCancel: run.needsForceCancel });
          spread = { login: raw.login, plan, responderInstallationId };
          summary = {
            workflows: plan.workflows.length,
            repos: new Set(plan.workflows.map((w) => w.repo)).size,
            activeRuns: spreadRuns(raw.login, plan).active,
            forceCancelRuns: plan.runs.filter((r) => r.needsForceCancel).length,
            runsInWindow: plan.runs.filter((r) => r.createdAt >= plan.window.from && r.createdAt <= plan.window.to).length,
            window: plan.window,
          };
        }
        send({ type: "started", url: sim.url, installationId: installation.id, responderInstallationId, spread: summary });
      } else if (!sim) {
        throw new Error("the simulator is not started");
      } else if (raw.type === "faults") {
        sim.core.faults.configure(raw.options);
        send({ type: "ok" });
      } else if (raw.type === "reset-rate-limit") {
        sim.core.rateLimiter.reset();
        send({ type: "ok" });
      } else if (raw.type === "counts") {
        send({ type: "counts", counts: { ...sim.core.faults.counts }, rssMb: Math.round(process.resourceUsage().maxRSS / 1024) });
      } else if (raw.type === "incident-state") {
        if (!spread) throw new Error("the simulator was started without an action spread");
        const { active, notDisabled } = spreadRuns(spread.login, spread.plan);
        const writes = sim.writeLog
          .slice(raw.sinceWrite)
          .map((w) => ({ method: w.method, path: w.path, status: w.status, atMs: w.atMs, responder: w.installationId !== null && w.installationId === spread!.responderInstallationId }));
        send({ type: "incident-state", requests: sim.core.stats.requests, writes, writeLogLength: sim.writeLog.length, notDisabled, activeRuns: active });
      } else if (raw.type === "close") {
        await sim.close();
        send({ type: "ok" });
        process.exit(0);
      }
    } catch (error) {
      send({ type: "error", message: error instanceof Error ? error.message : String(error) });
    }
  })();
});
process.on("disconnect", () => process.exit(0));
