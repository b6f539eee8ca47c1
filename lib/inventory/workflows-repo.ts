import "server-only";
import { and, asc, desc, eq, ilike, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { findings, jobIdentities, jobSecrets, jobs, jobSystems, repositories, workflows } from "@/lib/db/schema";
import type { Permissions, Phase } from "@/lib/analysis/types";
import type { WorkflowFilters } from "./workflows-schema";
import { workflowOwnerExpr, workflowOwnerSourceExpr } from "./owner-exprs";

export interface WorkflowRow {
  id: string;
  repository: string;
  path: string;
  name: string | null;
  state: string | null;
  triggers: string[];
  untrustedTriggers: string[];
  phase: Phase | null;
  /** The broadest GITHUB_TOKEN any job holds: write-all, write, read, default (inherits) or none. */
  token: "write-all" | "write" | "read" | "default" | "none";
  idToken: boolean;
  secrets: string[];
  identities: { kind: string; id: string | null; oidc: boolean }[];
  systems: { kind: string; id: string | null }[];
  owner: string | null;
  ownerSource: string | null;
  findings: { critical: number; high: number; medium: number; low: number; info: number };
  parseError: string | null;
}

export interface WorkflowPage {
  rows: WorkflowRow[];
  total: number;
  page: number;
  size: number;
}

const SEVERITY_AT_LEAST: Record<NonNullable<WorkflowFilters["severity"]>, string[]> = {
  critical: ["critical"],
  high: ["critical", "high"],
  medium: ["critical", "high", "medium"],
  low: ["critical", "high", "medium", "low"],
};
const PHASE_RANK: Record<Phase, number> = { "build-untrusted": 0, verify: 1, publish: 2, deploy: 3 };

/** The conditions of a filtered view; orgId is always the first. Shared by the list and the export. */
export function workflowConditions(orgId: string, f: Partial<WorkflowFilters>): SQL[] {
  // repository.org_id is implied by the workflow's; stating it lets the planner walk
  // repository_org_full_name_idx in order and stop after one page.
  const where: SQL[] = [eq(workflows.orgId, orgId), eq(repositories.orgId, orgId), isNull(repositories.removedAt)];
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // The repository name is matched once per repository (not once per workflow row), then by id.
    const repoMatches = sql`${workflows.repoId} in (select r.id from ${repositories} r where r.org_id = ${orgId} and r.full_name ilike ${like})`;
    where.push(or(repoMatches, ilike(workflows.path, like), ilike(workflows.name, like))!);
  }
  if (f.secret) {
    where.push(sql`exists (select 1 from ${jobSecrets} js join ${jobs} j on j.id = js.job_id
      where j.workflow_id = ${workflows.id} and js.org_id = ${orgId} and upper(js.secret_name) = upper(${f.secret}))`);
  }
  // j.org_id is the workflow's own org: stated so job_org_phase_workflow_idx answers it.
  if (f.phase) where.push(sql`exists (select 1 from ${jobs} j where j.org_id = ${orgId} and j.workflow_id = ${workflows.id} and j.phase = ${f.phase})`);
  if (f.trigger) where.push(sql`${workflows.triggers} @> ${JSON.stringify([f.trigger])}::jsonb`);
  if (f.untrusted) where.push(sql`jsonb_array_length(${workflows.untrustedTriggers}) > 0`);
  if (f.severity) {
    where.push(sql`exists (select 1 from ${findings} fd where fd.org_id = ${orgId} and fd.repo_id = ${workflows.repoId}
      and fd.path = ${workflows.path} and fd.fixed_at is null and fd.severity in ${SEVERITY_AT_LEAST[f.severity]})`);
  }
  return where;
}

/** The columns of a workflow row before its details (withDetails) are added. */
export function workflowRowColumns(orgId: string) {
  return {
    id: workflows.id,
    repoId: workflows.repoId,
    repository: repositories.fullName,
    path: workflows.path,
    name: workflows.name,
    state: workflows.state,
    triggers: workflows.triggers,
    untrustedTriggers: workflows.untrustedTriggers,
    owner: workflowOwnerExpr(orgId),
    ownerSource: workflowOwnerSourceExpr(orgId),
    parseError: workflows.parseError,
  };
}

/** One page of the org's workflows, filtered and sorted in SQL; details are loaded for that page only. */
export async function listWorkflows(db: Db, orgId: string, f: WorkflowFilters): Promise<WorkflowPage> {
  const where = and(...workflowConditions(orgId, f));
  const order = f.dir === "desc" ? desc : asc;
  // The findings and secrets sorts need a figure for every workflow: each is aggregated once
  // (one pass over the org's open findings / secret references) and joined, not a subquery per row.
  const openFindings = db
    .select({ repoId: findings.repoId, path: findings.path, n: sql<number>`count(*)`.as("n") })
    .from(findings)
    .where(and(eq(findings.orgId, orgId), isNull(findings.fixedAt)))
    .groupBy(findings.repoId, findings.path)
    .as("open_findings");
  const secretCounts = db
    .select({ workflowId: jobs.workflowId, n: sql<number>`count(distinct ${jobSecrets.secretName})`.as("n") })
    .from(jobSecrets)
    .innerJoin(jobs, eq(jobs.id, jobSecrets.jobId))
    .where(and(eq(jobSecrets.orgId, orgId), eq(jobs.orgId, orgId)))
    .groupBy(jobs.workflowId)
    .as("secret_counts");
  const page = db
    .select(workflowRowColumns(orgId))
    .from(workflows)
    .innerJoin(repositories, eq(repositories.id, workflows.repoId))
    .$dynamic();
  if (f.sort === "findings") {
    page.leftJoin(openFindings, and(eq(openFindings.repoId, workflows.repoId), eq(openFindings.path, workflows.path))).orderBy(order(sql`coalesce(${openFindings.n}, 0)`), asc(repositories.fullName), asc(workflows.path));
  } else if (f.sort === "secrets") {
    page.leftJoin(secretCounts, eq(secretCounts.workflowId, workflows.id)).orderBy(order(sql`coalesce(${secretCounts.n}, 0)`), asc(repositories.fullName), asc(workflows.path));
  } else if (f.sort === "workflow") {
    page.orderBy(order(workflows.path), asc(repositories.fullName));
  } else {
    page.orderBy(order(repositories.fullName), asc(workflows.path));
  }
  const unfiltered = !f.q && !f.secret && !f.phase && !f.trigger && !f.untrusted && !f.severity;
  // Unfiltered, the count is an index-only scan of workflow_org_repo_idx less the (few) removed
  // repositories' workflows, instead of a join with every repository.
  const count = unfiltered
    ? db
        .select({ n: sql<number>`count(*)::int` })
        .from(workflows)
        .where(and(eq(workflows.orgId, orgId), sql`not exists (select 1 from ${repositories} r where r.org_id = ${orgId} and r.id = ${workflows.repoId} and r.removed_at is not null)`))
    : db.select({ n: sql<number>`count(*)::int` }).from(workflows).innerJoin(repositories, eq(repositories.id, workflows.repoId)).where(where);
  const [[countRow], base] = await Promise.all([
    count,
    page
      .where(where)
      .limit(f.size)
      .offset((f.page - 1) * f.size),
  ]);
  return { rows: await withDetails(db, orgId, base), total: Number(countRow?.n ?? 0), page: f.page, size: f.size };
}

type BaseRow = Omit<WorkflowRow, "phase" | "token" | "idToken" | "secrets" | "identities" | "systems" | "findings"> & { repoId: string };

/** Jobs, references and finding counts for a handful of workflows, in four queries. */
export async function withDetails(db: Db, orgId: string, base: BaseRow[]): Promise<WorkflowRow[]> {
  if (base.length === 0) return [];
  const ids = base.map((b) => b.id);
  const [jobRows, secretRows, identityRows, systemRows, findingRows] = await Promise.all([
    db.select({ id: jobs.id, workflowId: jobs.workflowId, phase: jobs.phase, permissions: jobs.permissions, idToken: jobs.idToken }).from(jobs).where(and(eq(jobs.orgId, orgId), inArray(jobs.workflowId, ids))),
    db
      .select({ workflowId: jobs.workflowId, name: jobSecrets.secretName })
      .from(jobSecrets)
      .innerJoin(jobs, eq(jobs.id, jobSecrets.jobId))
      .where(and(eq(jobSecrets.orgId, orgId), inArray(jobs.workflowId, ids))),
    db
      .select({ workflowId: jobs.workflowId, kind: jobIdentities.kind, id: jobIdentities.identifier, oidc: jobIdentities.oidc })
      .from(jobIdentities)
      .innerJoin(jobs, eq(jobs.id, jobIdentities.jobId))
      .where(and(eq(jobIdentities.orgId, orgId), inArray(jobs.workflowId, ids))),
    db
      .select({ workflowId: jobs.workflowId, kind: jobSystems.kind, id: jobSystems.identifier })
      .from(jobSystems)
      .innerJoin(jobs, eq(jobs.id, jobSystems.jobId))
      .where(and(eq(jobSystems.orgId, orgId), inArray(jobs.workflowId, ids))),
    db
      .select({ repoId: findings.repoId, path: findings.path, severity: findings.severity, n: sql<number>`count(*)::int` })
      .from(findings)
      .where(and(eq(findings.orgId, orgId), isNull(findings.fixedAt), inArray(findings.repoId, [...new Set(base.map((b) => b.repoId))])))
      .groupBy(findings.repoId, findings.path, findings.severity),
  ]);
  return base.map(({ repoId, ...b }) => {
    const js = jobRows.filter((j) => j.workflowId === b.id);
    const uniq = <T>(list: T[], key: (x: T) => string) => list.filter((x, i) => list.findIndex((y) => key(y) === key(x)) === i);
    const counts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    for (const f of findingRows) if (f.repoId === repoId && f.path === b.path && f.severity in counts) counts[f.severity as keyof typeof counts] += Number(f.n);
    return {
      ...b,
      phase: js.reduce<Phase | null>((top, j) => (top === null || PHASE_RANK[j.phase] > PHASE_RANK[top] ? j.phase : top), null),
      token: broadestToken(js.map((j) => j.permissions)),
      idToken: js.some((j) => j.idToken),
      secrets: [...new Set(secretRows.filter((s) => s.workflowId === b.id).map((s) => s.name))].sort(),
      identities: uniq(identityRows.filter((i) => i.workflowId === b.id).map(({ kind, id, oidc }) => ({ kind, id, oidc })), (i) => `${i.kind}|${i.id}`),
      systems: uniq(systemRows.filter((s) => s.workflowId === b.id).map(({ kind, id }) => ({ kind, id })), (s) => `${s.kind}|${s.id}`),
      findings: counts,
    };
  });
}

export function broadestToken(perms: (Permissions | null)[]): WorkflowRow["token"] {
  if (perms.length === 0) return "none";
  if (perms.some((p) => p === "write-all")) return "write-all";
  if (perms.some((p) => p !== null && typeof p === "object" && Object.values(p).includes("write"))) return "write";
  if (perms.some((p) => p === null)) return "default";
  if (perms.some((p) => p === "read-all" || (typeof p === "object" && p !== null && Object.values(p).includes("read")))) return "read";
  return "none";
}
