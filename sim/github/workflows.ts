import { fakeSha, stableId } from "../fixtures/blob";
import { isoSeconds } from "../fixtures/dates";
import type { OrgData, RepoData, WorkflowRunData, WorkflowState } from "../fixtures/model";
import { notFound } from "./http";
import { HTML, nodeId, repoShape, userShape } from "./shapes";

// Workflows are derived from the repository's files: every *.yml / *.yaml directly inside
// .github/workflows is one workflow whose id is a stable hash of (repo id, path).

export interface WorkflowInfo {
  id: number;
  path: string;
  name: string;
  state: WorkflowState;
}

const WORKFLOW_FILE = /^\.github\/workflows\/[^/]+\.ya?ml$/;

export function workflowId(repo: RepoData, path: string): number {
  return stableId("workflow", repo.id, path) % 100_000_000;
}

function workflowName(text: string, path: string): string {
  const m = /^name:\s*(.+?)\s*$/m.exec(text);
  const raw = m?.[1];
  if (!raw) return path;
  return raw.replace(/^(['"])(.*)\1$/, "$2");
}

export function listWorkflows(repo: RepoData): WorkflowInfo[] {
  const out: WorkflowInfo[] = [];
  for (const [path, blob] of repo.files) {
    if (!WORKFLOW_FILE.test(path)) continue;
    out.push({ id: workflowId(repo, path), path, name: workflowName(blob.text, path), state: repo.workflowStates.get(path) ?? "active" });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Accepts a numeric id or a file name ("ci.yml"), as GitHub does. */
export function findWorkflow(repo: RepoData, idOrFile: string): WorkflowInfo {
  const wf = listWorkflows(repo).find((w) => String(w.id) === idOrFile || w.path.split("/").pop() === idOrFile);
  if (!wf) throw notFound();
  return wf;
}

export function workflowShape(api: string, org: OrgData, repo: RepoData, wf: WorkflowInfo) {
  const full = `${org.login}/${repo.name}`;
  const file = wf.path.split("/").pop() ?? wf.path;
  return {
    id: wf.id,
    node_id: nodeId("W_", wf.id),
    name: wf.name,
    path: wf.path,
    state: wf.state,
    created_at: repo.createdAt,
    updated_at: repo.pushedAt,
    url: `${api}/repos/${full}/actions/workflows/${wf.id}`,
    html_url: `${HTML}/${full}/blob/${repo.defaultBranch}/${wf.path}`,
    badge_url: `${HTML}/${full}/workflows/${encodeURIComponent(file)}/badge.svg`,
  };
}

/** Runs are created lazily: per workflow two finished runs and one in progress, plus the fixture's. */
export function repoRuns(repo: RepoData, nowMs: number): Map<number, WorkflowRunData> {
  if (repo.runs) return repo.runs;
  const runs = new Map<number, WorkflowRunData>();
  for (const wf of listWorkflows(repo)) {
    const specs = [
      { ageH: 72, status: "completed", conclusion: "success" },
      { ageH: 20, status: "completed", conclusion: "failure" },
      { ageH: 0.2, status: "in_progress", conclusion: null },
    ] as const;
    specs.forEach((spec, i) => {
      const id = stableId("run", wf.id, i);
      const at = isoSeconds(nowMs - spec.ageH * 3_600_000);
      runs.set(id, {
        id,
        workflowId: wf.id,
        workflowPath: wf.path,
        name: wf.name,
        event: "push",
        status: spec.status,
        conclusion: spec.conclusion,
        headBranch: repo.defaultBranch,
        headSha: fakeSha(repo.headOid, i),
        runNumber: 100 + i,
        createdAt: at,
        updatedAt: at,
        actor: "octocat",
      });
    });
  }
  // The fixture's own runs: history, kept like the control plane's when a commit re-derives the rest.
  const byPath = new Map(listWorkflows(repo).map((wf) => [wf.path, wf]));
  (repo.runSeeds ?? []).forEach((seed, i) => {
    const wf = byPath.get(seed.workflowPath);
    if (!wf) return; // the file was removed since: its history goes with it
    const id = stableId("run", wf.id, "fixture", i);
    runs.set(id, {
      id,
      workflowId: wf.id,
      workflowPath: wf.path,
      name: wf.name,
      event: seed.event,
      status: seed.status,
      conclusion: seed.conclusion,
      headBranch: repo.defaultBranch,
      headSha: fakeSha(repo.headOid, "fixture", i),
      runNumber: 50 + i,
      createdAt: seed.createdAt,
      updatedAt: seed.createdAt,
      actor: "octocat",
      persistent: true,
    });
  });
  repo.runs = runs;
  return runs;
}

export function runShape(api: string, org: OrgData, repo: RepoData, run: WorkflowRunData) {
  const full = `${org.login}/${repo.name}`;
  const u = `${api}/repos/${full}/actions/runs/${run.id}`;
  const actor = userShape(api, run.actor, 583231);
  const repository = repoShape(api, org, repo);
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId("WFR_", run.id),
    check_suite_id: run.id + 1,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.workflowPath,
    display_title: `${run.name} #${run.runNumber}`,
    run_number: run.runNumber,
    run_attempt: 1,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url: u,
    html_url: `${HTML}/${full}/actions/runs/${run.id}`,
    pull_requests: [],
    referenced_workflows: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    run_started_at: run.createdAt,
    actor,
    triggering_actor: actor,
    jobs_url: `${u}/jobs`,
    logs_url: `${u}/logs`,
    check_suite_url: `${api}/repos/${full}/check-suites/${run.id + 1}`,
    artifacts_url: `${u}/artifacts`,
    cancel_url: `${u}/cancel`,
    rerun_url: `${u}/rerun`,
    workflow_url: `${api}/repos/${full}/actions/workflows/${run.workflowId}`,
    head_commit: {
      id: run.headSha,
      tree_id: fakeSha("tree", run.headSha),
      message: "Update workflow",
      timestamp: run.createdAt,
      author: { name: "Octo Cat", email: "octocat@users.noreply.github.com" },
      committer: { name: "GitHub", email: "noreply@github.com" },
    },
    repository,
    head_repository: repository,
  };
}
