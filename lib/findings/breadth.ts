// Over-broad credentials, measured (issue 12, item 2). Pure: breadth-repo.ts counts, per secret
// and OIDC identity, the jobs that USE it and the jobs that CAN READ it; this file weighs that
// into one number and says the exact change that narrows it.
//
// Invariants:
// - users ≤ readers (a job that uses a credential can read it); readers are counted as GitHub
//   decides (a repository secret: every job of the repository; an organisation secret: every job
//   of the repositories it is shared with; an environment secret: the jobs naming its environment
//   when the environment is protected, else every job of the repository, as any workflow may
//   name it; an OIDC identity: every job holding id-token: write in a repository whose jobs
//   assume it, as the cloud's trust policy sees that repository's tokens);
// - breadth = 1 + (readers ÷ max(users, 1) − 1) × exposure × authority: exactly 1 when every
//   reader uses it (nothing to narrow, no narrowing), and the excess is what the weights scale;
// - exposure = 1 + the share of readers running untrusted code (pull_request_target,
//   issue_comment … or a job that checks out and runs a fork's code): those readers are the
//   ones an attacker controls; authority = 2 when a job using it publishes or deploys (what the
//   systems it reaches can change), else 1.
// - Ranking: a credential no job uses (users 0: an unused secret, id-token: write no job
//   requests) has breadth readers ÷ 1, which would put every unused organisation secret shared
//   with all repositories above every used one. Its fix is not a narrowing but a deletion, certain
//   and cheap, so it is listed apart (`unused`, "unused: delete it"), most readers first, capped at
//   UNUSED_LIMIT; the over-broad credentials in use are ranked by breadth among themselves, capped
//   at BROADEST_LIMIT, so they are never drowned by the unused.

import type { IdentityKind } from "@/lib/analysis/types";

export type CredentialScope = "org" | "repo" | "environment" | "oidc" | "id-token";

export interface JobRef {
  repo: string;
  path: string;
  job: string;
  environment: string | null;
}

/** What breadth-repo.ts counts for one credential. */
export interface CredentialFacts {
  kind: "secret" | "identity";
  name: string;
  scope: CredentialScope;
  /** The repository of a repository or environment secret or an id-token entry; null otherwise. */
  repo: string | null;
  environment: string | null;
  /** An OIDC identity's kind (aws-role, gcp-service-account …). */
  identityKind: IdentityKind | null;
  environmentProtected: boolean | null;
  readers: number;
  untrustedReaders: number;
  users: number;
  /** Organisation secret: repositories it is shared with, and whether that is all of them ("all") or the non-public ones ("private"). */
  readableRepos: number;
  visibility: "all" | "private" | "selected" | null;
  /** Repositories whose jobs use it: how many, and the first few names (sorted). */
  userRepoCount: number;
  userRepos: string[];
  /** A job using it publishes or deploys. */
  highAuthority: boolean;
  /** The first few jobs using it, and (identities) the first few holding id-token: write without requesting a token. */
  userJobs: JobRef[];
  idleJobs: JobRef[];
  idleJobCount: number;
}

export interface BroadCredential {
  kind: "secret" | "identity";
  name: string;
  /** Where it lives: "org", "repo acme/api", "environment release of acme/api", "oidc aws-role", "id-token acme/api". */
  scope: string;
  users: number;
  readers: number;
  untrustedReaders: number;
  /** readers ÷ users, unweighted. */
  ratio: number;
  breadth: number;
  /** The settings change or workflow diff that narrows it; null when nothing can (breadth 1). */
  narrowing: string | null;
  /** No job uses it: listed apart, to delete (absent in reviews signed off before it existed). */
  unused?: boolean;
}

/** Credentials in use the review lists… */
export const BROADEST_LIMIT = 20;
/** …and, apart, unused ones (to delete). */
export const UNUSED_LIMIT = 10;

const round1 = (n: number) => Math.round(n * 10) / 10;

export function breadthOf(f: Pick<CredentialFacts, "readers" | "users" | "untrustedReaders" | "highAuthority">): { ratio: number; breadth: number } {
  const readers = Math.max(f.readers, f.users);
  if (readers === 0) return { ratio: 1, breadth: 1 };
  const ratio = readers / Math.max(f.users, 1);
  const exposure = 1 + Math.min(f.untrustedReaders, readers) / readers;
  const authority = f.highAuthority ? 2 : 1;
  return { ratio: round1(ratio), breadth: round1(1 + (ratio - 1) * exposure * authority) };
}

const jobName = (j: JobRef) => `job ${j.job} in ${j.path}`;
const files = (jobs: JobRef[]) => [...new Set(jobs.map((j) => j.path))];
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const andMore = (shown: number, total: number) => (total > shown ? ` and ${total - shown} more` : "");
const list = (items: string[]) => (items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`);

/** The environment to move a repository secret to: the one its users already name, else one named for the job. */
function targetEnvironment(f: CredentialFacts): string {
  const named = [...new Set(f.userJobs.map((j) => j.environment))];
  if (named.length === 1 && named[0]) return named[0];
  return f.highAuthority ? "release" : (f.userJobs[0]?.job ?? "release");
}

export function scopeLabel(f: CredentialFacts): string {
  if (f.scope === "org") return "org";
  if (f.scope === "environment") return `environment ${f.environment} of ${f.repo}`;
  if (f.scope === "oidc") return `oidc ${f.identityKind}`;
  return `${f.scope} ${f.repo}`;
}

/** The concrete change that makes readers equal users, or null when they already are. */
export function narrowingOf(f: CredentialFacts): string | null {
  const readers = Math.max(f.readers, f.users);
  if (readers <= f.users) return null;
  switch (f.scope) {
    case "org": {
      const all = f.visibility === "all" ? `all ${f.readableRepos}` : `${f.readableRepos}`;
      if (f.users === 0) return `delete organisation secret ${f.name}: no job of the ${plural(f.readableRepos, "repository", "repositories")} it is shared with uses it`;
      if (f.userRepoCount < f.readableRepos)
        return `share ${f.name} with ${plural(f.userRepoCount, "repository", "repositories")} (${list(f.userRepos)}${andMore(f.userRepos.length, f.userRepoCount)}) instead of ${all}: Settings → Secrets → ${f.name} → Repository access → Selected repositories`;
      return `move ${f.name} from the organisation to an environment of each repository that uses it, and name that environment only in ${list(f.userJobs.map(jobName))}${andMore(f.userJobs.length, f.users)}`;
    }
    case "repo": {
      if (f.users === 0) return `delete repository secret ${f.name} from ${f.repo}: no job uses it`;
      const env = targetEnvironment(f);
      return `move ${f.name} to environment ${env} (with required reviewers) and restrict it to ${list(files(f.userJobs))}: add \`environment: ${env}\` to ${list(f.userJobs.map((j) => `job ${j.job}`))}${andMore(f.userJobs.length, f.users)}, then delete the repository secret`;
    }
    case "environment": {
      if (f.users === 0) return `delete ${f.name} from environment ${f.environment} of ${f.repo}: no job uses it`;
      if (!f.environmentProtected)
        return `protect environment ${f.environment} of ${f.repo} (required reviewers or a deployment branch policy): unprotected, any of its ${plural(readers, "job")} can name it and read ${f.name}`;
      return `move ${f.name} to an environment named only by ${list(f.userJobs.map(jobName))}${andMore(f.userJobs.length, f.users)}: ${plural(readers - f.users, "other job")} name ${f.environment}`;
    }
    case "oidc":
    case "id-token": {
      if (f.idleJobCount > 0)
        return `drop id-token: write from ${list(f.idleJobs.map(jobName))}${andMore(f.idleJobs.length, f.idleJobCount)}: ${f.idleJobCount === 1 ? "it never requests" : "they never request"} a token`;
      if (f.scope === "id-token") return null;
      const envs = [...new Set(f.userJobs.map((j) => j.environment))];
      const sub = envs.length === 1 && envs[0] && f.userRepoCount === 1 ? `repo:${f.userRepos[0]}:environment:${envs[0]}` : null;
      return sub
        ? `restrict the trust policy of ${f.name} to sub "${sub}": ${plural(readers - f.users, "other job")} with id-token: write can assume it`
        : `restrict the trust policy of ${f.name} to the workflows that use it (job_workflow_ref ${list(files(f.userJobs))}): ${plural(readers - f.users, "other job")} with id-token: write can assume it`;
    }
  }
}

function entry(f: CredentialFacts): BroadCredential {
  const { ratio, breadth } = breadthOf(f);
  return { kind: f.kind, name: f.name, scope: scopeLabel(f), users: f.users, readers: Math.max(f.readers, f.users), untrustedReaders: f.untrustedReaders, ratio, breadth, narrowing: narrowingOf(f), unused: f.users === 0 };
}

/**
 * The credentials something narrows: those in use broadest first (ties: more readers, then name),
 * at most `limit`; then the unused, most readers first (then name), at most `unusedLimit`.
 */
export function broadest(facts: CredentialFacts[], limit = BROADEST_LIMIT, unusedLimit = UNUSED_LIMIT): BroadCredential[] {
  const narrowable = facts.map(entry).filter((b) => b.narrowing !== null);
  const byName = (a: BroadCredential, b: BroadCredential) => a.name.localeCompare(b.name) || a.scope.localeCompare(b.scope);
  const used = narrowable.filter((b) => !b.unused).sort((a, b) => b.breadth - a.breadth || b.readers - a.readers || byName(a, b));
  const unused = narrowable.filter((b) => b.unused).sort((a, b) => b.readers - a.readers || byName(a, b));
  return [...used.slice(0, limit), ...unused.slice(0, unusedLimit)];
}

export interface OverBroadCount {
  /** Credentials something narrows (breadth > 1), unused ones included. */
  overBroad: number;
  /** Of those, used by no job. */
  unused: number;
  byScope: Partial<Record<CredentialScope, number>>;
}

/** How many credentials are over-broad, for the trend (one point per sync). */
export function countOverBroad(facts: CredentialFacts[]): OverBroadCount {
  const out: OverBroadCount = { overBroad: 0, unused: 0, byScope: {} };
  for (const f of facts) {
    if (narrowingOf(f) === null) continue;
    out.overBroad += 1;
    if (f.users === 0) out.unused += 1;
    out.byScope[f.scope] = (out.byScope[f.scope] ?? 0) + 1;
  }
  return out;
}
