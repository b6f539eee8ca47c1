import type { RepoContext } from "../context";
import type { WorkflowFacts } from "../workflow-model";
import { list, type Emit } from "./support";

// Default token permissions in reusable workflows. A job of a workflow that only runs on
// `workflow_call` and sets no permissions runs with its caller's GITHUB_TOKEN: the caller job's
// permissions, or the repository default when the caller sets none either. Callers in the same
// repository are visible, so Gatehouse follows them; a job that calls a reusable workflow
// without a permissions block hands its token on the same way. Runs over the whole repository.

export function isOnlyCalled(wf: WorkflowFacts): boolean {
  return wf.model.triggers.length === 1 && wf.model.triggers[0] === "workflow_call";
}

function localTarget(uses: string): string {
  return uses.replace(/^\.\//, "").replace(/@.*$/, "");
}

export function reusableWorkflowDefaultPermissions(
  workflows: { wf: WorkflowFacts; path: string }[],
  context: RepoContext | undefined,
  emitFor: (wf: WorkflowFacts) => Emit,
): void {
  // With a read-only repository default nothing broad flows; a read/write default is repo-default-token-write's.
  if (context?.defaultWorkflowPermissions === "read") return;
  for (const { wf, path } of workflows) {
    if (!isOnlyCalled(wf)) continue;
    const inheriting = wf.jobs.filter((j) => j.model.permissionsSource === "default");
    if (inheriting.length === 0) continue;
    const callers = workflows.flatMap(({ wf: other, path: otherPath }) =>
      other.jobs.filter((j) => j.model.calls?.local === true && localTarget(j.model.calls.workflow) === path).map((j) => ({ j, otherPath, other })),
    );
    // A caller that is itself only called passes on its own caller's token: not the default, judged there.
    const uncapped = callers.filter(({ j, other }) => j.model.calls?.permissions === null && !isOnlyCalled(other));
    if (callers.length > 0 && uncapped.length === 0) continue;
    const ids = inheriting.map((j) => j.model.id);
    const jobs = `job${ids.length > 1 ? "s" : ""} ${list(ids)}`;
    const first = inheriting[0];
    const reason =
      uncapped.length > 0
        ? `and ${list(uncapped.map(({ j, otherPath }) => `job ${j.model.id} of ${otherPath}`), 2)} call${uncapped.length > 1 ? "" : "s"} it without permissions, so ${ids.length > 1 ? "they run" : "it runs"} with the repository default GITHUB_TOKEN (read/write unless restricted)`
        : `so ${ids.length > 1 ? "they run" : "it runs"} with whatever GITHUB_TOKEN each caller holds — the caller repository's default (read/write unless restricted) when the caller sets none`;
    emitFor(wf)({
      rule: "reusable-workflow-default-permissions",
      severity: uncapped.length > 0 ? "medium" : "low",
      line: inheriting.length === 1 ? (first?.model.line ?? wf.onLine) : wf.onLine,
      job: inheriting.length === 1 ? (first?.model.id ?? null) : null,
      message: `reusable workflow ${path}: ${jobs} set no permissions ${reason}`,
    });
  }
}
