// The synthetic org of bench:inventory (sim/fixtures/generate.ts), as the fetch layer would hand
// it to the sync, written through the sync's own writer: shared by bench:inventory and bench:review.
import path from "node:path";
import { loadavg } from "node:os";
import type { OrgData, RepoData } from "../sim/fixtures/model";
import type { Db } from "../lib/db/types";
import type { OrgFacts, RepoFacts } from "../lib/github/facts";
import { analyzeFiles, createAnalysisCache, type SourceFile } from "../lib/analysis";
import { writeOrgFacts } from "../lib/inventory/org-writer";
import { writeRepoSnapshot } from "../lib/inventory/snapshot-writer";
import { log } from "./support";

export const WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");

// ---- the flags every bench on this org takes -----------------------------------------------------

export interface OrgBenchArgs {
  repos: number;
  workflowsPerRepo: number;
  seed: number;
  /** Repositories written at once while building. */
  writers: number;
  /** Keep the database (for EXPLAIN ANALYZE afterwards); dropped otherwise. */
  keep: boolean;
  /** Measure a database kept by an earlier run (--keep) instead of building one: iterating on queries. */
  reuse: string | null;
}

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The org's size and database flags (--repos N --workflows-per-repo N --seed N --writers N
 * [--keep | --reuse URL]) plus the bench's own numeric flags, given as their defaults (camelCase
 * keys, `--kebab-case` flags) with optional upper limits. An unknown flag lists the known ones.
 */
export function parseOrgBenchArgs<E extends Record<string, number>>(argv: string[], own: E, limits: Partial<Record<keyof E, number>> = {}): OrgBenchArgs & E {
  const args: OrgBenchArgs & Record<string, number | boolean | string | null> = { repos: 10_000, workflowsPerRepo: 5, seed: 1, writers: 4, keep: false, reuse: null, ...own };
  const max = new Map<string, number>([["repos", Infinity], ["workflowsPerRepo", Infinity], ["seed", Infinity], ["writers", 16]]);
  for (const key of Object.keys(own)) max.set(key, limits[key as keyof E] ?? Infinity);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const key = a.startsWith("--") ? camel(a.slice(2)) : "";
    if (a === "--") continue;
    else if (a === "--keep") args.keep = true;
    else if (a === "--reuse") args.reuse = argv[++i] ?? null;
    else if (max.has(key)) {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      args[key] = Math.min(max.get(key)!, Math.floor(v));
    } else throw new Error(`unknown argument ${a} (${[...max.keys()].map((k) => `--${kebab(k)} N`).join(" ")} [--keep | --reuse URL])`);
  }
  return args as OrgBenchArgs & E;
}

// ---- the synthetic org, as the fetch layer would hand it to the sync ----------------------------

function orgFacts(org: OrgData): OrgFacts {
  const idByName = new Map(org.repos.map((r) => [r.name, r.id]));
  return {
    login: org.login,
    name: org.name,
    defaultWorkflowPermissions: org.defaultWorkflowPermissions,
    canApprovePullRequestReviews: org.canApprovePullRequestReviews,
    oidcSubTemplate: { useDefault: false, includeClaimKeys: org.oidcSub.includeClaimKeys },
    secrets: org.secrets.map((s) => ({
      name: s.name,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      visibility: s.visibility,
      selectedRepositoryIds: s.visibility === "selected" ? s.selectedRepositories.map((n) => idByName.get(n) ?? 0) : null,
    })),
    variables: [],
    runnerGroups: [],
    runners: [],
    teams: org.teams.map((t) => ({
      slug: t.slug,
      name: t.name,
      repositories: Object.fromEntries(Object.entries(t.repos).map(([name, perm]) => [idByName.get(name) ?? 0, perm])),
    })),
    customProperties: Object.fromEntries(org.repos.map((r) => [r.id, r.customProperties])),
    unavailable: [],
  };
}

function repoFacts(org: OrgData, r: RepoData): RepoFacts {
  const files = [...r.files].map(([p, blob]) => ({ path: p, oid: blob.oid, text: blob.text }));
  return {
    repo: { githubId: r.id, name: r.name, fullName: `${org.login}/${r.name}`, visibility: r.visibility, archived: r.archived, fork: r.fork, defaultBranch: r.defaultBranch, pushedAt: r.pushedAt },
    files,
    filesFetched: true,
    workflows: files.filter((f) => WORKFLOW.test(f.path)).map((f, i) => ({ id: r.id * 16 + i, name: path.basename(f.path), path: f.path, state: "active" })),
    environments: r.environments.map((e) => ({
      name: e.name,
      protection: {
        requiredReviewers: e.reviewers.map((v) => ({ type: v.type, login: v.name })),
        preventSelfReview: e.preventSelfReview,
        waitTimerMinutes: e.waitTimer,
        branchPolicy: e.deploymentBranchPolicy,
      },
      secrets: e.secrets.map((s) => ({ name: s.name, createdAt: s.createdAt, updatedAt: s.updatedAt })),
      variables: e.variables.map((v) => ({ name: v.name, value: v.value, createdAt: v.createdAt, updatedAt: v.updatedAt })),
    })),
    secrets: r.secrets.map((s) => ({ name: s.name, createdAt: s.createdAt, updatedAt: s.updatedAt })),
    variables: r.variables.map((v) => ({ name: v.name, value: v.value, createdAt: v.createdAt, updatedAt: v.updatedAt })),
    defaultWorkflowPermissions: r.defaultWorkflowPermissions,
    oidcSubTemplate: { useDefault: r.oidcSub.useDefault, includeClaimKeys: r.oidcSub.includeClaimKeys },
    deployKeys: [],
    runners: [],
  };
}

/**
 * Writes every repository through writeRepoSnapshot, `writers` at a time. Each distinct corpus
 * file is analysed once: the analysis cache (keyed by content) hands later repositories the same
 * model under their own paths. No repository context is given (it would differ per repository and
 * defeat the cache), so context-only findings are absent — the rows are otherwise the sync's.
 */
export async function buildOrg(db: Db, orgId: string, org: OrgData, writers: number): Promise<void> {
  const facts = orgFacts(org);
  await writeOrgFacts(db, orgId, facts);
  const cache = createAnalysisCache(4_000);
  const now = new Date();
  let next = 0;
  let done = 0;
  let lastLog = performance.now();
  const started = performance.now();
  const writer = async () => {
    for (;;) {
      const i = next++;
      const repo = org.repos[i];
      if (!repo) return;
      const rf = repoFacts(org, repo);
      const sources: SourceFile[] = rf.files
        .filter((f) => WORKFLOW.test(f.path) && f.text !== null)
        .map((f) => ({ path: f.path, content: f.text! }))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const analysis = analyzeFiles(sources, undefined, { cache });
      await writeRepoSnapshot(db, orgId, facts, { facts: rf, filesFetched: true, analysis }, now);
      done++;
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        const rate = done / ((lastLog - started) / 1000);
        log(`  written ${done}/${org.repos.length} repos (${rate.toFixed(0)}/s, ~${((org.repos.length - done) / rate).toFixed(0)} s left), load ${load()}`);
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
}

