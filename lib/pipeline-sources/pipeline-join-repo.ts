import "server-only";
import { and, asc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { jobIdentities, jobs, pipelineSources, repoFiles, repositories, trusts, workflows } from "@/lib/db/schema";
import type { PipelineSourceFinding, PipelineSourceKind } from "@/lib/db/schema/pipeline-sources";
import type { InventoryPipelineFile, PipelineInventory } from "./join";
import type { SourceForFacts, TrustForFacts } from "./live-facts";

// The inventory rows the join needs, the sources' snapshots, and the one write of findings.
// Every query takes the org id and has it in its where.

/**
 * The organisation's repositories and its Buildkite and Tekton files (with their text and the
 * service account of each Tekton job); of one repository when `repo` (`owner/name`) is given.
 */
export async function loadPipelineInventory(db: Db, orgId: string, repo?: string): Promise<PipelineInventory> {
  const repoWhere = repo === undefined ? and(eq(repositories.orgId, orgId), isNull(repositories.removedAt)) : and(eq(repositories.orgId, orgId), isNull(repositories.removedAt), eq(repositories.fullName, repo));
  const repoRows = await db.select({ fullName: repositories.fullName }).from(repositories).where(repoWhere);
  const fileRows = await db
    .select({ workflowId: workflows.id, repo: repositories.fullName, path: workflows.path, system: workflows.system, triggers: workflows.triggers, text: repoFiles.text })
    .from(workflows)
    .innerJoin(repositories, and(eq(repositories.id, workflows.repoId), eq(repositories.orgId, orgId)))
    .leftJoin(repoFiles, and(eq(repoFiles.orgId, orgId), eq(repoFiles.repoId, workflows.repoId), eq(repoFiles.path, workflows.path)))
    .where(and(repoWhere, eq(workflows.orgId, orgId), inArray(workflows.system, ["buildkite", "tekton"])))
    .orderBy(asc(repositories.fullName), asc(workflows.path));
  const tektonIds = fileRows.filter((f) => f.system === "tekton").map((f) => f.workflowId);
  const jobRows =
    tektonIds.length === 0
      ? []
      : await db
          .select({ workflowId: jobs.workflowId, key: jobs.jobKey, serviceAccount: jobIdentities.identifier })
          .from(jobs)
          .leftJoin(jobIdentities, and(eq(jobIdentities.orgId, orgId), eq(jobIdentities.jobId, jobs.id), eq(jobIdentities.kind, "k8s-service-account")))
          .where(and(eq(jobs.orgId, orgId), inArray(jobs.workflowId, tektonIds)))
          .orderBy(asc(jobs.line));
  const files: InventoryPipelineFile[] = fileRows.map((f) => ({
    workflowId: f.workflowId,
    repo: f.repo,
    path: f.path,
    system: f.system as "buildkite" | "tekton",
    text: f.text,
    triggers: f.triggers,
    jobs: jobRows.filter((j) => j.workflowId === f.workflowId).map((j) => ({ key: j.key, serviceAccount: j.serviceAccount })),
  }));
  return { repos: repoRows.map((r) => r.fullName), files };
}

export interface SourceSnapshotRow extends SourceForFacts {
  id: string;
  /** `last_read_at` as PostgreSQL prints it (microseconds kept, unlike a Date), to compare on write. */
  readStamp: string | null;
}

/** The organisation's sources that have been read (a snapshot), by name; of one kind when given. */
export async function sourcesWithSnapshots(db: Db, orgId: string, kind?: PipelineSourceKind): Promise<SourceSnapshotRow[]> {
  const rows = await db
    .select({ id: pipelineSources.id, name: pipelineSources.name, snapshot: pipelineSources.snapshot, findings: pipelineSources.findings, readStamp: sql<string | null>`${pipelineSources.lastReadAt}::text`, lastGoodReadAt: pipelineSources.lastGoodReadAt })
    .from(pipelineSources)
    .where(kind ? and(eq(pipelineSources.orgId, orgId), isNotNull(pipelineSources.snapshot), eq(pipelineSources.kind, kind)) : and(eq(pipelineSources.orgId, orgId), isNotNull(pipelineSources.snapshot)))
    .orderBy(asc(pipelineSources.name));
  return rows.flatMap((r) => (r.snapshot ? [{ ...r, snapshot: r.snapshot }] : []));
}

/**
 * Sets a source's findings, only if no read has landed since they were computed (`last_read_at`
 * unchanged): a newer read's own evaluation writes its findings. Returns whether it wrote.
 */
export async function setSourceFindings(db: Db, orgId: string, sourceId: string, readStamp: string | null, findings: PipelineSourceFinding[]): Promise<boolean> {
  const sameRead = readStamp === null ? isNull(pipelineSources.lastReadAt) : sql`${pipelineSources.lastReadAt} = ${readStamp}::timestamptz`;
  const done = await db.update(pipelineSources).set({ findings }).where(and(eq(pipelineSources.orgId, orgId), eq(pipelineSources.id, sourceId), sameRead)).returning({ id: pipelineSources.id });
  return done.length > 0;
}

/** The organisation's cloud trusts, to name the one a workload identity is. */
export async function trustsForFacts(db: Db, orgId: string): Promise<TrustForFacts[]> {
  return db.select({ id: trusts.id, provider: trusts.provider, externalId: trusts.externalId, name: trusts.name, details: trusts.details }).from(trusts).where(eq(trusts.orgId, orgId)).orderBy(asc(trusts.name));
}

/** One workflow's repository, path and system, or null (another org's is not found). */
export async function workflowForFacts(db: Db, orgId: string, workflowId: string): Promise<{ repo: string; path: string; system: string } | null> {
  const [row] = await db
    .select({ repo: repositories.fullName, path: workflows.path, system: workflows.system })
    .from(workflows)
    .innerJoin(repositories, and(eq(repositories.id, workflows.repoId), eq(repositories.orgId, orgId)))
    .where(and(eq(workflows.orgId, orgId), eq(workflows.id, workflowId)));
  return row ?? null;
}
