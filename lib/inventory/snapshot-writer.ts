import "server-only";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { environments, jobActions, jobIdentities, jobSecrets, jobs, jobSystems, repoFiles, repositories, secrets, variables, workflows } from "@/lib/db/schema";
import type { AnalysisResult, JobModel } from "@/lib/analysis/types";
import { isSkipped, type OrgFacts, type RepoFacts, type RepoSummary, type SkippablePart } from "@/lib/github/facts";
import { awsAccountOf, findingFingerprint, isEnvironmentProtected, resolveIdentifier, resolveSecret, visibleToRepo, type VariableScope } from "./resolve";
import { findingCountsByPath, splitUses, summarizeWorkflow } from "./workflow-summary";
import { codeownersRules, repoOwner, workflowOwner } from "./owners";
import { writeFindings, type FindingChanges } from "./findings-writer";

export interface RepoSnapshot {
  facts: RepoFacts;
  /** False when files were not re-fetched (unchanged since the stored snapshot). */
  filesFetched: boolean;
  analysis: AnalysisResult;
}

/** Advisory-lock namespace of repository snapshots ("gh" + "rp"); the second key is the repository's. */
const REPO_LOCK_CLASS = 0x67687270;

/**
 * Replaces one repository's snapshot in a single transaction: readers see the old one or
 * the new one, never a mix, and a failure leaves the old one in place. Org-level secrets
 * must already be written (writeOrgFacts) so references can point at them.
 */
export async function writeRepoSnapshot(db: Db, orgId: string, org: OrgFacts, snap: RepoSnapshot, now: Date): Promise<{ repoId: string } & FindingChanges> {
  const { facts } = snap;
  return db.transaction(async (tx) => {
    // One writer per repository at a time, whichever process or run it comes from (two workers
    // sharing a sync, a webhook's sync beside a scheduled one): held until this transaction ends.
    await tx.execute(sql`select pg_advisory_xact_lock(${REPO_LOCK_CLASS}, hashtext(${`${orgId}:${facts.repo.githubId}`}))`);
    const owner = repoOwner(org, facts);
    // A part the fetch layer did not ask for (its files show it cannot matter) keeps its
    // stored value: "not asked" must not read as "none".
    const skipped = (part: SkippablePart) => isSkipped(facts, part);
    const repoId = await upsertRepository(tx, orgId, facts.repo, {
      ...(skipped("defaultWorkflowPermissions")
        ? {}
        : { defaultWorkflowPermissions: facts.defaultWorkflowPermissions, effectiveDefaultPermissions: facts.defaultWorkflowPermissions ?? org.defaultWorkflowPermissions }),
      ...(skipped("oidcSubTemplate") ? {} : { oidcSubTemplate: facts.oidcSubTemplate }),
      customProperties: org.customProperties[facts.repo.githubId] ?? {},
      deployKeys: facts.deployKeys,
      ...(skipped("runners") ? {} : { runners: facts.runners.map((r) => ({ id: r.id, name: r.name, labels: r.labels, status: r.status })) }),
      owner: owner?.owner ?? null,
      ownerSource: owner?.source ?? null,
      staleReason: null,
      syncedAt: now,
      removedAt: null,
      ...(snap.filesFetched ? { filesPushedAt: facts.repo.pushedAt ? new Date(facts.repo.pushedAt) : now } : {}),
    });

    if (snap.filesFetched) {
      await tx.delete(repoFiles).where(eq(repoFiles.repoId, repoId));
      if (facts.files.length > 0) {
        await tx.insert(repoFiles).values(facts.files.map((f) => ({ orgId, repoId, path: f.path, oid: f.oid, text: f.text, skipped: f.skipped ?? null })));
      }
    }

    // Children are replaced wholesale; deleting workflows cascades to jobs and their references.
    await tx.delete(workflows).where(eq(workflows.repoId, repoId));
    await tx.delete(environments).where(eq(environments.repoId, repoId));
    await tx.delete(secrets).where(eq(secrets.repoId, repoId));
    const replacedVariableScopes = [...(skipped("variables") ? [] : ["repo" as const]), ...(skipped("environments.variables") ? [] : ["environment" as const])];
    if (replacedVariableScopes.length > 0) {
      await tx.delete(variables).where(and(eq(variables.repoId, repoId), inArray(variables.scope, replacedVariableScopes)));
    }

    if (facts.environments.length > 0) {
      await tx.insert(environments).values(
        facts.environments.map((e) => ({ orgId, repoId, name: e.name, protection: e.protection, isProtected: isEnvironmentProtected(e) })),
      );
    }
    const secretRows = [
      ...facts.secrets.map((s) => ({ orgId, repoId, scope: "repo" as const, environment: null, name: s.name, createdAt: new Date(s.createdAt), updatedAt: new Date(s.updatedAt) })),
      ...facts.environments.flatMap((e) =>
        e.secrets.map((s) => ({ orgId, repoId, scope: "environment" as const, environment: e.name, name: s.name, createdAt: new Date(s.createdAt), updatedAt: new Date(s.updatedAt) })),
      ),
    ];
    const insertedSecrets = secretRows.length > 0 ? await tx.insert(secrets).values(secretRows).returning({ id: secrets.id, name: secrets.name, environment: secrets.environment }) : [];
    const variableRows = [
      ...(skipped("variables") ? [] : facts.variables).map((v) => ({ orgId, repoId, scope: "repo" as const, environment: null, name: v.name, value: v.value })),
      ...(skipped("environments.variables") ? [] : facts.environments).flatMap((e) => e.variables.map((v) => ({ orgId, repoId, scope: "environment" as const, environment: e.name, name: v.name, value: v.value }))),
    ];
    if (variableRows.length > 0) await tx.insert(variables).values(variableRows);

    const orgSecretIds = new Map(
      (await tx.select({ id: secrets.id, name: secrets.name }).from(secrets).where(and(eq(secrets.orgId, orgId), isNull(secrets.repoId)))).map((s) => [s.name.toUpperCase(), s.id]),
    );
    const secretIdFor = (name: string, env: string | null) =>
      insertedSecrets.find((s) => s.name.toUpperCase() === name.toUpperCase() && s.environment === env)?.id ?? null;

    const rules = codeownersRules(facts);
    const visibleOrgSecrets = visibleToRepo(org.secrets, facts.repo);
    const visibleOrgVariables = visibleToRepo(org.variables, facts.repo);
    const workflowMeta = new Map(facts.workflows.map((w) => [w.path, w]));
    const oidByPath = new Map(facts.files.map((f) => [f.path, f.oid]));
    const countsByPath = findingCountsByPath(snap.analysis.findings, (f) => findingFingerprint(facts.repo.githubId, f));

    // Each job's references are resolved first: the workflow row carries their summary.
    const resolved = snap.analysis.workflows.map((wf) => ({
      wf,
      jobs: wf.jobs.map((job) => {
        const scope: VariableScope = {
          environment: facts.environments.find((e) => e.name === job.environment),
          repo: facts.variables,
          org: visibleOrgVariables,
        };
        const resolve = (name: string, via: string) => {
          const r = resolveSecret(name, via, job.environment, facts, visibleOrgSecrets);
          const id =
            r.resolution === "environment" ? secretIdFor(name, r.environment) : r.resolution === "repo" ? secretIdFor(name, null) : r.resolution === "org" ? (orgSecretIds.get(name.toUpperCase()) ?? null) : null;
          return { resolution: r.resolution, secretId: id };
        };
        return { job, refs: jobReferences(orgId, job, resolve, scope) };
      }),
    }));

    // Workflows, then every job of the repository, then the jobs' references: one statement
    // each (chunked), not one per job — a repository is a handful of round trips.
    const workflowRows = resolved.map(({ wf, jobs: js }) => {
      const meta = workflowMeta.get(wf.path);
      const wfOwner = workflowOwner(rules, wf.path, owner);
      const summary = summarizeWorkflow(
        js.map(({ job, refs }) => ({ job, secretNames: refs.secrets.map((r) => r.secretName), identities: refs.identities, systems: refs.systems })),
        countsByPath.get(wf.path),
      );
      return {
        orgId,
        repoId,
        repoFullName: facts.repo.fullName,
        path: wf.path,
        name: wf.name ?? meta?.name ?? null,
        githubWorkflowId: meta?.id ?? null,
        state: meta?.state ?? null,
        blobOid: oidByPath.get(wf.path) ?? null,
        triggers: wf.triggers,
        untrustedTriggers: wf.untrustedTriggers,
        owner: wfOwner?.owner ?? null,
        ownerSource: wfOwner?.source ?? null,
        ...summary,
      };
    });
    const workflowIds = new Map<string, string>();
    for (const part of chunks(workflowRows, CHUNK)) {
      for (const row of await tx.insert(workflows).values(part).returning({ id: workflows.id, path: workflows.path })) workflowIds.set(row.path, row.id);
    }

    const jobInputs: { row: typeof jobs.$inferInsert; refs: JobRefs; job: JobModel }[] = [];
    for (const { wf, jobs: js } of resolved) {
      const workflowId = workflowIds.get(wf.path);
      if (workflowId === undefined) throw new Error(`workflow ${wf.path} was not stored`);
      for (const { job, refs } of js) jobInputs.push({ job, refs, row: jobRow(orgId, repoId, workflowId, job) });
    }
    const jobIds = await insertJobs(tx, jobInputs.map((j) => j.row));

    const withJob = <T extends object>(jobId: string, rows: T[]) => rows.map((r) => ({ ...r, jobId }));
    const secretRefs = jobInputs.flatMap(({ refs }, i) => withJob(jobIds[i]!, refs.secrets));
    const identityRows = jobInputs.flatMap(({ refs }, i) => withJob(jobIds[i]!, refs.identities));
    const systemRows = jobInputs.flatMap(({ refs }, i) => withJob(jobIds[i]!, refs.systems));
    const actionRows = jobInputs.flatMap(({ job }, i) => withJob(jobIds[i]!, jobActionRows(orgId, job)));
    for (const part of chunks(secretRefs, CHUNK)) await tx.insert(jobSecrets).values(part);
    for (const part of chunks(identityRows, CHUNK)) await tx.insert(jobIdentities).values(part);
    for (const part of chunks(systemRows, CHUNK)) await tx.insert(jobSystems).values(part);
    for (const part of chunks(actionRows, CHUNK)) await tx.insert(jobActions).values(part);

    // Workflow files GitHub lists but the analysis could not read still belong in the inventory.
    const unreadable = snap.analysis.errors.map((err) => {
      const meta = workflowMeta.get(err.path);
      return {
        orgId,
        repoId,
        repoFullName: facts.repo.fullName,
        path: err.path,
        name: meta?.name ?? null,
        githubWorkflowId: meta?.id ?? null,
        state: meta?.state ?? null,
        blobOid: oidByPath.get(err.path) ?? null,
        parseError: err.message,
        ...summarizeWorkflow([], countsByPath.get(err.path)),
      };
    });
    // One statement may not touch a row twice (two errors for one file): the first one wins, as before.
    const firstPerPath = unreadable.filter((row, i) => unreadable.findIndex((o) => o.path === row.path) === i);
    for (const part of chunks(firstPerPath, CHUNK)) await tx.insert(workflows).values(part).onConflictDoNothing();

    const changes = await writeFindings(tx, orgId, repoId, facts.repo.githubId, snap.analysis.findings, now);
    return { repoId, ...changes };
  });
}

async function upsertRepository(tx: Db, orgId: string, repo: RepoSummary, extra: Partial<typeof repositories.$inferInsert>): Promise<string> {
  const values = {
    orgId,
    githubId: repo.githubId,
    name: repo.name,
    fullName: repo.fullName,
    visibility: repo.visibility,
    archived: repo.archived,
    fork: repo.fork,
    defaultBranch: repo.defaultBranch,
    pushedAt: repo.pushedAt ? new Date(repo.pushedAt) : null,
    ...extra,
  };
  const [row] = await tx
    .insert(repositories)
    .values(values)
    .onConflictDoUpdate({ target: [repositories.orgId, repositories.githubId], set: { ...values, orgId: undefined, githubId: undefined } })
    .returning({ id: repositories.id });
  return row!.id;
}

/** Rows per INSERT: far below PostgreSQL's 65,535 bind parameters for every table here. */
const CHUNK = 1000;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function jobRow(orgId: string, repoId: string, workflowId: string, job: JobModel): typeof jobs.$inferInsert {
  return {
    orgId,
    repoId,
    workflowId,
    jobKey: job.id,
    name: job.name,
    line: job.line,
    phase: job.phase,
    permissions: job.permissions,
    permissionsSource: job.permissionsSource,
    idToken: job.idToken,
    environment: job.environment,
    runsOn: job.runsOn,
    selfHosted: job.selfHosted,
    runsUntrustedCode: job.runsUntrustedCode,
    uses: job.uses,
    calls: job.calls,
  };
}

/**
 * Inserts jobs and returns their ids in input order. PostgreSQL returns the rows of an
 * INSERT … VALUES in VALUES order; each row is still checked against its input, and a
 * mismatch fails the transaction rather than attach references to the wrong job.
 */
async function insertJobs(tx: Db, rows: (typeof jobs.$inferInsert)[]): Promise<string[]> {
  const ids: string[] = [];
  for (const part of chunks(rows, CHUNK)) {
    const inserted = await tx.insert(jobs).values(part).returning({ id: jobs.id, workflowId: jobs.workflowId, jobKey: jobs.jobKey });
    part.forEach((row, i) => {
      const got = inserted[i];
      if (!got || got.workflowId !== row.workflowId || got.jobKey !== row.jobKey) throw new Error("job rows came back out of order");
      ids.push(got.id);
    });
  }
  return ids;
}

/** The secret references, identities and systems of one job, resolved. */
type WithoutJob<T> = Omit<T, "jobId" | "id">;
interface JobRefs {
  secrets: WithoutJob<typeof jobSecrets.$inferInsert>[];
  identities: (WithoutJob<typeof jobIdentities.$inferInsert> & { identifier: string | null; oidc: boolean })[];
  systems: (WithoutJob<typeof jobSystems.$inferInsert> & { identifier: string | null })[];
}

function jobReferences(
  orgId: string,
  job: JobModel,
  resolve: (name: string, via: string) => { resolution: "environment" | "repo" | "org" | "github-token" | "missing" | "all"; secretId: string | null },
  scope: VariableScope,
): JobRefs {
  const secretRows = job.secrets.map((s) => ({ orgId, secretName: s.name, via: s.via, line: s.line, step: s.step ?? null, ...resolve(s.name, s.via) }));
  const identities = job.identities.map((i) => ({ ...i, ...resolveIdentifier(i.id, i.symbolic ?? false, scope) }));
  const identityRows = identities.map((i) => ({ orgId, kind: i.kind, identifier: i.id, symbolic: i.symbolic, oidc: i.oidc, source: i.source, line: i.line, heuristic: i.heuristic ?? false, secretNames: i.secrets ?? [] }));
  const systems = job.systems.map((s) => ({ ...s, ...resolveIdentifier(s.id, s.symbolic ?? false, scope) }));
  // A role ARN that only resolved through a variable still tells which AWS account it reaches.
  for (const i of identities) {
    const account = i.kind === "aws-role" ? awsAccountOf(i.id) : null;
    if (account && !systems.some((s) => s.kind === "aws-account" && s.id === account)) {
      systems.push({ kind: "aws-account", id: account, symbolic: false, heuristic: false });
    }
  }
  const unique = systems.filter((s, i) => systems.findIndex((o) => o.kind === s.kind && o.id === s.id) === i);
  const systemRows = unique.map((s) => ({ orgId, kind: s.kind, identifier: s.id, symbolic: s.symbolic, heuristic: s.heuristic ?? false }));
  return { secrets: secretRows, identities: identityRows, systems: systemRows };
}

/** The actions and reusable workflow a job uses, once each (see job_action). */
function jobActionRows(orgId: string, job: JobModel): WithoutJob<typeof jobActions.$inferInsert>[] {
  const all = [...job.uses.map((u) => ({ uses: u.uses, kind: "action" as const })), ...(job.calls ? [{ uses: job.calls.workflow, kind: "workflow" as const }] : [])];
  const seen = new Set<string>();
  const rows: WithoutJob<typeof jobActions.$inferInsert>[] = [];
  for (const { uses, kind } of all) {
    if (!uses) continue;
    const { action, ref } = splitUses(uses);
    const key = `${kind}|${action}|${ref}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ orgId, action, ref, kind });
  }
  return rows;
}

/** A repository whose sync failed keeps its snapshot and says why it is stale. */
export async function markRepoStale(db: Db, orgId: string, repo: RepoSummary, reason: string): Promise<void> {
  await db
    .insert(repositories)
    .values({ orgId, githubId: repo.githubId, name: repo.name, fullName: repo.fullName, visibility: repo.visibility, archived: repo.archived, fork: repo.fork, defaultBranch: repo.defaultBranch, staleReason: reason })
    .onConflictDoUpdate({ target: [repositories.orgId, repositories.githubId], set: { staleReason: reason } });
}
