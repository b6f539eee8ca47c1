import type { WorkflowModel } from "../analysis/types";
import { best, type Decision } from "./decision";
import { bestOf, type MatchContext } from "./evaluate-job";
import { jobTokens, type JobTokens, type TokenSettings } from "./jobs";
import { matchTrust } from "./match";
import type { SubjectFormat, TokenRepo } from "./subject";
import { ANY_CHAR, cat, concrete, DIGITS, hole, lit, notName, OWNER_CHARS, REPO_CHARS, type Sym } from "./symbolic";
import { GITHUB_CLAIMS, type ClaimValue, type Token } from "./token";
import type { Trust } from "./types";

// Tokens of repositories that are not the one analysed. Two kinds of question:
//
// - "No other owner can match" needs every token another owner could present: one set of
//   very open tokens (owner ≠ ours, every other claim unknown, every subject template a
//   repository can choose) — if none of them can match, none can.
// - "This one can" needs a token that certainly exists: our own workflows copied into a
//   repository of another owner (any name; or ours with a suffix), of another repository
//   of ours, or of a re-created account with our names but new ids. Another owner can ask
//   for any audience, so these keep the audiences our jobs use.

export interface OutsiderVerdicts {
  outsideTokens: Decision;
  /** An owner and repository unrelated to ours can match. */
  anyRepository: boolean;
  /** Some other owners can: `example` shows one. */
  wildcardOwner: string | null;
  /** Other repositories of our owner can: `example` shows one. */
  wildcardRepo: string | null;
  /** A re-created owner and repository with our names but new ids can. */
  nameBased: boolean;
}

export interface WitnessSets {
  anyOwnerAnyRepo: JobTokens[];
  anyOwnerOurRepo: JobTokens[];
  suffixedOwner: JobTokens[];
  anyRepoOfOurs: JobTokens[];
  suffixedRepo: JobTokens[];
  recreated: JobTokens[];
}

const KEY_CHARS = (c: string): boolean => /^[a-z0-9_]$/.test(c);

/**
 * Our jobs, one per shape: jobs with the same triggers, environment, runners and audiences
 * differ only in their workflow file, which outsiders' copies may name as they like. Called
 * workflows are kept whole, for the calls that name them.
 */
function distinctShapes(workflows: WorkflowModel[]): WorkflowModel[] {
  const seen = new Set<string>();
  const out: WorkflowModel[] = [];
  for (const w of workflows) {
    if (w.triggers.includes("workflow_call")) {
      out.push(w);
      continue;
    }
    const jobs = w.jobs.filter((j) => {
      const key = JSON.stringify([w.triggers, w.triggerFilters ?? null, j.idToken, j.environment, j.runsOn, j.calls?.workflow ?? null, j.calls?.permissions ?? null, j.identities.map((i) => [i.kind, i.audience ?? null])]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (jobs.length > 0) out.push({ ...w, jobs });
  }
  return out;
}

/** Our workflows, plus a push to the default branch, run in other repositories. */
export function witnessSets(all: WorkflowModel[], settings: TokenSettings, ours: { owner: string; name: string }, ghes: boolean): WitnessSets {
  const workflows = distinctShapes(all);
  const formats: SubjectFormat[] = ghes ? ["classic"] : ["classic", "immutable"];
  const anyId = (label: string): Sym => hole(label, DIGITS);
  // Each format separately: another repository can be of either kind.
  const run = (repo: TokenRepo, only?: SubjectFormat[]): JobTokens[] =>
    (only ?? formats).flatMap((f) => jobTokens(workflows, { ...settings, repo, subject: { ...settings.subject, formats: [f] } }));
  const otherOwner = hole("other owner", OWNER_CHARS);
  const otherRepo = hole("other repository", REPO_CHARS);
  const ourOwner = settings.repo.owner;
  const ourName = settings.repo.name;
  const recreatedIds = (id: Sym, label: string): Sym => {
    const known = concrete(id);
    return known !== null ? notName(known, label, DIGITS) : anyId(label);
  };
  return {
    anyOwnerAnyRepo: run({ owner: otherOwner, name: otherRepo, ownerId: anyId("owner id"), repoId: anyId("repository id") }),
    anyOwnerOurRepo: run({ owner: otherOwner, name: ourName, ownerId: anyId("owner id"), repoId: anyId("repository id") }),
    suffixedOwner: run({ owner: cat(`${ours.owner}-`, otherOwner), name: ourName, ownerId: anyId("owner id"), repoId: anyId("repository id") }),
    anyRepoOfOurs: run({ owner: ourOwner, name: otherRepo, ownerId: settings.repo.ownerId, repoId: anyId("repository id") }),
    suffixedRepo: run({ owner: ourOwner, name: cat(`${ours.name}-`, otherRepo), ownerId: settings.repo.ownerId, repoId: anyId("repository id") }),
    recreated: run(
      { owner: ourOwner, name: ourName, ownerId: recreatedIds(settings.repo.ownerId, "new owner id"), repoId: recreatedIds(settings.repo.repoId, "new repository id") },
      ["classic"],
    ),
  };
}

const OTHER_KEYS = [
  ...GITHUB_CLAIMS.filter((k) => !["iss", "aud", "sub", "jti", "repository", "repository_owner", "repository_owner_id", "repository_id", "workflow_ref"].includes(k)),
  "environment",
  "environment_node_id",
  "enterprise",
  "enterprise_id",
  "check_run_id",
];

/** Every token a repository of another owner can present, in a few very open shapes. */
export function openOutsiderTokens(issuer: string, ours: { owner: string; ownerId: string | null; repoId: string | null }): Token[] {
  const owner = notName(ours.owner, "other owner", OWNER_CHARS);
  const repo = hole("repository", REPO_CHARS);
  const ownerId = ours.ownerId !== null ? notName(ours.ownerId, "other owner id", DIGITS) : hole("owner id", DIGITS);
  const repoId = ours.repoId !== null ? notName(ours.repoId, "other repository id", DIGITS) : hole("repository id", DIGITS);
  const any = (label: string): Sym => hole(label, ANY_CHAR);
  const claims: Record<string, ClaimValue> = {};
  for (const k of GITHUB_CLAIMS) claims[k] = { v: any(k) };
  for (const k of ["environment", "environment_node_id", "enterprise", "enterprise_id", "check_run_id"]) claims[k] = { v: any(k), maybeAbsent: true };
  Object.assign(claims, {
    iss: { v: lit(issuer) },
    repository: { v: cat(owner, "/", repo) },
    repository_owner: { v: owner },
    repository_owner_id: { v: ownerId },
    repository_id: { v: repoId },
    workflow_ref: { v: cat(owner, "/", repo, "/", any("workflow")) },
  });
  const tail = (head: Sym): Sym[] => [head, cat(head, ":", any("more claims"))];
  const subjects: Sym[] = [
    ...tail(cat("repo:", owner, "/", repo)),
    ...tail(cat("repo:", owner, "@", ownerId, "/", repo, "@", repoId)),
    ...tail(cat("repository:", owner, "/", repo)),
    ...tail(cat("repository_owner:", owner)),
    ...tail(cat("repository_owner_id:", ownerId)),
    ...tail(cat("repository_id:", repoId)),
    ...tail(lit("pull_request")),
    cat("workflow_ref:", owner, "/", any("workflow")),
    cat("repo_property_", hole("property", KEY_CHARS), ":", any("value")),
    ...OTHER_KEYS.map((k) => cat(`${k}:`, any(k))),
  ];
  return subjects.map((sub) => ({ claims: { ...claims, sub: { v: sub } } }));
}

export function outsiderVerdicts(trust: Trust, sets: WitnessSets, open: Token[], ctx: MatchContext, ours: { owner: string; name: string }): OutsiderVerdicts {
  const yes = (jobs: JobTokens[]): boolean => bestOf(trust, jobs, ctx) === "yes";
  const anyRepository = yes(sets.anyOwnerAnyRepo);
  const ownerExample = anyRepository ? null : yes(sets.anyOwnerOurRepo) ? `<any owner>/${ours.name}` : yes(sets.suffixedOwner) ? `${ours.owner}-<name>/${ours.name}` : null;
  let outsideTokens: Decision;
  if (anyRepository || ownerExample !== null) outsideTokens = "yes";
  else {
    const widest = best(open.map((t) => matchTrust(trust, t, ctx.aws)));
    outsideTokens = widest === "no" ? "no" : "possibly";
  }
  const repoExample = yes(sets.anyRepoOfOurs) ? `${ours.owner}/<any repository>` : yes(sets.suffixedRepo) ? `${ours.owner}/${ours.name}-<name>` : null;
  return {
    outsideTokens,
    anyRepository,
    wildcardOwner: ownerExample,
    wildcardRepo: repoExample,
    nameBased: !anyRepository && ownerExample === null && yes(sets.recreated),
  };
}
