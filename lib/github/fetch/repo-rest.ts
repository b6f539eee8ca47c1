import "server-only";
import type { GithubClient } from "../client";
import { conditionalGet, conditionalList, type EtagStore } from "../etag";
import type { EnvironmentFacts, RepoFacts, RepoSummary, SkippablePart } from "../facts";
import type { BatchRepoFacts, GraphqlEnvironment } from "./graphql-batch";
import { NOTHING_SKIPPED, type Skips } from "./needs";
import { listOf, toDefaultPermissions, toDeployKey, toOidcTemplate, toRunner, toSecret, toVariable, toWorkflow, str, type Json } from "./rest-shapes";

// The REST half of one repository (every call conditional, so an unchanged re-sync is 304s).
// Always: secrets, deploy keys (2) + per environment its secrets (1) + one environment list when an
// environment has a branch policy or there are > 10 of them. Unless `skips` names them (needs.ts
// decides from the workflow files): workflows, default workflow permissions, OIDC template,
// runners, variables (1 each) + per environment its variables (1). A skipped list is [] and a
// skipped setting null, as "none" would be: RepoFacts.skipped tells them apart.

const enc = encodeURIComponent;

function repoPath(repo: RepoSummary, suffix: string): string {
  return `/repos/${repo.fullName.split("/").map(enc).join("/")}${suffix}`;
}

/** Errors carry the request that failed, so the RepoFetchError can say which call it was. */
export class StepError extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(step);
  }
}

export async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new StepError(name, error);
  }
}

function branchPolicyOf(env: Json): EnvironmentFacts["protection"]["branchPolicy"] {
  const p = env.deployment_branch_policy;
  if (typeof p !== "object" || p === null) return null;
  const policy = p as Json;
  return { protectedBranches: policy.protected_branches === true, customBranchPolicies: policy.custom_branch_policies === true };
}

/** Environments from GraphQL, completed by the REST list when GraphQL cannot say everything. */
async function environmentsOf(client: GithubClient, etags: EtagStore, repo: RepoSummary, batch: BatchRepoFacts): Promise<GraphqlEnvironment[]> {
  const needRest = batch.environmentsTruncated || batch.environments.some((e) => e.hasBranchPolicy);
  if (!needRest) return batch.environments;
  const listed = await step("list environments", () => conditionalList(client, etags, repoPath(repo, "/environments?per_page=100"), listOf("environments")));
  const fromGraphql = new Map(batch.environments.map((e) => [e.name, e]));
  return listed.map((env) => {
    const name = str(env.name);
    const known = fromGraphql.get(name);
    const rules = Array.isArray(env.protection_rules) ? (env.protection_rules as Json[]) : [];
    const reviewers = rules.find((r) => r.type === "required_reviewers");
    const protection = known?.protection ?? {
      requiredReviewers: (Array.isArray(reviewers?.reviewers) ? (reviewers.reviewers as Json[]) : []).map((r) => {
        const who = (r.reviewer ?? {}) as Json;
        return r.type === "Team" ? { type: "Team" as const, login: str(who.slug) } : { type: "User" as const, login: str(who.login) };
      }),
      preventSelfReview: reviewers?.prevent_self_review === true,
      waitTimerMinutes: Number(rules.find((r) => r.type === "wait_timer")?.wait_timer ?? 0),
      branchPolicy: null,
    };
    return { name, hasBranchPolicy: true, protection: { ...protection, branchPolicy: branchPolicyOf(env) } };
  });
}

export async function fetchRepoRest(
  client: GithubClient,
  etags: EtagStore,
  repo: RepoSummary,
  batch: BatchRepoFacts,
  skips: Skips = NOTHING_SKIPPED,
): Promise<Omit<RepoFacts, "repo" | "files" | "filesFetched" | "skipped">> {
  const list = <T>(name: string, suffix: string, key: string | null, map: (x: Json) => T) =>
    step(name, async () => (await conditionalList(client, etags, repoPath(repo, suffix), listOf(key))).map(map));
  const get = (name: string, suffix: string) => step(name, async () => (await conditionalGet(client, etags, repoPath(repo, suffix))).data);
  const want = (part: SkippablePart) => !skips.has(part);
  const none = Promise.resolve([]);

  const [secrets, variables, deployKeys, workflows, permissions, oidc, runners, envs] = await Promise.all([
    list("list repository secrets", "/actions/secrets?per_page=100", "secrets", toSecret),
    want("variables") ? list("list repository variables", "/actions/variables?per_page=30", "variables", toVariable) : none,
    list("list deploy keys", "/keys?per_page=100", null, toDeployKey),
    want("workflows") ? list("list workflows", "/actions/workflows?per_page=100", "workflows", toWorkflow) : none,
    want("defaultWorkflowPermissions") ? get("read default workflow permissions", "/actions/permissions/workflow") : Promise.resolve(null),
    want("oidcSubTemplate") ? get("read the OIDC subject template", "/actions/oidc/customization/sub") : Promise.resolve(null),
    want("runners") ? list("list repository runners", "/actions/runners?per_page=100", "runners", (r) => toRunner(r, false)) : none,
    environmentsOf(client, etags, repo, batch),
  ]);

  const environments = await Promise.all(
    envs.map(async (env): Promise<EnvironmentFacts> => {
      const base = `/environments/${enc(env.name)}`;
      const [envSecrets, envVariables] = await Promise.all([
        list(`list secrets of environment ${env.name}`, `${base}/secrets?per_page=100`, "secrets", toSecret),
        want("environments.variables") ? list(`list variables of environment ${env.name}`, `${base}/variables?per_page=30`, "variables", toVariable) : none,
      ]);
      return { name: env.name, protection: env.protection, secrets: envSecrets, variables: envVariables };
    }),
  );

  return {
    workflows,
    environments,
    secrets,
    variables,
    defaultWorkflowPermissions: permissions === null ? null : toDefaultPermissions(permissions).permissions,
    oidcSubTemplate: oidc === null ? null : toOidcTemplate(oidc),
    deployKeys,
    runners,
  };
}
