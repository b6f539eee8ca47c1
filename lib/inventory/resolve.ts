// Pure resolution of what a job really gets, from the facts GitHub gave: which secret a
// `secrets.X` reference reads, what a `vars.X` identity resolves to, which org secrets a
// repository can see. No I/O: the sync feeds it facts, the tests feed it literals.
import { createHash } from "node:crypto";
import type { Finding } from "@/lib/analysis/types";
import type { RepoContextInput } from "@/lib/analysis/context";
import type { EnvironmentFacts, OrgFacts, OrgSecretFacts, OrgVariableFacts, RepoFacts, RepoSummary } from "@/lib/github/facts";

/** Org-level items (secrets, variables) a repository can read, as GitHub decides it. */
export function visibleToRepo<T extends OrgSecretFacts>(items: T[], repo: RepoSummary): T[] {
  return items.filter((s) => {
    if (s.visibility === "all") return true;
    // "private" means private and internal repositories — never public ones.
    if (s.visibility === "private") return repo.visibility !== "public";
    return (s.selectedRepositoryIds ?? []).includes(repo.githubId);
  });
}

export type SecretResolution =
  | { resolution: "environment"; environment: string }
  | { resolution: "repo" }
  | { resolution: "org" }
  | { resolution: "github-token" }
  | { resolution: "missing" }
  | { resolution: "all" };

/**
 * The secret a job gets for `secrets.NAME`: its environment's, else the repository's,
 * else an org secret visible to the repository. GITHUB_TOKEN is the job's own token.
 */
export function resolveSecret(
  name: string,
  via: string,
  jobEnvironment: string | null,
  facts: Pick<RepoFacts, "secrets" | "environments">,
  visibleOrgSecrets: OrgSecretFacts[],
): SecretResolution {
  if (via === "all") return { resolution: "all" };
  const upper = name.toUpperCase();
  if (upper === "GITHUB_TOKEN") return { resolution: "github-token" };
  const env = jobEnvironment ? facts.environments.find((e) => e.name === jobEnvironment) : undefined;
  if (env?.secrets.some((s) => s.name.toUpperCase() === upper)) return { resolution: "environment", environment: env.name };
  if (facts.secrets.some((s) => s.name.toUpperCase() === upper)) return { resolution: "repo" };
  if (visibleOrgSecrets.some((s) => s.name.toUpperCase() === upper)) return { resolution: "org" };
  return { resolution: "missing" };
}

export interface VariableScope {
  environment?: EnvironmentFacts;
  repo: { name: string; value: string }[];
  org: OrgVariableFacts[];
}

function lookupVar(name: string, scope: VariableScope): string | undefined {
  const upper = name.toUpperCase();
  const find = (list: { name: string; value: string }[]) => list.find((v) => v.name.toUpperCase() === upper)?.value;
  return (scope.environment ? find(scope.environment.variables) : undefined) ?? find(scope.repo) ?? find(scope.org);
}

/**
 * Replaces `vars.X` in a symbolic identifier (`vars.X`, or text holding `${{ vars.X }}`)
 * with the variable's value. Anything else stays symbolic: secrets are never readable.
 */
export function resolveIdentifier(id: string | null, symbolic: boolean, scope: VariableScope): { id: string | null; symbolic: boolean } {
  if (id === null || !symbolic) return { id, symbolic };
  const whole = /^vars\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(id.trim());
  if (whole) {
    const v = lookupVar(whole[1]!, scope);
    return v === undefined ? { id, symbolic: true } : { id: v, symbolic: false };
  }
  // A bare expression other than vars.X (secrets.X, github.event…) cannot be resolved.
  if (!id.includes("${{")) return { id, symbolic: true };
  let unresolved = false;
  const out = id.replace(/\$\{\{\s*vars\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (m, name: string) => {
    const v = lookupVar(name, scope);
    if (v === undefined) unresolved = true;
    return v ?? m;
  });
  return { id: out, symbolic: unresolved || out.includes("${{") };
}

const AWS_ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\//;

/** An AWS account id read off a resolved role ARN, for the systems list. */
export function awsAccountOf(roleArn: string | null): string | null {
  return roleArn ? (AWS_ROLE_ARN.exec(roleArn)?.[1] ?? null) : null;
}

/** The repository context the analyser's context rules need, from GitHub's facts. */
export function buildRepoContext(org: OrgFacts, facts: RepoFacts, now: Date): RepoContextInput {
  const orgSecrets = visibleToRepo(org.secrets, facts.repo);
  return {
    repository: facts.repo.fullName,
    defaultWorkflowPermissions: facts.defaultWorkflowPermissions ?? org.defaultWorkflowPermissions ?? undefined,
    secrets: [
      ...facts.secrets.map((s) => ({ name: s.name, scope: "repo" as const, updatedAt: s.updatedAt })),
      ...facts.environments.flatMap((e) =>
        e.secrets.map((s) => ({ name: s.name, scope: "environment" as const, environment: e.name, updatedAt: s.updatedAt })),
      ),
      ...orgSecrets.map((s) => ({
        name: s.name,
        scope: "org" as const,
        updatedAt: s.updatedAt,
        visibility: s.visibility,
        ...(s.selectedRepositoryIds ? { selectedRepoCount: s.selectedRepositoryIds.length } : {}),
      })),
    ],
    variables: [
      ...facts.variables.map((v) => ({ name: v.name, value: v.value, scope: "repo" as const })),
      ...facts.environments.flatMap((e) => e.variables.map((v) => ({ name: v.name, value: v.value, scope: "environment" as const, environment: e.name }))),
      ...visibleToRepo(org.variables, facts.repo).map((v) => ({ name: v.name, value: v.value, scope: "org" as const })),
    ],
    environments: facts.environments.map((e) => ({
      name: e.name,
      protectionRules: {
        requiredReviewers: e.protection.requiredReviewers.length,
        waitTimer: e.protection.waitTimerMinutes,
        branchPolicy: e.protection.branchPolicy === null ? null : e.protection.branchPolicy.protectedBranches ? ("protected" as const) : ("custom" as const),
      },
    })),
    now: now.toISOString(),
  };
}

export function isEnvironmentProtected(e: EnvironmentFacts): boolean {
  return e.protection.requiredReviewers.length > 0 || e.protection.waitTimerMinutes > 0 || e.protection.branchPolicy !== null;
}

/**
 * A finding's identity across syncs: rule, repository, file, job and message with numbers
 * removed (messages name the credential; numbers such as lines and ages move).
 */
export function findingFingerprint(repoGithubId: number, f: Pick<Finding, "rule" | "path" | "job" | "message">): string {
  const subject = f.message.replace(/\d+/g, "#");
  return createHash("sha256").update([repoGithubId, f.rule, f.path, f.job ?? "", subject].join("\u0000")).digest("hex").slice(0, 32);
}
