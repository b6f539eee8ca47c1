import "server-only";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { jobsGone, repositories, workflows, workflowsGone } from "@/lib/db/schema";

// What an old id answers once its workflow or job left the repository (workflows-writer.ts
// keeps the tombstones). Another org's id is simply not found, as everywhere.

export interface GoneWorkflowDto {
  id: string;
  repository: string;
  path: string;
  name: string | null;
  /** The sync that found it gone, and the last one that still had it (null: not recorded). */
  removedAt: string;
  lastSeenAt: string | null;
  /** Where its content went, when a rename was seen: the workflow now at that path (itself possibly gone since; id null when neither is known). */
  movedTo: { id: string | null; path: string; gone: boolean } | null;
}

export interface GoneJobDto {
  id: string;
  /** The workflow it belonged to (live, or itself gone). */
  workflowId: string;
  jobKey: string;
  removedAt: string;
  lastSeenAt: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getGoneWorkflow(db: Db, orgId: string, workflowId: string): Promise<GoneWorkflowDto | null> {
  if (!UUID.test(workflowId)) return null;
  const [g] = await db
    .select({ gone: workflowsGone, repository: repositories.fullName })
    .from(workflowsGone)
    .innerJoin(repositories, and(eq(repositories.id, workflowsGone.repoId), eq(repositories.orgId, orgId)))
    .where(and(eq(workflowsGone.orgId, orgId), eq(workflowsGone.id, workflowId)))
    .limit(1);
  if (!g) return null;
  const { gone } = g;
  return {
    id: gone.id,
    repository: g.repository,
    path: gone.path,
    name: gone.name,
    removedAt: gone.removedAt.toISOString(),
    lastSeenAt: gone.lastSeenAt?.toISOString() ?? null,
    movedTo: gone.movedToPath ? await workflowAt(db, orgId, gone.repoId, gone.movedToPath) : null,
  };
}

/** The workflow at a path of a repository: the live one, else the tombstone left there. */
async function workflowAt(db: Db, orgId: string, repoId: string, path: string): Promise<NonNullable<GoneWorkflowDto["movedTo"]>> {
  const [live] = await db
    .select({ id: workflows.id })
    .from(workflows)
    .where(and(eq(workflows.orgId, orgId), eq(workflows.repoId, repoId), eq(workflows.path, path)))
    .limit(1);
  if (live) return { id: live.id, path, gone: false };
  const [tomb] = await db
    .select({ id: workflowsGone.id })
    .from(workflowsGone)
    .where(and(eq(workflowsGone.orgId, orgId), eq(workflowsGone.repoId, repoId), eq(workflowsGone.path, path)))
    .limit(1);
  return { id: tomb?.id ?? null, path, gone: true };
}

export async function getGoneJob(db: Db, orgId: string, jobId: string): Promise<GoneJobDto | null> {
  if (!UUID.test(jobId)) return null;
  const [g] = await db.select().from(jobsGone).where(and(eq(jobsGone.orgId, orgId), eq(jobsGone.id, jobId))).limit(1);
  if (!g) return null;
  return { id: g.id, workflowId: g.workflowId, jobKey: g.jobKey, removedAt: g.removedAt.toISOString(), lastSeenAt: g.lastSeenAt?.toISOString() ?? null };
}

/** A blast-radius target (workflow or job id) that matches nothing because it left: what it was. */
export async function getGoneTarget(db: Db, orgId: string, target: { type: string; id: string }): Promise<{ workflow: GoneWorkflowDto | null; job: GoneJobDto | null } | null> {
  if (target.type === "workflow") {
    const workflow = await getGoneWorkflow(db, orgId, target.id);
    return workflow ? { workflow, job: null } : null;
  }
  if (target.type !== "job") return null;
  const job = await getGoneJob(db, orgId, target.id);
  return job ? { job, workflow: await getGoneWorkflow(db, orgId, job.workflowId) } : null;
}
