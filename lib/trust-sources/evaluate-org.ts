import "server-only";
import { and, eq, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { buildkiteTrustFacts } from "@/lib/pipeline-sources/trust-facts";
import { githubConnections, jobIdentities, jobs, jobSystems, repoFiles, repositories, trustMatches, trusts, variables, workflows } from "@/lib/db/schema";
import { analyzeFiles, type RepoContext, type WorkflowModel } from "@/lib/analysis";
import { evaluateTrusts, GITHUB_ISSUER, matchingTrustIds, resolveSubject, type BuildkiteSettings, type SubTemplate, type TrustOptions } from "@/lib/trust";
import type { Trust, TrustMatch } from "@/lib/trust/types";
import { trustLabel } from "@/lib/trust/findings";
import type { OidcSubTemplate } from "@/lib/github/facts";
import { aggregateTrust, type TrustEntry } from "./aggregate";
import { resolveUses, type JobReference } from "./uses";

// The join of the organisation's trusts with its inventory: for every trust, which jobs can
// present a token it accepts. Workflows are re-analysed from the stored files (repo_file.text,
// as a re-sync of an unchanged repository does: no GitHub call) for the repositories that can
// mint a token at all — a workflow with `id-token: write` somewhere, a Buildkite step that
// requests an OIDC token, or a job calling a reusable workflow (which may pass it on). Everything is written in the caller's transaction:
// matches replaced, each trust's findings and outside-tokens verdict set, or nothing.

const ANALYSED = /^\.github\/(workflows\/[^/]+|actions\/.+\/action)\.ya?ml$/;

export interface EvaluationFigures {
  trusts: number;
  matches: number;
  repositories: number;
  ms: number;
}

interface CandidateRepo {
  id: string;
  githubId: number;
  fullName: string;
  name: string;
  visibility: "public" | "private" | "internal";
  defaultBranch: string;
  oidcSubTemplate: OidcSubTemplate | null;
}

/** github.com's issuer, or a GHES host's (`https://HOST/_services/token`) when the connection is to one. */
function issuerOf(baseUrl: string | undefined): string {
  if (!baseUrl) return GITHUB_ISSUER;
  const u = new URL(baseUrl);
  if (u.hostname === "api.github.com" || !u.pathname.startsWith("/api/v3")) return GITHUB_ISSUER;
  return `https://${u.host}/_services/token`;
}

async function candidateRepos(db: Db, orgId: string): Promise<CandidateRepo[]> {
  const minting = db
    .select({ repoId: workflows.repoId })
    .from(workflows)
    .where(and(eq(workflows.orgId, orgId), eq(workflows.idToken, true)))
    .union(db.select({ repoId: jobs.repoId }).from(jobs).where(and(eq(jobs.orgId, orgId), isNotNull(jobs.calls))));
  return db
    .select({
      id: repositories.id,
      githubId: repositories.githubId,
      fullName: repositories.fullName,
      name: repositories.name,
      visibility: repositories.visibility,
      defaultBranch: repositories.defaultBranch,
      oidcSubTemplate: repositories.oidcSubTemplate,
    })
    .from(repositories)
    .where(and(eq(repositories.orgId, orgId), isNull(repositories.removedAt), eq(repositories.archived, false), inArray(repositories.id, minting)))
    .orderBy(repositories.fullName);
}

/** Variables the repository's jobs see (repository, its environments, the organisation's shared with it): they resolve `role-to-assume: ${{ vars.X }}`. */
async function contextOf(db: Db, orgId: string, repo: CandidateRepo): Promise<RepoContext> {
  const rows = await db
    .select({ name: variables.name, value: variables.value, scope: variables.scope, environment: variables.environment, visibility: variables.visibility, selected: variables.selectedRepoIds })
    .from(variables)
    .where(and(eq(variables.orgId, orgId), or(eq(variables.repoId, repo.id), isNull(variables.repoId))));
  const visible = rows.filter((v) => v.scope !== "org" || v.visibility === "all" || v.visibility === null || (v.visibility === "private" ? repo.visibility !== "public" : (v.selected ?? []).includes(repo.githubId)));
  return {
    repository: repo.fullName,
    secrets: [],
    environments: [],
    staleAfterDays: 365,
    variables: visible.map((v) => ({ name: v.name, value: v.value, scope: v.scope, ...(v.environment ? { environment: v.environment } : {}) })),
  };
}

async function workflowsOf(db: Db, orgId: string, repo: CandidateRepo): Promise<WorkflowModel[]> {
  const files = await db.select({ path: repoFiles.path, text: repoFiles.text }).from(repoFiles).where(and(eq(repoFiles.orgId, orgId), eq(repoFiles.repoId, repo.id)));
  // Buildkite pipeline files are wherever the inventory found them (`.buildkite/` at any depth, and more).
  const buildkite = new Set(
    (await db.select({ path: workflows.path }).from(workflows).where(and(eq(workflows.orgId, orgId), eq(workflows.repoId, repo.id), eq(workflows.system, "buildkite")))).map((w) => w.path),
  );
  const sources = files
    .filter((f) => (ANALYSED.test(f.path) || buildkite.has(f.path)) && f.text !== null)
    .map((f) => ({ path: f.path, content: f.text! }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return analyzeFiles(sources, await contextOf(db, orgId, repo)).workflows;
}

/**
 * What GitHub said about the repository's subject, in lib/trust's terms. `sub_claim_prefix` is
 * authoritative (it fixes the format and, immutable, the ids). An immutable-subject setting of
 * `true` (the repository's, else its organisation's) means immutable; `false` is not passed on:
 * repositories created or renamed since 2026-07-15 use the immutable form whatever the flag says
 * (cloud-trust.md §1.4, observed), so without the prefix both forms stay possible.
 */
function subjectTemplateOf(t: OidcSubTemplate | null): SubTemplate | null {
  if (t === null) return null;
  const immutable = t.useImmutableSubject ?? t.org?.useImmutableSubject;
  return {
    use_default: t.useDefault,
    ...(t.useDefault ? {} : { include_claim_keys: t.includeClaimKeys }),
    ...(t.subClaimPrefix !== undefined ? { sub_claim_prefix: t.subClaimPrefix } : {}),
    ...(immutable === true ? { use_immutable_subject: true } : {}),
  };
}

/** What a Buildkite connection knows: the organization's slug, and per repository (full name) the pipelines that build it. */
interface BuildkiteFacts {
  orgSlug?: string | null;
  pipelinesByRepo?: ReadonlyMap<string, readonly string[]>;
}

function optionsOf(repo: CandidateRepo, issuer: string, poolBindings: TrustOptions["poolBindings"], facts?: BuildkiteFacts): TrustOptions {
  const [owner = "", name = repo.name] = repo.fullName.split("/");
  const t = repo.oidcSubTemplate;
  const ownerId = t?.ownerId !== undefined ? String(t.ownerId) : null;
  const identity = { owner, name, ownerId, repoId: String(repo.githubId) };
  const resolved = resolveSubject(identity, subjectTemplateOf(t), issuer !== GITHUB_ISSUER);
  const subject = "error" in resolved ? { repo: identity, settings: { keys: null, formats: ["classic" as const, "immutable" as const] } } : resolved;
  const buildkite: BuildkiteSettings | undefined = facts ? { orgSlug: facts.orgSlug ?? null, pipelineSlugs: facts.pipelinesByRepo?.get(repo.fullName) ?? null } : undefined;
  return { repo: subject.repo, subject: subject.settings, issuer, defaultBranch: repo.defaultBranch, poolBindings, ...(buildkite ? { buildkite } : {}) };
}

/** The inventory's jobs of the repositories (by repository, path and job key) and their resolved OIDC references. */
async function inventoryJobs(tx: Db, orgId: string, repos: CandidateRepo[]) {
  const jobId = new Map<string, string>();
  const references = new Map<string, JobReference[]>();
  if (repos.length === 0) return { jobId, references };
  const repoIds = repos.map((r) => r.id);
  const rows = await tx
    .select({ id: jobs.id, repo: repositories.fullName, path: workflows.path, key: jobs.jobKey })
    .from(jobs)
    .innerJoin(workflows, eq(workflows.id, jobs.workflowId))
    .innerJoin(repositories, eq(repositories.id, jobs.repoId))
    .where(and(eq(jobs.orgId, orgId), inArray(jobs.repoId, repoIds)));
  for (const j of rows) jobId.set(`${j.repo}\n${j.path}\n${j.key}`, j.id);
  const inRepos = tx.select({ id: jobs.id }).from(jobs).where(and(eq(jobs.orgId, orgId), inArray(jobs.repoId, repoIds)));
  const refs = [
    ...(await tx
      .select({ jobId: jobIdentities.jobId, kind: jobIdentities.kind, identifier: jobIdentities.identifier, symbolic: jobIdentities.symbolic })
      .from(jobIdentities)
      .where(and(eq(jobIdentities.orgId, orgId), eq(jobIdentities.oidc, true), inArray(jobIdentities.jobId, inRepos)))),
    ...(await tx
      .select({ jobId: jobSystems.jobId, kind: jobSystems.kind, identifier: jobSystems.identifier, symbolic: jobSystems.symbolic })
      .from(jobSystems)
      .where(and(eq(jobSystems.orgId, orgId), eq(jobSystems.kind, "gcp-wif-provider"), inArray(jobSystems.jobId, inRepos)))),
  ];
  for (const r of refs) references.set(r.jobId, [...(references.get(r.jobId) ?? []), r]);
  return { jobId, references };
}

/**
 * Every trust of the org against every minting repository's jobs; matches, findings and verdicts stored in `tx`.
 * `inputs.buildkite`: the Buildkite organization's slug and, per repository, the pipelines that upload
 * its files; by default what the org's Buildkite pipeline sources last read (lib/pipeline-sources
 * `buildkiteTrustFacts`). With no source both are unknown, so a trust that pins them matches a
 * Buildkite step `possibly`.
 */
export async function evaluateOrgTrusts(tx: Db, orgId: string, inputs: { buildkite?: BuildkiteFacts } = {}): Promise<EvaluationFigures> {
  const started = performance.now();
  // One evaluation of an org at a time: a sync and a "Read now" cannot interleave their writes.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`trust-evaluate:${orgId}`}))`);
  const buildkite = inputs.buildkite ?? (await buildkiteTrustFacts(tx, orgId));
  const rows = await tx.select({ id: trusts.id, document: trusts.document, details: trusts.details }).from(trusts).where(eq(trusts.orgId, orgId));
  await tx.delete(trustMatches).where(eq(trustMatches.orgId, orgId));
  if (rows.length === 0) return { trusts: 0, matches: 0, repositories: 0, ms: Math.round(performance.now() - started) };

  const [conn] = await tx.select({ baseUrl: githubConnections.baseUrl, login: githubConnections.accountLogin }).from(githubConnections).where(eq(githubConnections.orgId, orgId));
  const issuer = issuerOf(conn?.baseUrl);
  const repos = await candidateRepos(tx, orgId);
  const documents: Trust[] = rows.map((r) => r.document);
  // A Google Cloud provider's pool grants (who its principals may impersonate), as its reader
  // saw them: a disabled provider whose pool still grants some is a finding.
  const poolBindings = Object.fromEntries(rows.filter((r) => r.document.provider === "gcp" && (r.details?.permissions.length ?? 0) > 0).map((r) => [r.document.id, r.details!.permissions]));
  const perTrust = new Map<string, TrustEntry[]>(documents.map((d) => [d.id, []]));
  const { jobId, references } = await inventoryJobs(tx, orgId, repos);
  // The full evaluation (outsider tokens, synthetic runs, findings) costs about a millisecond per
  // trust and repository: it runs only for the trusts some job of the repository matches; a trust
  // no job anywhere matches is evaluated once, against the first repository, for its findings.
  let first: { repo: CandidateRepo; workflows: WorkflowModel[] } | null = null;
  for (const repo of repos) {
    const workflows = await workflowsOf(tx, orgId, repo);
    first ??= { repo, workflows };
    const options = optionsOf(repo, issuer, poolBindings, buildkite);
    const matching = matchingTrustIds(documents, workflows, options);
    if (matching.size === 0) continue;
    const entries = evaluateTrusts(documents.filter((d) => matching.has(d.id)), workflows, options);
    entries.forEach((e) => perTrust.get(e.id)?.push({ ...e, repo: repo.fullName }));
  }
  const unmatched = documents.filter((d) => perTrust.get(d.id)?.length === 0);
  if (first && unmatched.length > 0) {
    evaluateTrusts(unmatched, first.workflows, optionsOf(first.repo, issuer, poolBindings, buildkite)).forEach((e) => perTrust.get(e.id)?.push({ ...e, repo: first.repo.fullName }));
  }
  // With no minting repository, the outsider checks still run, against an empty one of the org.
  if (repos.length === 0) {
    const owner = conn?.login ?? "org";
    const none: CandidateRepo = { id: "", githubId: 0, fullName: `${owner}/-`, name: "-", visibility: "private", defaultBranch: "main", oidcSubTemplate: null };
    evaluateTrusts(documents, [], optionsOf(none, issuer, poolBindings, buildkite)).forEach((e) => perTrust.get(e.id)?.push(e));
  }

  const org = conn?.login ?? "the organisation";
  const now = new Date();
  let matchCount = 0;
  for (const row of rows) {
    // A top-level job's key is the first part of the evaluator's name (`call/deploy` is job `call`'s);
    // a Buildkite step's id is its whole name (a label used as id may hold a `/`).
    const called = (m: TrustMatch) => m.path.startsWith(".github/") && m.job.includes("/");
    const jobOf = (m: TrustMatch) => jobId.get(`${m.repo}\n${m.path}\n${called(m) ? m.job.split("/")[0] : m.job}`);
    const entries = (perTrust.get(row.document.id) ?? []).map((e) => ({
      ...e,
      matches: e.matches.map((m) => ({ ...m, uses: called(m) ? m.uses : resolveUses(row.document, m, references.get(jobOf(m) ?? ""), row.details?.clientId) })),
    }));
    const verdict = aggregateTrust(trustLabel(row.document), org, entries);
    matchCount += verdict.matches.length;
    await tx.update(trusts).set({ findings: verdict.findings, outsideTokens: verdict.outsideTokens, evaluatedAt: now }).where(and(eq(trusts.orgId, orgId), eq(trusts.id, row.id)));
    const values = verdict.matches.map((m) => ({
      orgId,
      trustId: row.id,
      jobId: jobOf(m) ?? null,
      repo: m.repo,
      workflowPath: m.path,
      jobKey: m.job,
      sub: m.sub,
      decision: m.decision,
      uses: m.uses === "unknown" ? null : m.uses === "yes",
    }));
    for (let i = 0; i < values.length; i += 500) await tx.insert(trustMatches).values(values.slice(i, i + 500));
  }
  return { trusts: rows.length, matches: matchCount, repositories: repos.length, ms: Math.round(performance.now() - started) };
}
