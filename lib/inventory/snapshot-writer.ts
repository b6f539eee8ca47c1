import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { jobActions, jobIdentities, jobSecrets, jobSystems, repositories, secrets } from "@/lib/db/schema";
import type { AnalysisResult, JobModel } from "@/lib/analysis/types";
import { isSkipped, type OidcSubTemplate, type OrgFacts, type RepoFacts, type RepoSummary, type SkippablePart } from "@/lib/github/facts";
import { awsAccountOf, findingFingerprint, resolveIdentifier, resolveSecret, visibleToRepo, type VariableScope } from "./resolve";
import { findingCountsByPath, splitUses, summarizeWorkflow } from "./workflow-summary";
import { codeownersRules, repoOwner, workflowOwner } from "./owners";
import { recordSnapshotFindings, type FindingChanges } from "@/lib/findings/findings-store";
import { writeEnvironments, writeFiles, writeRepoSecrets, writeRepoVariables } from "./repo-facts-writer";
import { writeWorkflows, type DesiredWorkflow, type JobValues } from "./workflows-writer";

export interface RepoSnapshot {
  facts: RepoFacts;
  /** False when files were not re-fetched (unchanged since the stored snapshot). */
  filesFetched: boolean;
  analysis: AnalysisResult;
}

/** Advisory-lock namespace of repository snapshots ("gh" + "rp"); the second key is the repository's. */
const REPO_LOCK_CLASS = 0x67687270;

/**
 * Brings one repository's stored snapshot to the new one in a single transaction: readers see
 * the old one or the new one, never a mix, and a failure leaves the old one in place. Rows keep
 * their ids by natural key and unchanged rows are not written (workflows-writer.ts,
 * repo-facts-writer.ts). Org-level secrets must already be written (writeOrgFacts) so
 * references can point at them. `runId`: the sync run taking it, recorded on its findings' events.
 */
export async function writeRepoSnapshot(db: Db, orgId: string, org: OrgFacts, snap: RepoSnapshot, now: Date, runId: string | null = null): Promise<{ repoId: string } & FindingChanges> {
  const { facts } = snap;
  return db.transaction(async (tx) => {
    // One writer per repository at a time, whichever process or run it comes from (two workers
    // sharing a sync, a webhook's sync beside a scheduled one): held until this transaction ends.
    await tx.execute(sql`select pg_advisory_xact_lock(${REPO_LOCK_CLASS}, hashtext(${`${orgId}:${facts.repo.githubId}`}))`);
    const owner = repoOwner(org, facts);
    // Locks the repository's row (when there is one) for the rest of the transaction, so two
    // snapshots of one repository are written one after the other, each matching its rows
    // against what the other committed; and reads when its previous snapshot was taken.
    const [previous] = await tx
      .select({ syncedAt: repositories.syncedAt })
      .from(repositories)
      .where(and(eq(repositories.orgId, orgId), eq(repositories.githubId, facts.repo.githubId)))
      .for("update");
    // A part the fetch layer did not ask for (its files show it cannot matter) keeps its
    // stored value: "not asked" must not read as "none".
    const skipped = (part: SkippablePart) => isSkipped(facts, part);
    const repoId = await upsertRepository(tx, orgId, facts.repo, {
      ...(skipped("defaultWorkflowPermissions")
        ? {}
        : { defaultWorkflowPermissions: facts.defaultWorkflowPermissions, effectiveDefaultPermissions: facts.defaultWorkflowPermissions ?? org.defaultWorkflowPermissions }),
      ...(skipped("oidcSubTemplate") ? {} : { oidcSubTemplate: withOrgTemplate(facts.oidcSubTemplate, org) }),
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

    if (snap.filesFetched) await writeFiles(tx, orgId, repoId, facts.files);
    await writeEnvironments(tx, orgId, repoId, facts.environments);
    const secretIdFor = await writeRepoSecrets(tx, orgId, repoId, facts);
    await writeRepoVariables(
      tx,
      orgId,
      repoId,
      [
        ...(skipped("variables") ? [] : facts.variables).map((v) => ({ scope: "repo" as const, environment: null, name: v.name, value: v.value })),
        ...(skipped("environments.variables") ? [] : facts.environments).flatMap((e) => e.variables.map((v) => ({ scope: "environment" as const, environment: e.name, name: v.name, value: v.value }))),
      ],
      [...(skipped("variables") ? [] : ["repo" as const]), ...(skipped("environments.variables") ? [] : ["environment" as const])],
    );

    const orgSecretIds = new Map(
      (await tx.select({ id: secrets.id, name: secrets.name }).from(secrets).where(and(eq(secrets.orgId, orgId), isNull(secrets.repoId)))).map((s) => [s.name.toUpperCase(), s.id]),
    );
    const rules = codeownersRules(facts);
    const visibleOrgSecrets = visibleToRepo(org.secrets, facts.repo);
    const visibleOrgVariables = visibleToRepo(org.variables, facts.repo);
    const workflowMeta = new Map(facts.workflows.map((w) => [w.path, w]));
    const oidByPath = new Map(facts.files.map((f) => [f.path, f.oid]));
    const countsByPath = findingCountsByPath(snap.analysis.findings, (f) => findingFingerprint(facts.repo.githubId, f));

    // Each job's references are resolved first: the workflow row carries their summary.
    const desired: DesiredWorkflow[] = snap.analysis.workflows.map((wf) => {
      const js = wf.jobs.map((job) => {
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
      });
      const meta = workflowMeta.get(wf.path);
      const wfOwner = workflowOwner(rules, wf.path, owner);
      const summary = summarizeWorkflow(
        js.map(({ job, refs }) => ({ job, secretNames: refs.secrets.map((r) => r.secretName), identities: refs.identities, systems: refs.systems })),
        countsByPath.get(wf.path),
      );
      return {
        values: {
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
          parseError: null,
          owner: wfOwner?.owner ?? null,
          ownerSource: wfOwner?.source ?? null,
          ...summary,
        },
        jobs: js.map(({ job, refs }) => ({ values: jobValues(orgId, repoId, job), refs: { ...refs, actions: jobActionRows(orgId, job) } })),
      };
    });

    // Workflow files GitHub lists but the analysis could not read still belong in the inventory
    // (a file analysed and also reported as an error keeps its analysis; of two errors, the first).
    for (const err of snap.analysis.errors) {
      if (desired.some((d) => d.values.path === err.path)) continue;
      const meta = workflowMeta.get(err.path);
      desired.push({
        values: {
          orgId,
          repoId,
          repoFullName: facts.repo.fullName,
          path: err.path,
          name: meta?.name ?? null,
          githubWorkflowId: meta?.id ?? null,
          state: meta?.state ?? null,
          blobOid: oidByPath.get(err.path) ?? null,
          triggers: [],
          untrustedTriggers: [],
          parseError: err.message,
          owner: null,
          ownerSource: null,
          ...summarizeWorkflow([], countsByPath.get(err.path)),
        },
        jobs: [],
      });
    }
    const moves = await writeWorkflows(tx, orgId, repoId, desired, { now, previous: previous?.syncedAt ?? null });

    // The findings domain decides what this snapshot's findings mean (opened, fixed, regressed).
    const changes = await recordSnapshotFindings(tx, { orgId, repoId, repoGithubId: facts.repo.githubId, repoFullName: facts.repo.fullName, findings: snap.analysis.findings, now, runId, moves });
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

function jobValues(orgId: string, repoId: string, job: JobModel): JobValues {
  return {
    orgId,
    repoId,
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

/**
 * The repository's template with what applies to it from its organisation: the organisation's
 * keys and immutable-subject setting (a repository's unset setting falls back to it) and the
 * owner's id, so the trust evaluation can build an immutable `sub`. Null stays null (unknown).
 */
function withOrgTemplate(template: OidcSubTemplate | null, org: OrgFacts): OidcSubTemplate | null {
  if (template === null) return null;
  const o = org.oidcSubTemplate;
  return {
    ...template,
    ...(o ? { org: { includeClaimKeys: o.includeClaimKeys, ...(o.useImmutableSubject !== undefined ? { useImmutableSubject: o.useImmutableSubject } : {}) } } : {}),
    ...(org.githubId !== undefined ? { ownerId: org.githubId } : {}),
  };
}
