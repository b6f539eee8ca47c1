import "server-only";
import type { GithubClient } from "@/lib/github/client";
import type { ScopeEntry } from "./scope";
import { releaseInWindow, toReleaseInWindow, type RawRelease, type ReleaseInWindow } from "./releases";

export interface RunInWindow {
  id: number;
  /** The in-scope workflow (inventory id) it is a run of. */
  workflowId: string;
  repo: string;
  status: string | null;
  conclusion: string | null;
  event: string;
  createdAt: string;
  htmlUrl: string;
}

export interface Window {
  from: Date;
  to: Date;
}

/** How many workflows' runs are listed at once: GitHub's guidance is to avoid concurrent bursts. */
const CONCURRENCY = 6;

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/** A scope's workflow entry that GitHub Actions runs (scopes frozen before `system` was recorded are GitHub's). */
export const isGithubWorkflow = (e: ScopeEntry): boolean => (e.data.system ?? "github-actions") === "github-actions";

/** GitHub accepts a workflow's file name where it takes its id. */
export const workflowRef = (data: Record<string, unknown>): string | number =>
  typeof data.githubWorkflowId === "number" ? data.githubWorkflowId : String(data.path ?? "").split("/").pop()!;

/**
 * The runs of each in-scope workflow created inside the window (`created=from..to`,
 * paginated, through the reader client's rate-limit handling). A workflow whose runs cannot
 * be read is reported in `failures` with GitHub's message, not silently treated as unexposed.
 */
export async function readRunsInWindow(client: GithubClient, org: string, scope: ScopeEntry[], window: Window): Promise<{ runs: RunInWindow[]; failures: string[] }> {
  // Runs are GitHub Actions'; a Buildkite or Tekton pipeline's builds are not listed here.
  const workflows = scope.filter((e) => e.kind === "workflow" && isGithubWorkflow(e));
  const runs: RunInWindow[] = [];
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < workflows.length) {
      const wf = workflows[next++]!;
      const repo = String(wf.data.repo);
      const [owner, name] = repo.split("/") as [string, string];
      try {
        const list = await client.octokit.paginate("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", {
          owner: owner || org,
          repo: name,
          workflow_id: workflowRef(wf.data),
          created: `${iso(window.from)}..${iso(window.to)}`,
          per_page: 100,
        });
        for (const r of list) {
          runs.push({ id: r.id, workflowId: wf.key, repo, status: r.status ?? null, conclusion: r.conclusion ?? null, event: r.event, createdAt: r.created_at, htmlUrl: r.html_url });
        }
      } catch (err) {
        const status = (err as { status?: number }).status;
        failures.push(`${wf.label}: ${status === 404 ? "not found on GitHub (deleted since the last sync?)" : err instanceof Error ? err.message : String(err)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, workflows.length) }, worker));
  runs.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
  return { runs, failures };
}

/**
 * The releases every in-scope repository created or published inside the window, read with the
 * reader App (`GET /repos/{o}/{r}/releases`, every page: GitHub lists them newest created first,
 * but a draft created long before may be published inside the window, so no page can be skipped).
 * Drafts are listed only to tokens that may push (contents: write), which the reader's are not:
 * a release still a draft is not seen. A repository whose releases cannot be read is reported in
 * `failures`.
 */
export async function readReleasesInWindow(client: GithubClient, org: string, scope: ScopeEntry[], window: Window): Promise<{ releases: ReleaseInWindow[]; failures: string[] }> {
  const repos = scope.filter((e) => e.kind === "repository");
  const releases: ReleaseInWindow[] = [];
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < repos.length) {
      const repo = repos[next++]!;
      const [owner, name] = repo.label.split("/") as [string, string];
      try {
        const list = (await client.octokit.paginate("GET /repos/{owner}/{repo}/releases", { owner: owner || org, repo: name, per_page: 100 })) as RawRelease[];
        for (const r of list) if (releaseInWindow(r, window)) releases.push(toReleaseInWindow(repo.label, r));
      } catch (err) {
        const status = (err as { status?: number }).status;
        failures.push(`releases of ${repo.label}: ${status === 404 ? "not found on GitHub (deleted since the last sync?)" : err instanceof Error ? err.message : String(err)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, repos.length) }, worker));
  releases.sort((a, b) => a.repo.localeCompare(b.repo) || b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
  return { releases, failures };
}

/**
 * Marks what runs inside the window could read: a workflow with such a run is exposed, and so
 * is every secret and identity one of its in-scope jobs holds (the jobs in scope are those that
 * use the target, so "a run executed a job that both uses the action and can read it" — as
 * far as a run's list entry tells; a run that skipped the job still counts, on the safe side).
 * Public repositories with runs inside the window are flagged for log review.
 */
export function markExposure(scope: ScopeEntry[], runs: RunInWindow[]): void {
  const ran = new Map<string, number>();
  for (const r of runs) ran.set(r.workflowId, (ran.get(r.workflowId) ?? 0) + 1);
  const publicRepos = new Set<string>();
  for (const e of scope) {
    if (e.kind === "workflow" && ran.has(e.key)) {
      e.exposure = "exposed";
      e.data.runsInWindow = ran.get(e.key);
      if (e.data.visibility === "public") publicRepos.add(String(e.data.repo));
    }
  }
  for (const e of scope) {
    if ((e.kind === "secret" || e.kind === "identity" || e.kind === "system") && Array.isArray(e.data.workflowIds)) {
      if ((e.data.workflowIds as string[]).some((id) => ran.has(id))) e.exposure = "exposed";
    }
    if (e.kind === "repository" && publicRepos.has(e.label)) {
      e.exposure = "exposed";
      e.data.logReview = true;
    }
  }
}
