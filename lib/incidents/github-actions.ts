import "server-only";
import type { incidents } from "@/lib/db/schema";
import { getEnv } from "@/lib/env";
import {
  findResponderInstallation,
  manualCommand,
  openResponderSession,
  plannedCalls,
  responderConfig,
  ResponderError,
  type ApiCall,
  type ResponderConfig,
  type ResponderSession,
  type WorkflowRef,
} from "@/lib/github/responder";
import { workflowRef } from "./exposure";
import type { IncidentActionName as AnyActionName } from "./incident-actions";

/** The actions on GitHub (revoke-trust / restore-trust act in the clouds: trust-revoke.ts). */
export type IncidentActionName = Exclude<AnyActionName, "revoke-trust" | "restore-trust">;

export interface ActionTarget {
  itemId: string;
  label: string;
  scopeKey: string;
  /** The scope row's copy: repo ("owner/name"), repoGithubId / githubId, githubWorkflowId, path, keyId. */
  data: Record<string, unknown>;
  /** The in-scope workflows of its repository (delete-run-logs lists their runs inside the window). */
  workflows?: WorkflowRef[];
}

export interface ItemResult {
  itemId: string;
  label: string;
  /** planned: a dry run; manual: no responder App, do it by hand; refused: not allowed yet (no call made). */
  status: "done" | "already" | "failed" | "planned" | "manual" | "refused";
  message: string;
  calls: { method: string; path: string; when?: string }[];
}

/** What the responder's sessions sent (mints and revokes included): evidence, and the bench's figures. */
export interface CallStats {
  requests: number;
  retries: number;
  rateLimitWaitMs: number;
}

/**
 * Repositories acted on at once, each with its own token. Each token's writes are spaced 1 s
 * apart (GitHub's guidance for mutating requests, `writeSpacingMs` of lib/github/client.ts), so
 * this caps the whole action at about 8 writes a second, far below GitHub's 100 concurrent
 * requests. Its other secondary limit is 900 points a minute, a write costing 5: the disables of
 * 100 workflows (500 points) fit in it; the cancels after them may cross it in a large incident,
 * and then GitHub answers with retry-after, which the client waits out — after containment, not
 * before. Containment speed comes from the order of the work, not from more parallelism or less
 * spacing: see `actOnGithub`.
 */
const REPO_CONCURRENCY = 8;
/** Runs cancelled at once within a repository (each may wait up to 30 s before force-cancel). */
const RUN_CONCURRENCY = 10;

/** force-cancel after INCIDENT_FORCE_CANCEL_SECONDS (30 s by default), checking the run five times meanwhile. */
function cancelOptions() {
  const forceAfterMs = getEnv().INCIDENT_FORCE_CANCEL_SECONDS * 1000;
  return { forceAfterMs, pollMs: Math.max(50, Math.min(5000, forceAfterMs / 5)) };
}

const split = (repo: unknown) => String(repo).split("/") as [string, string];
const repoIdOf = (d: Record<string, unknown>) => Number(d.repoGithubId ?? d.githubId);
const ACTIVE_RUN_STATES = ["queued", "in_progress", "waiting", "requested", "pending"] as const;

function window(incident: typeof incidents.$inferSelect): { from: Date; to: Date } {
  if (incident.windowFrom && incident.windowTo) return { from: incident.windowFrom, to: incident.windowTo };
  // No window given: the 30 days before the incident started, up to now.
  return { from: new Date(incident.startedAt.getTime() - 30 * 86_400_000), to: new Date() };
}

/** The calls a dry run lists, in the order the session makes them. */
function plan(action: IncidentActionName, t: ActionTarget, incident: typeof incidents.$inferSelect): (ApiCall & { when?: string })[] {
  const [owner, repo] = split(t.data.repo);
  const wf = workflowRef(t.data);
  switch (action) {
    case "disable-workflows":
      return [
        ...plannedCalls("disable-workflows", [{ owner, repo, workflowId: wf }]),
        ...ACTIVE_RUN_STATES.flatMap((status) => plannedCalls("list-runs", [{ owner, repo, workflowId: wf, status }])),
        ...plannedCalls("cancel-runs", [{ owner, repo, runId: 0 }]).map((c) => ({ ...c, path: c.path.replace("/runs/0", "/runs/{each active run}") })),
      ];
    case "cancel-runs":
      return [
        ...ACTIVE_RUN_STATES.flatMap((status) => plannedCalls("list-runs", [{ owner, repo, workflowId: wf, status }])),
        ...plannedCalls("cancel-runs", [{ owner, repo, runId: 0 }]).map((c) => ({ ...c, path: c.path.replace("/runs/0", "/runs/{each active run}") })),
      ];
    case "enable-workflows":
      return plannedCalls("enable-workflows", [{ owner, repo, workflowId: wf }]);
    case "delete-caches":
      return [{ method: "GET", path: `/repos/${owner}/${repo}/actions/caches`, when: "every page" }, ...plannedCalls("delete-caches", [{ owner, repo, cacheId: 0 }]).map((c) => ({ ...c, path: c.path.replace("/caches/0", "/caches/{each cache}") }))];
    case "delete-artifacts": {
      const w = window(incident);
      return [
        ...plannedCalls("list-runs", [{ owner, repo, workflowId: wf, created: w }]),
        { method: "GET", path: `/repos/${owner}/${repo}/actions/runs/{each run}/artifacts`, when: "every run inside the window" },
        ...plannedCalls("delete-artifacts", [{ owner, repo, artifactId: 0 }]).map((c) => ({ ...c, path: c.path.replace("/artifacts/0", "/artifacts/{each artifact}") })),
      ];
    }
    case "delete-run-logs": {
      const w = window(incident);
      return [
        ...(t.workflows ?? []).flatMap((workflowId) => plannedCalls("list-runs", [{ owner, repo, workflowId, created: w }])),
        ...plannedCalls("delete-run-logs", [{ owner, repo, runId: 0 }]).map((c) => ({ ...c, path: c.path.replace("/runs/0/", "/runs/{each completed run inside the window}/") })),
      ];
    }
    case "delete-deploy-keys":
      return plannedCalls("delete-deploy-keys", [{ owner, repo, keyId: Number(t.data.keyId) }]);
  }
}

const callList = (calls: (ApiCall & { when?: string })[]) => calls.map((c) => ({ method: c.method, path: c.path, ...(c.when ? { when: c.when } : {}) }));

/** `calls`: the calls actually made, when they say more than the plan (which runs' logs went). */
type Outcome = Pick<ItemResult, "status" | "message"> & { calls?: ItemResult["calls"] };

/**
 * What one item's action does with an open session; its message is the evidence. `after` is
 * what is left to do once every repository's items had their first part (disable-workflows:
 * cancelling the disabled workflow's runs).
 */
async function perform(session: ResponderSession, action: IncidentActionName, t: ActionTarget, incident: typeof incidents.$inferSelect): Promise<Outcome & { after?: () => Promise<Outcome> }> {
  const [owner, repo] = split(t.data.repo);
  const wf = workflowRef(t.data);
  const cancelActive = async () => {
    const runs = (await Promise.all(ACTIVE_RUN_STATES.map((status) => session.listRuns(owner, repo, { workflowId: wf, status })))).flat();
    const unique = [...new Map(runs.map((r) => [r.id, r])).values()];
    const outcomes: string[] = [];
    for (let i = 0; i < unique.length; i += RUN_CONCURRENCY) {
      outcomes.push(...(await Promise.all(unique.slice(i, i + RUN_CONCURRENCY).map((r) => session.cancelRun(owner, repo, r.id, cancelOptions())))));
    }
    const forced = outcomes.filter((o) => o === "force-cancelled").length;
    return { runs: unique.length, forced };
  };
  switch (action) {
    case "disable-workflows": {
      const r = await session.disableWorkflow(owner, repo, wf);
      const disabled = r === "already" ? "was already disabled" : "disabled";
      return {
        status: r === "already" ? "already" : "done",
        message: disabled,
        after: async () => {
          try {
            const c = await cancelActive();
            return { status: r === "already" ? "already" : "done", message: `${disabled}; ${c.runs} active run(s) cancelled${c.forced ? ` (${c.forced} force-cancelled)` : ""}` };
          } catch (err) {
            return { status: "failed", message: `${disabled}, but its runs could not all be cancelled: ${errorMessage(err)}` };
          }
        },
      };
    }
    case "cancel-runs": {
      const c = await cancelActive();
      return { status: "done", message: `${c.runs} active run(s) cancelled${c.forced ? ` (${c.forced} force-cancelled)` : ""}` };
    }
    case "enable-workflows": {
      const r = await session.enableWorkflow(owner, repo, wf);
      return { status: r === "already" ? "already" : "done", message: r === "already" ? "was already enabled" : "re-enabled" };
    }
    case "delete-caches": {
      const caches = await session.listCaches(owner, repo);
      for (const c of caches) await session.deleteCache(owner, repo, c.id);
      return { status: "done", message: `${caches.length} cache(s) deleted` };
    }
    case "delete-artifacts": {
      const w = window(incident);
      const runs = await session.listRuns(owner, repo, { workflowId: wf, created: w });
      let deleted = 0;
      for (const run of runs) {
        for (const a of await session.listArtifacts(owner, repo, { runId: run.id })) {
          if ((await session.deleteArtifact(owner, repo, a.id)) === "done") deleted++;
        }
      }
      return { status: "done", message: `${deleted} artifact(s) of ${runs.length} run(s) inside the window deleted; rebuild the releases from a clean runner` };
    }
    case "delete-run-logs":
      return deleteRunLogs(session, owner, repo, t.workflows ?? [], window(incident));
    case "delete-deploy-keys": {
      const r = await session.deleteDeployKey(owner, repo, Number(t.data.keyId));
      return { status: r === "already" ? "already" : "done", message: r === "already" ? "was already deleted" : "deleted" };
    }
  }
}

/**
 * The logs of every completed run of a repository's in-scope workflows inside the window, deleted
 * one run at a time. GitHub answers 204 to a run whose logs are already gone (its documented
 * answers are 204, 403 and 500) and 404 to a run that is gone itself: both leave no log, so both
 * count as deleted and the action can be repeated. A run still in progress is not asked (GitHub
 * refuses while it writes its logs): the item fails naming it, to be cancelled and repeated.
 * The message and the calls name each run: they are the item's evidence.
 */
async function deleteRunLogs(session: ResponderSession, owner: string, repo: string, workflows: WorkflowRef[], w: { from: Date; to: Date }): Promise<Outcome> {
  const runs = (await Promise.all(workflows.map((workflowId) => session.listRuns(owner, repo, { workflowId, created: w })))).flat();
  const unique = [...new Map(runs.map((r) => [r.id, r])).values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
  const running = unique.filter((r) => r.status !== "completed");
  const deleted: number[] = [];
  const calls: ItemResult["calls"] = [];
  const list = (ids: number[]) => (ids.length > 0 ? `: ${ids.join(", ")}` : "");
  const deletedSoFar = () => `logs of ${deleted.length} completed run(s) inside the window deleted${list(deleted)}`;
  for (const r of unique.filter((x) => x.status === "completed")) {
    try {
      await session.deleteRunLogs(owner, repo, r.id);
    } catch (err) {
      // What was deleted stays on the record; repeating the action finishes the rest.
      return { status: "failed", message: `${deletedSoFar()}; run ${r.id}: ${errorMessage(err)}`, calls };
    }
    deleted.push(r.id);
    calls.push({ method: "DELETE", path: `/repos/${owner}/${repo}/actions/runs/${r.id}/logs` });
  }
  const done = deletedSoFar();
  if (running.length > 0) {
    return { status: "failed", message: `${done}; ${running.length} run(s) still in progress${list(running.map((r) => r.id))}: GitHub keeps their logs until they end — cancel them (step 1), then delete again`, calls };
  }
  return { status: "done", message: done, calls };
}

/** Runs `fn` over `list`, REPO_CONCURRENCY at a time. */
async function pool<T>(list: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < list.length) await fn(list[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(REPO_CONCURRENCY, list.length) }, worker));
}

const errorMessage = (err: unknown) => (err instanceof ResponderError ? err.message : `GitHub call failed: ${err instanceof Error ? err.message : String(err)}`);

/**
 * Carries out an incident action on GitHub through the responder App: one session (one token,
 * scoped to that repository and the step's permissions, revoked after) per repository, several
 * repositories at once. Without a responder App each item gets the `gh` commands to run by
 * hand. A dry run makes no call at all and lists the calls it would make.
 */
export async function actOnGithub(opts: {
  action: IncidentActionName;
  dryRun: boolean;
  orgLogin: string;
  incident: typeof incidents.$inferSelect;
  targets: ActionTarget[];
}): Promise<{ results: ItemResult[]; stats: CallStats | null }> {
  const { action, incident, targets } = opts;
  const none = (results: ItemResult[]) => ({ results, stats: null });
  if (opts.dryRun) return none(targets.map((t) => ({ itemId: t.itemId, label: t.label, status: "planned", message: "dry run: nothing was called", calls: callList(plan(action, t, incident)) })));
  let config: ResponderConfig | null;
  try {
    config = await responderConfig();
  } catch (err) {
    return none(targets.map((t) => ({ itemId: t.itemId, label: t.label, status: "failed", message: errorMessage(err), calls: [] })));
  }
  if (!config) {
    return none(
      targets.map((t) => {
        const calls = plan(action, t, incident);
        return { itemId: t.itemId, label: t.label, status: "manual", message: calls.map((c) => manualCommand(c)).join("\n"), calls: callList(calls) };
      }),
    );
  }
  let installationId: number;
  try {
    const installation = await findResponderInstallation(config, opts.orgLogin);
    installationId = installation!.installationId;
  } catch (err) {
    return none(targets.map((t) => ({ itemId: t.itemId, label: t.label, status: "failed", message: errorMessage(err), calls: [] })));
  }
  const stats: CallStats = { requests: 0, retries: 0, rateLimitWaitMs: 0 };

  const byRepo = new Map<number, ActionTarget[]>();
  for (const t of targets) byRepo.set(repoIdOf(t.data), [...(byRepo.get(repoIdOf(t.data)) ?? []), t]);
  const results: ItemResult[] = [];
  const done = (t: ActionTarget, r: Outcome) => results.push({ itemId: t.itemId, label: t.label, status: r.status, message: r.message, calls: r.calls ?? (r.status === "failed" ? [] : callList(plan(action, t, incident))) });
  const close = async (session: ResponderSession) => {
    await session.close();
    const s = session.stats();
    stats.requests += s.requests;
    stats.retries += s.retries;
    stats.rateLimitWaitMs += s.rateLimitWaitMs;
  };
  // Two passes over the repositories. First every item's first part in every repository
  // (disable-workflows: every workflow disabled, so no new run can start anywhere), then what is
  // left (cancelling their runs, which may wait out force-cancel). Containment thus never queues
  // behind another repository's cancels: 100 workflows in 20 repositories are all disabled in
  // half the time a repository-by-repository pass takes (`npm run bench:incident`: 38 → 18 s),
  // with the same tokens (kept open between the passes, revoked after the second) and the same
  // pacing. The price: a run may go on for the seconds the first pass takes before its cancel
  // (no new one can start), and the action as a whole ends no sooner.
  const waiting: { session: ResponderSession; rest: { t: ActionTarget; after: () => Promise<Outcome> }[] }[] = [];
  const open: ResponderSession[] = [];
  try {
    await pool([...byRepo.entries()], async ([repositoryId, items]) => {
      let session: ResponderSession;
      try {
        session = await openResponderSession({ ...config, installationId, repositoryIds: [repositoryId], step: action, orgLogin: opts.orgLogin });
      } catch (err) {
        for (const t of items) done(t, { status: "failed", message: errorMessage(err) });
        return;
      }
      open.push(session);
      const rest: (typeof waiting)[number]["rest"] = [];
      for (const t of items) {
        try {
          const { after, ...r } = await perform(session, action, t, incident);
          if (after) rest.push({ t, after });
          else done(t, r);
        } catch (err) {
          done(t, { status: "failed", message: errorMessage(err) });
        }
      }
      if (rest.length > 0) waiting.push({ session, rest });
      else await close(open.splice(open.indexOf(session), 1)[0]!);
    });
    await pool(waiting, async ({ session, rest }) => {
      try {
        for (const { t, after } of rest) done(t, await after());
      } finally {
        await close(open.splice(open.indexOf(session), 1)[0]!);
      }
    });
  } finally {
    // Only after an unexpected error: every token is revoked whatever happened.
    await Promise.all(open.map(close));
  }
  const order = new Map(targets.map((t, i) => [t.itemId, i]));
  return { results: results.sort((a, b) => order.get(a.itemId)! - order.get(b.itemId)!), stats };
}
