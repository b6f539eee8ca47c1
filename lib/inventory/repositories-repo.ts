import "server-only";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { findings, jobs, repositories, workflows } from "@/lib/db/schema";
import { repoOwnerExpr, repoOwnerSourceExpr } from "./owner-exprs";

export interface RepositoryListItem {
  id: string;
  name: string;
  fullName: string;
  visibility: string;
  archived: boolean;
  owner: string | null;
  ownerSource: string | null;
  workflows: number;
  jobs: number;
  openFindings: number;
  critical: number;
  high: number;
  syncedAt: string | null;
  staleReason: string | null;
}

/** The organisation's repositories with their inventory counts (removed ones left out). */
export async function listRepositories(db: Db, orgId: string): Promise<RepositoryListItem[]> {
  const wf = db
    .select({ repoId: workflows.repoId, n: sql<number>`count(*)::int`.as("wf_n") })
    .from(workflows)
    .where(eq(workflows.orgId, orgId))
    .groupBy(workflows.repoId)
    .as("wf");
  const jb = db
    .select({ repoId: jobs.repoId, n: sql<number>`count(*)::int`.as("jb_n") })
    .from(jobs)
    .where(eq(jobs.orgId, orgId))
    .groupBy(jobs.repoId)
    .as("jb");
  const fd = db
    .select({
      repoId: findings.repoId,
      n: sql<number>`count(*)::int`.as("fd_n"),
      critical: sql<number>`count(*) filter (where ${findings.severity} = 'critical')::int`.as("fd_critical"),
      high: sql<number>`count(*) filter (where ${findings.severity} = 'high')::int`.as("fd_high"),
    })
    .from(findings)
    .where(and(eq(findings.orgId, orgId), isNull(findings.fixedAt)))
    .groupBy(findings.repoId)
    .as("fd");
  const rows = await db
    .select({
      id: repositories.id,
      name: repositories.name,
      fullName: repositories.fullName,
      visibility: repositories.visibility,
      archived: repositories.archived,
      owner: repoOwnerExpr(orgId),
      ownerSource: repoOwnerSourceExpr(orgId),
      syncedAt: repositories.syncedAt,
      staleReason: repositories.staleReason,
      workflows: sql<number>`coalesce(${wf.n}, 0)`,
      jobs: sql<number>`coalesce(${jb.n}, 0)`,
      openFindings: sql<number>`coalesce(${fd.n}, 0)`,
      critical: sql<number>`coalesce(${fd.critical}, 0)`,
      high: sql<number>`coalesce(${fd.high}, 0)`,
    })
    .from(repositories)
    .leftJoin(wf, eq(wf.repoId, repositories.id))
    .leftJoin(jb, eq(jb.repoId, repositories.id))
    .leftJoin(fd, eq(fd.repoId, repositories.id))
    .where(and(eq(repositories.orgId, orgId), isNull(repositories.removedAt)))
    .orderBy(asc(repositories.name));
  return rows.map((r) => ({
    ...r,
    workflows: Number(r.workflows),
    jobs: Number(r.jobs),
    openFindings: Number(r.openFindings),
    critical: Number(r.critical),
    high: Number(r.high),
    syncedAt: r.syncedAt?.toISOString() ?? null,
  }));
}
