import type { EnvironmentData, OrgData, RepoData, RunnerData, WorkflowRunData } from "../fixtures/model";
import { filterRuns } from "./run-filter";
import { HttpError, noContent, notFound, ok, paginate, type SimResponse } from "./http";
import type { PermissionNeed } from "./permissions";
import { bodyObject, orgOf, param, repoOf, validationFailed, type RouteContext, type RouteDef } from "./router";
import { HTML, nodeId, repoShape, teamShape, userShape } from "./shapes";
import { environmentOf } from "./routes-secrets";
import { findWorkflow, listWorkflows, repoRuns, runShape, workflowShape } from "./workflows";

// Workflows and runs (read + incident writes), Actions policy, OIDC templates, runners, environments.

const ACTIONS_READ: readonly PermissionNeed[] = [["actions", "read"]];
const ACTIONS_WRITE: readonly PermissionNeed[] = [["actions", "write"]];
const ADMIN_READ: readonly PermissionNeed[] = [["administration", "read"]];
const ORG_ADMIN_READ: readonly PermissionNeed[] = [["organization_administration", "read"]];
const ORG_RUNNERS: readonly PermissionNeed[] = [["organization_self_hosted_runners", "read"]];
const READ_ONLY_LABELS = new Set(["self-hosted", "linux", "windows", "macos", "x64", "arm64", "arm"]);

function runnerShape(r: RunnerData) {
  return {
    id: r.id,
    runner_group_id: r.runnerGroupId,
    name: r.name,
    os: r.os,
    status: r.status,
    busy: r.busy,
    ephemeral: r.ephemeral,
    labels: r.labels.map((name, i) => ({
      id: i + 1,
      name,
      type: READ_ONLY_LABELS.has(name.toLowerCase()) ? "read-only" : "custom",
    })),
  };
}

function listRunners(ctx: RouteContext, runners: RunnerData[]): SimResponse {
  const page = paginate(runners, { url: ctx.url });
  return ok({ total_count: runners.length, runners: page.slice.map(runnerShape) }, 200, page.headers);
}

export function environmentShape(api: string, org: OrgData, repo: RepoData, env: EnvironmentData) {
  const full = `${org.login}/${repo.name}`;
  const rules: Record<string, unknown>[] = [];
  if (env.waitTimer > 0) {
    rules.push({ id: env.id * 10 + 1, node_id: nodeId("GA_", env.id * 10 + 1), type: "wait_timer", wait_timer: env.waitTimer });
  }
  if (env.reviewers.length > 0) {
    rules.push({
      id: env.id * 10 + 2,
      node_id: nodeId("GA_", env.id * 10 + 2),
      type: "required_reviewers",
      prevent_self_review: env.preventSelfReview,
      reviewers: env.reviewers.map((r) => {
        if (r.type === "Team") {
          const team = org.teams.find((t) => t.slug === r.name);
          return { type: "Team", reviewer: team ? teamShape(api, org, team) : null };
        }
        const member = org.members.find((m) => m.login === r.name);
        return { type: "User", reviewer: userShape(api, r.name, member?.id ?? 0) };
      }),
    });
  }
  if (env.deploymentBranchPolicy) {
    rules.push({ id: env.id * 10 + 3, node_id: nodeId("GA_", env.id * 10 + 3), type: "branch_policy" });
  }
  return {
    id: env.id,
    node_id: nodeId("EN_", env.id),
    name: env.name,
    url: `${api}/repos/${full}/environments/${encodeURIComponent(env.name)}`,
    html_url: `${HTML}/${full}/deployments/activity_log?environments_filter=${encodeURIComponent(env.name)}`,
    created_at: env.createdAt,
    updated_at: env.updatedAt,
    protection_rules: rules,
    deployment_branch_policy: env.deploymentBranchPolicy
      ? {
          protected_branches: env.deploymentBranchPolicy.protectedBranches,
          custom_branch_policies: env.deploymentBranchPolicy.customBranchPolicies,
        }
      : null,
  };
}

function listRuns(ctx: RouteContext, org: OrgData, repo: RepoData, workflowId?: number): SimResponse {
  const all = [...repoRuns(repo, ctx.core.now()).values()].filter((r) => workflowId === undefined || r.workflowId === workflowId);
  const runs = filterRuns(ctx.url.searchParams, all);
  const page = paginate(runs, { url: ctx.url });
  return ok({ total_count: runs.length, workflow_runs: page.slice.map((r) => runShape(ctx.api, org, repo, r)) }, 200, page.headers);
}

export function findRun(ctx: RouteContext, repo: RepoData): WorkflowRunData {
  const run = repoRuns(repo, ctx.core.now()).get(Number(param(ctx, "run_id")));
  if (!run) throw notFound();
  return run;
}

/**
 * Cancel and force-cancel (409 once completed). A run marked `needsForceCancel` by the control
 * plane ignores a plain cancel (202, still in progress), like a job that traps the signal.
 */
function cancelRun(ctx: RouteContext, force: boolean): SimResponse {
  const { org, repo } = repoOf(ctx);
  const run = findRun(ctx, repo);
  if (run.status === "completed") throw new HttpError(409, "Cannot cancel a workflow run that is completed.");
  if (!force && run.needsForceCancel && run.status === "in_progress") return ok({}, 202);
  run.status = "completed";
  run.conclusion = "cancelled";
  run.updatedAt = ctx.core.nowIso();
  const wf = listWorkflows(repo).find((w) => w.id === run.workflowId);
  ctx.core.emit("workflow_run", org, repo, {
    action: "completed",
    workflow_run: runShape(ctx.api, org, repo, run),
    ...(wf ? { workflow: workflowShape(ctx.api, org, repo, wf) } : {}),
  });
  return ok({}, 202);
}

function setWorkflowState(ctx: RouteContext, state: "active" | "disabled_manually"): SimResponse {
  const { repo } = repoOf(ctx);
  const wf = findWorkflow(repo, param(ctx, "workflow_id"));
  repo.workflowStates.set(wf.path, state);
  return noContent();
}

function runnerGroup(ctx: RouteContext) {
  const org = orgOf(ctx);
  const group = org.runnerGroups.find((g) => String(g.id) === param(ctx, "runner_group_id"));
  if (!group) throw notFound();
  return { org, group };
}

/** Repositories created on or after this date get the immutable subject whatever the settings (cloud-trust.md §1.4). */
const IMMUTABLE_SINCE = "2026-07-15T00:00:00Z";

/** The repository's `sub` prefix as GitHub reports it: immutable (`repo:OWNER@ID/REPO@ID`) when opted in (repository, else organisation) or created since the switch. */
function subClaimPrefix(org: OrgData, repo: RepoData): string {
  const immutable = (repo.oidcSub.useImmutableSubject ?? org.oidcSub.useImmutableSubject) || Date.parse(repo.createdAt) >= Date.parse(IMMUTABLE_SINCE);
  return immutable ? `repo:${org.login}@${org.id}/${repo.name}@${repo.id}` : `repo:${org.login}/${repo.name}`;
}

export const actionsRoutes: RouteDef[] = [
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/actions/workflows",
    auth: "token",
    perm: ACTIONS_READ,
    handler: (ctx) => {
      const { org, repo } = repoOf(ctx);
      const all = listWorkflows(repo);
      const page = paginate(all, { url: ctx.url });
      return ok({ total_count: all.length, workflows: page.slice.map((w) => workflowShape(ctx.api, org, repo, w)) }, 200, page.headers);
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/actions/workflows/{workflow_id}",
    auth: "token",
    perm: ACTIONS_READ,
    handler: (ctx) => {
      const { org, repo } = repoOf(ctx);
      return ok(workflowShape(ctx.api, org, repo, findWorkflow(repo, param(ctx, "workflow_id"))));
    },
  },
  { method: "PUT", path: "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/disable", auth: "token", perm: ACTIONS_WRITE, handler: (ctx) => setWorkflowState(ctx, "disabled_manually") },
  { method: "PUT", path: "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/enable", auth: "token", perm: ACTIONS_WRITE, handler: (ctx) => setWorkflowState(ctx, "active") },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
    auth: "token",
    perm: ACTIONS_READ,
    handler: (ctx) => {
      const { org, repo } = repoOf(ctx);
      return listRuns(ctx, org, repo, findWorkflow(repo, param(ctx, "workflow_id")).id);
    },
  },
  { method: "GET", path: "/repos/{owner}/{repo}/actions/runs", auth: "token", perm: ACTIONS_READ, handler: (ctx) => { const { org, repo } = repoOf(ctx); return listRuns(ctx, org, repo); } },
  { method: "GET", path: "/repos/{owner}/{repo}/actions/runs/{run_id}", auth: "token", perm: ACTIONS_READ, handler: (ctx) => { const { org, repo } = repoOf(ctx); return ok(runShape(ctx.api, org, repo, findRun(ctx, repo))); } },
  { method: "POST", path: "/repos/{owner}/{repo}/actions/runs/{run_id}/cancel", auth: "token", perm: ACTIONS_WRITE, handler: (ctx) => cancelRun(ctx, false) },
  { method: "POST", path: "/repos/{owner}/{repo}/actions/runs/{run_id}/force-cancel", auth: "token", perm: ACTIONS_WRITE, handler: (ctx) => cancelRun(ctx, true) },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/actions/permissions/workflow",
    auth: "token",
    perm: ADMIN_READ,
    handler: (ctx) => {
      const { repo } = repoOf(ctx);
      return ok({ default_workflow_permissions: repo.defaultWorkflowPermissions, can_approve_pull_request_reviews: repo.canApprovePullRequestReviews });
    },
  },
  {
    method: "PUT",
    path: "/repos/{owner}/{repo}/actions/permissions/workflow",
    auth: "token",
    perm: [["administration", "write"]],
    handler: (ctx) => {
      const { repo } = repoOf(ctx);
      const body = bodyObject(ctx);
      const level = body.default_workflow_permissions;
      if (level !== undefined && level !== "read" && level !== "write") throw validationFailed("Invalid request.\n\nInvalid default_workflow_permissions.");
      if (level) repo.defaultWorkflowPermissions = level;
      if (typeof body.can_approve_pull_request_reviews === "boolean") repo.canApprovePullRequestReviews = body.can_approve_pull_request_reviews;
      return noContent();
    },
  },
  {
    method: "GET",
    path: "/orgs/{org}/actions/permissions/workflow",
    auth: "token",
    perm: ORG_ADMIN_READ,
    handler: (ctx) => {
      const org = orgOf(ctx);
      return ok({ default_workflow_permissions: org.defaultWorkflowPermissions, can_approve_pull_request_reviews: org.canApprovePullRequestReviews });
    },
  },
  {
    method: "GET",
    path: "/orgs/{org}/actions/oidc/customization/sub",
    auth: "token",
    perm: ORG_ADMIN_READ,
    handler: (ctx) => {
      const { oidcSub } = orgOf(ctx);
      return ok({ include_claim_keys: oidcSub.includeClaimKeys, use_immutable_subject: oidcSub.useImmutableSubject });
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/actions/oidc/customization/sub",
    auth: "token",
    perm: ACTIONS_READ,
    handler: (ctx) => {
      const { org, repo } = repoOf(ctx);
      const { useDefault, includeClaimKeys, useImmutableSubject } = repo.oidcSub;
      return ok({
        use_default: useDefault,
        ...(useDefault ? {} : { include_claim_keys: includeClaimKeys }),
        ...(useImmutableSubject !== undefined ? { use_immutable_subject: useImmutableSubject } : {}),
        sub_claim_prefix: subClaimPrefix(org, repo),
      });
    },
  },
  { method: "GET", path: "/repos/{owner}/{repo}/actions/runners", auth: "token", perm: ADMIN_READ, handler: (ctx) => listRunners(ctx, repoOf(ctx).repo.runners) },
  { method: "GET", path: "/orgs/{org}/actions/runners", auth: "token", perm: ORG_RUNNERS, handler: (ctx) => listRunners(ctx, orgOf(ctx).runners) },
  {
    method: "GET",
    path: "/orgs/{org}/actions/runner-groups",
    auth: "token",
    perm: ORG_RUNNERS,
    handler: (ctx) => {
      const org = orgOf(ctx);
      const page = paginate(org.runnerGroups, { url: ctx.url });
      const base = `${ctx.api}/orgs/${org.login}/actions/runner-groups`;
      return ok(
        {
          total_count: org.runnerGroups.length,
          runner_groups: page.slice.map((g) => ({
            id: g.id,
            name: g.name,
            visibility: g.visibility,
            default: g.default,
            ...(g.visibility === "selected" ? { selected_repositories_url: `${base}/${g.id}/repositories` } : {}),
            runners_url: `${base}/${g.id}/runners`,
            hosted_runners_url: `${base}/${g.id}/hosted-runners`,
            inherited: false,
            allows_public_repositories: g.allowsPublicRepositories,
            restricted_to_workflows: g.restrictedToWorkflows,
            selected_workflows: g.selectedWorkflows,
            workflow_restrictions_read_only: false,
          })),
        },
        200,
        page.headers,
      );
    },
  },
  {
    method: "GET",
    path: "/orgs/{org}/actions/runner-groups/{runner_group_id}/repositories",
    auth: "token",
    perm: ORG_RUNNERS,
    handler: (ctx) => {
      const { org, group } = runnerGroup(ctx);
      const repos = org.repos.filter((r) => group.selectedRepositories.includes(r.name));
      const page = paginate(repos, { url: ctx.url });
      return ok({ total_count: repos.length, repositories: page.slice.map((r) => repoShape(ctx.api, org, r)) }, 200, page.headers);
    },
  },
  {
    method: "GET",
    path: "/orgs/{org}/actions/runner-groups/{runner_group_id}/runners",
    auth: "token",
    perm: ORG_RUNNERS,
    handler: (ctx) => {
      const { org, group } = runnerGroup(ctx);
      return listRunners(ctx, org.runners.filter((r) => r.runnerGroupId === group.id));
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/environments",
    auth: "token",
    perm: ACTIONS_READ,
    handler: (ctx) => {
      const { org, repo } = repoOf(ctx);
      const page = paginate(repo.environments, { url: ctx.url });
      return ok({ total_count: repo.environments.length, environments: page.slice.map((e) => environmentShape(ctx.api, org, repo, e)) }, 200, page.headers);
    },
  },
  {
    method: "GET",
    path: "/repos/{owner}/{repo}/environments/{environment_name}",
    auth: "token",
    perm: ACTIONS_READ,
    handler: (ctx) => {
      const { org, repo, env } = environmentOf(ctx);
      return ok(environmentShape(ctx.api, org, repo, env));
    },
  },
];
