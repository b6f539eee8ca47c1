import "server-only";
import { and, asc, eq, inArray, isNull, notInArray, sql, type SQL } from "drizzle-orm";
import { rowsOf } from "@/lib/db/migrate";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "@/lib/db/types";
import { findingEvents, findings, ownerOverrides, repositories, workflows } from "@/lib/db/schema";
import type { FindingEventData } from "@/lib/db/schema/findings";
import { coveringExceptions, exceptionDto, type ExceptionRow } from "./exceptions-repo";
import type { FindingDetailDto, FindingDto, FindingEventDto } from "./findings-dto";
import { findingState, SEVERITY_ORDER } from "./state";

const f = findings;

const byWorkflow = alias(ownerOverrides, "owner_by_workflow");
const byRepo = alias(ownerOverrides, "owner_by_repo");

/**
 * A finding's owner: its workflow's (an owner set by hand on the workflow, else what the sync
 * derived), else its repository's (set by hand, else derived) — the same precedence as the
 * Owners page (lib/inventory/owner-exprs.ts), for a finding whose workflow may be gone. Joins,
 * not subqueries per row: a review reads every open finding's owner.
 */
const findingOwner: SQL<string | null> = sql<string | null>`coalesce(${byWorkflow.owner}, ${workflows.owner}, ${byRepo.owner}, ${repositories.owner})`;

export type FindingRow = typeof findings.$inferSelect & { repo: string; owner: string | null; workflowId: string | null };

/** The org's findings matching `where` (a condition on `finding`), with repository and owner, by line. */
export async function findingRows(db: Db, orgId: string, where: SQL): Promise<FindingRow[]> {
  const rows = await db
    .select({ finding: f, repo: repositories.fullName, owner: findingOwner, workflowId: workflows.id })
    .from(f)
    .innerJoin(repositories, eq(repositories.id, f.repoId))
    .leftJoin(workflows, and(eq(workflows.repoId, f.repoId), eq(workflows.path, f.path)))
    .leftJoin(byWorkflow, and(eq(byWorkflow.orgId, orgId), eq(byWorkflow.targetType, "workflow"), eq(byWorkflow.targetKey, sql`${repositories.githubId}::text || ':' || ${f.path}`)))
    .leftJoin(byRepo, and(eq(byRepo.orgId, orgId), eq(byRepo.targetType, "repository"), eq(byRepo.targetKey, sql`${repositories.githubId}::text`)))
    .where(and(eq(f.orgId, orgId), where))
    .orderBy(asc(f.line));
  return rows.map((r) => ({ ...r.finding, repo: r.repo, owner: r.owner, workflowId: r.workflowId }));
}

/**
 * The open backlog of a review: the org's open findings but `exclude` — how many per owner
 * (counted in SQL), and the worst `limit` (severity, repository, path, line) as rows. A review
 * never brings every open finding into the process: at 100,000 that alone is seconds.
 */
export async function openBacklog(db: Db, orgId: string, exclude: string[], limit: number): Promise<{ total: number; byOwner: Map<string | null, number>; top: FindingRow[] }> {
  const where = and(eq(f.orgId, orgId), isNull(f.fixedAt), exclude.length === 0 ? undefined : notInArray(f.id, exclude));
  // Counted per file first (a few findings each), then each file's owner resolved once.
  const owners = rowsOf<{ owner: string | null; n: number }>(
    await db.execute(sql`with g as (select ${f.repoId} as repo_id, ${f.path} as path, count(*)::int as n from ${f} where ${where} group by ${f.repoId}, ${f.path})
      select coalesce(ow.owner, w.owner, orr.owner, r.owner) as owner, sum(g.n)::int as n
      from g
      join repository r on r.id = g.repo_id
      left join workflow w on w.repo_id = g.repo_id and w.path = g.path
      left join owner_override ow on ow.org_id = ${orgId} and ow.target_type = 'workflow' and ow.target_key = r.github_id::text || ':' || g.path
      left join owner_override orr on orr.org_id = ${orgId} and orr.target_type = 'repository' and orr.target_key = r.github_id::text
      group by 1`),
  );
  // The worst `limit` chosen on the finding and its repository's name alone, then read whole.
  const rank = sql`coalesce(array_position(${sql.raw(`array[${SEVERITY_ORDER.map((x) => `'${x}'`).join(", ")}]::text[]`)}, ${f.severity}), ${SEVERITY_ORDER.length + 1})`;
  const ids = await db
    .select({ id: f.id })
    .from(f)
    .innerJoin(repositories, eq(repositories.id, f.repoId))
    .where(where)
    .orderBy(rank, asc(repositories.fullName), asc(f.path), asc(f.line))
    .limit(limit);
  const top = ids.length === 0 ? [] : await findingRows(db, orgId, inArray(f.id, ids.map((r) => r.id)));
  const byOwner = new Map(owners.map((o) => [o.owner, Number(o.n)]));
  return { total: [...byOwner.values()].reduce((a, b) => a + b, 0), byOwner, top };
}

/** One finding of the org, or null (another org's finding is simply not found). */
export async function findingRow(db: Db, orgId: string, findingId: string): Promise<FindingRow | null> {
  const [row] = await findingRows(db, orgId, eq(f.id, findingId));
  return row ?? null;
}

export function toFindingDto(row: FindingRow, exception: ExceptionRow | undefined, at: Date): FindingDto {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    rule: row.rule,
    severity: row.severity,
    repo: row.repo,
    path: row.path,
    line: row.line,
    job: row.jobKey,
    message: row.message,
    state: findingState({ ...row, excepted: exception !== undefined }),
    owner: row.owner,
    assignee: row.assignee,
    ...(row.workflowId ? { workflowId: row.workflowId } : {}),
    ...(exception ? { exception: exceptionDto(exception, at) } : {}),
  };
}

export function toFindingDetailDto(row: FindingRow, exception: ExceptionRow | undefined, at: Date): FindingDetailDto {
  return {
    ...toFindingDto(row, exception, at),
    fix: row.fix,
    triageState: row.triageState,
    triagedBy: row.triagedBy,
    triagedAt: row.triagedAt?.toISOString() ?? null,
    firstSeenAt: row.firstSeenAt.toISOString(),
    regressedAt: row.regressedAt?.toISOString() ?? null,
  };
}

/** What a finding_event keeps of the finding: what it was when the event happened. */
export function findingEventData(row: Pick<FindingRow, "rule" | "severity" | "repo" | "path" | "line" | "jobKey" | "message">): FindingEventData {
  return { rule: row.rule, severity: row.severity, repo: row.repo, path: row.path, line: row.line, job: row.jobKey, message: row.message };
}

/** The open findings of one workflow file, by line, with state and any exception covering them. */
export async function workflowFindings(db: Db, orgId: string, repoId: string, path: string, at = new Date()): Promise<FindingDetailDto[]> {
  const rows = await findingRows(db, orgId, and(eq(f.repoId, repoId), eq(f.path, path), isNull(f.fixedAt))!);
  const covering = await coveringExceptions(db, orgId, at, rows.map((r) => r.id));
  return rows.map((r) => toFindingDetailDto(r, covering.get(r.id), at));
}

/** A finding with its whole history, or null (another org's is not found). */
export async function getFindingWithHistory(db: Db, orgId: string, findingId: string, at = new Date()): Promise<(FindingDetailDto & { history: FindingEventDto[] }) | null> {
  const row = await findingRow(db, orgId, findingId);
  if (!row) return null;
  const covering = await coveringExceptions(db, orgId, at, [row.id]);
  const events = await db
    .select()
    .from(findingEvents)
    .where(and(eq(findingEvents.orgId, orgId), eq(findingEvents.findingId, row.id)))
    .orderBy(asc(findingEvents.id));
  return {
    ...toFindingDetailDto(row, covering.get(row.id), at),
    history: events.map((e) => ({
      type: e.type,
      at: e.at.toISOString(),
      actor: e.actor,
      syncRunId: e.syncRunId,
      line: e.data.line,
      ...(e.data.triage ? { triage: e.data.triage } : {}),
      ...(e.data.exception ? { exception: e.data.exception } : {}),
    })),
  };
}
