import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { repositories, secrets } from "@/lib/db/schema";
import type { OrgFacts, RepoSummary } from "@/lib/github/facts";
import { recordSnapshotFindings, type FindingChanges } from "@/lib/findings/findings-store";
import { PIPELINE_SOURCE_RULE_IDS } from "@/lib/pipeline-sources/rules";
import { writeEnvironments, writeFiles, writeRepoSecrets, writeRepoVariables } from "./repo-facts-writer";
import { writeWorkflows, type DesiredWorkflow } from "./workflows-writer";
import { planRepoSnapshot, type RepoSnapshot, type SecretKey, type SnapshotPlan } from "./snapshot-plan";

export type { RepoSnapshot } from "./snapshot-plan";

/** Advisory-lock namespace of repository snapshots ("gh" + "rp"); the second key is the repository's. */
const REPO_LOCK_CLASS = 0x67687270;

/**
 * Brings one repository's stored snapshot to the new one in a single transaction: readers see
 * the old one or the new one, never a mix, and a failure leaves the old one in place. The rows
 * are planned without the database (snapshot-plan.ts) and applied here; rows keep their ids by
 * natural key and unchanged rows are not written (workflows-writer.ts, repo-facts-writer.ts).
 * Org-level secrets must already be written (writeOrgFacts) so references can point at them.
 * `runId`: the sync run taking it, recorded on its findings' events.
 */
export async function writeRepoSnapshot(db: Db, orgId: string, org: OrgFacts, snap: RepoSnapshot, now: Date, runId: string | null = null): Promise<{ repoId: string } & FindingChanges> {
  return applySnapshotPlan(db, orgId, planRepoSnapshot(org, snap, now), now, runId);
}

async function applySnapshotPlan(db: Db, orgId: string, plan: SnapshotPlan, now: Date, runId: string | null): Promise<{ repoId: string } & FindingChanges> {
  return db.transaction(async (tx) => {
    // One writer per repository at a time, whichever process or run it comes from (two workers
    // sharing a sync, a webhook's sync beside a scheduled one): held until this transaction ends.
    await tx.execute(sql`select pg_advisory_xact_lock(${REPO_LOCK_CLASS}, hashtext(${`${orgId}:${plan.repo.githubId}`}))`);
    // Locks the repository's row (when there is one) for the rest of the transaction, so two
    // snapshots of one repository are written one after the other, each matching its rows
    // against what the other committed; and reads when its previous snapshot was taken.
    const [previous] = await tx
      .select({ syncedAt: repositories.syncedAt })
      .from(repositories)
      .where(and(eq(repositories.orgId, orgId), eq(repositories.githubId, plan.repo.githubId)))
      .for("update");
    const values = { orgId, ...plan.repository };
    const [row] = await tx
      .insert(repositories)
      .values(values)
      .onConflictDoUpdate({ target: [repositories.orgId, repositories.githubId], set: { ...values, orgId: undefined, githubId: undefined } })
      .returning({ id: repositories.id });
    const repoId = row!.id;

    if (plan.files !== null) await writeFiles(tx, orgId, repoId, plan.files);
    await writeEnvironments(tx, orgId, repoId, plan.environments);
    const secretIdFor = await writeRepoSecrets(tx, orgId, repoId, plan.secrets);
    await writeRepoVariables(tx, orgId, repoId, plan.variables.rows, plan.variables.scopes);
    const orgSecretIds = new Map(
      (await tx.select({ id: secrets.id, name: secrets.name }).from(secrets).where(and(eq(secrets.orgId, orgId), isNull(secrets.repoId)))).map((s) => [s.name.toUpperCase(), s.id]),
    );
    const secretId = (key: SecretKey | null): string | null =>
      key === null ? null : key.scope === "org" ? (orgSecretIds.get(key.name.toUpperCase()) ?? null) : secretIdFor(key.name, key.scope === "environment" ? key.environment : null);

    const desired: DesiredWorkflow[] = plan.workflows.map((wf) => ({
      values: { orgId, repoId, ...wf.values },
      jobs: wf.jobs.map((job) => ({
        values: { orgId, repoId, ...job.values },
        refs: {
          secrets: job.refs.secrets.map(({ secret, ...ref }) => ({ orgId, ...ref, secretId: secretId(secret) })),
          identities: job.refs.identities.map((r) => ({ orgId, ...r })),
          systems: job.refs.systems.map((r) => ({ orgId, ...r })),
          actions: job.refs.actions.map((r) => ({ orgId, ...r })),
        },
      })),
    }));
    const moves = await writeWorkflows(tx, orgId, repoId, desired, { now, previous: previous?.syncedAt ?? null });

    // The findings domain decides what this snapshot's findings mean (opened, fixed, regressed).
    // A repository's files speak for every rule but its pipeline sources' (lib/pipeline-sources/finding-rows.ts).
    const changes = await recordSnapshotFindings(tx, { orgId, repoId, repoGithubId: plan.repo.githubId, repoFullName: plan.repo.fullName, findings: plan.findings, now, runId, moves, rules: { except: PIPELINE_SOURCE_RULE_IDS } });
    return { repoId, ...changes };
  });
}

/** A repository whose sync failed keeps its snapshot and says why it is stale. */
export async function markRepoStale(db: Db, orgId: string, repo: RepoSummary, reason: string): Promise<void> {
  await db
    .insert(repositories)
    .values({ orgId, githubId: repo.githubId, name: repo.name, fullName: repo.fullName, visibility: repo.visibility, archived: repo.archived, fork: repo.fork, defaultBranch: repo.defaultBranch, staleReason: reason })
    .onConflictDoUpdate({ target: [repositories.orgId, repositories.githubId], set: { staleReason: reason } });
}
