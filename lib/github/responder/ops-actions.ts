import "server-only";
import { calls, type RunQuery, type WorkflowRef } from "./calls";
import { ResponderError } from "./errors";
import type { SessionCore } from "./session-core";
import type { CancelOutcome, Outcome, RunSummary, WorkflowSummary } from "./types";

// Workflows (state, disable, enable) and runs (list, cancel with the force path). Idempotent:
// disabling a disabled workflow or cancelling a finished run is "already", not an error.

interface RawWorkflow {
  id: number;
  path: string;
  state: string;
}

interface RawRun {
  id: number;
  workflow_id: number;
  status: string | null;
  conclusion: string | null;
  event: string;
  head_sha: string;
  created_at: string;
  run_started_at?: string;
  html_url: string;
}

export interface CancelOptions {
  /** How long a cancelled run may keep running before force-cancel. Default 30 s. */
  forceAfterMs?: number;
  /** How often the run's status is read meanwhile. Default 5 s. */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function actionsOps(core: SessionCore) {
  const label = (owner: string, repo: string, workflow: WorkflowRef) => `workflow ${workflow} of ${owner}/${repo}`;

  async function getWorkflow(owner: string, repo: string, workflow: WorkflowRef): Promise<WorkflowSummary> {
    const { data } = await core.send<RawWorkflow>(calls.getWorkflow(owner, repo, workflow), `Reading ${label(owner, repo, workflow)}`);
    return { id: data.id, path: data.path, state: data.state };
  }

  async function setState(owner: string, repo: string, workflow: WorkflowRef, to: "disable" | "enable"): Promise<Outcome> {
    const current = await getWorkflow(owner, repo, workflow);
    // Only a manual disable stops a workflow for good (an inactive one wakes up on a push).
    if (to === "disable" ? current.state === "disabled_manually" : current.state === "active") return "already";
    const call = to === "disable" ? calls.disableWorkflow(owner, repo, workflow) : calls.enableWorkflow(owner, repo, workflow);
    await core.send(call, `${to === "disable" ? "Disabling" : "Enabling"} ${label(owner, repo, workflow)}`);
    return "done";
  }

  async function listRuns(owner: string, repo: string, query: RunQuery = {}): Promise<RunSummary[]> {
    const runs = await core.list<RawRun>(calls.listRuns(owner, repo, query), `Listing the workflow runs of ${owner}/${repo}`);
    return runs.map((r) => ({
      id: r.id,
      workflowId: r.workflow_id,
      status: r.status,
      conclusion: r.conclusion,
      event: r.event,
      headSha: r.head_sha,
      createdAt: r.created_at,
      runStartedAt: r.run_started_at ?? null,
      htmlUrl: r.html_url,
    }));
  }

  /**
   * POST cancel; a run still in progress `forceAfterMs` later gets POST force-cancel (a job that
   * ignores the cancellation, or an `always()` step). 409 = it had completed already.
   */
  async function cancelRun(owner: string, repo: string, runId: number, options: CancelOptions = {}): Promise<CancelOutcome> {
    const what = `Cancelling run ${runId} of ${owner}/${repo}`;
    const forceAfterMs = options.forceAfterMs ?? 30_000;
    const pollMs = Math.max(1, options.pollMs ?? 5_000);
    try {
      await core.send(calls.cancelRun(owner, repo, runId), what);
    } catch (error) {
      if (error instanceof ResponderError && error.status === 409) return "already-completed";
      throw error;
    }
    const deadline = Date.now() + forceAfterMs;
    for (;;) {
      const { data } = await core.send<RawRun>(calls.getRun(owner, repo, runId), `Reading run ${runId} of ${owner}/${repo} after its cancel`);
      if (data.status === "completed") return "cancelled";
      const left = deadline - Date.now();
      if (left <= 0) break;
      await sleep(Math.min(pollMs, left));
    }
    try {
      await core.send(calls.forceCancelRun(owner, repo, runId), `Force-cancelling run ${runId} of ${owner}/${repo}`);
      return "force-cancelled";
    } catch (error) {
      // It completed between the last read and the force-cancel.
      if (error instanceof ResponderError && error.status === 409) return "cancelled";
      throw error;
    }
  }

  return {
    getWorkflow,
    disableWorkflow: (owner: string, repo: string, workflow: WorkflowRef) => setState(owner, repo, workflow, "disable"),
    enableWorkflow: (owner: string, repo: string, workflow: WorkflowRef) => setState(owner, repo, workflow, "enable"),
    listRuns,
    cancelRun,
  };
}
