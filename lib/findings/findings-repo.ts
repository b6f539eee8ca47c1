import "server-only";
import { and, asc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { rowsOf } from "@/lib/db/migrate";
import { alias, type PgSelect } from "drizzle-orm/pg-core";
import type { Db } from "@/lib/db/types";
import { findingEvents, findings, ownerOverrides, repositories, workflows } from "@/lib/db/schema";
import type { FindingEventData, TriageState } from "@/lib/db/schema/findings";
import { coveringExceptions, exceptionDto, type ExceptionRow } from "./exceptions-repo";
import type { FindingDetailDto, FindingDto, FindingEventDto } from "./findings-dto";
import { findingState, SEVERITY_ORDER, severityRank, type FindingState } from "./state";

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

/** The joins that give a finding its repository, workflow and owner. */
function withOwner<Q extends PgSelect>(q: Q, orgId: string) {
  return q
    .innerJoin(repositories, eq(repositories.id, f.repoId))
    .leftJoin(workflows, and(eq(workflows.repoId, f.repoId), eq(workflows.path, f.path)))
    .leftJoin(byWorkflow, and(eq(byWorkflow.orgId, orgId), eq(byWorkflow.targetType, "workflow"), eq(byWorkflow.targetKey, sql`${repositories.githubId}::text || ':' || ${f.path}`)))
    .leftJoin(byRepo, and(eq(byRepo.orgId, orgId), eq(byRepo.targetType, "repository"), eq(byRepo.targetKey, sql`${repositories.githubId}::text`)));
}

/** The org's findings matching `where` (a condition on `finding`), with repository and owner, by line. */
export async function findingRows(db: Db, orgId: string, where: SQL): Promise<FindingRow[]> {
  const rows = await withOwner(db.select({ finding: f, repo: repositories.fullName, owner: findingOwner, workflowId: workflows.id }).from(f).$dynamic(), orgId)
    .where(and(eq(f.orgId, orgId), where))
    .orderBy(asc(f.line));
  return rows.map((r) => ({ ...r.finding, repo: r.repo, owner: r.owner, workflowId: r.workflowId }));
}

/** A list of ids as one uuid[] parameter: a list of thousands costs the query builder more than the query. */
const uuidArray = (ids: readonly string[]): SQL => sql`${sql.param([...ids])}::uuid[]`;

/** A timestamp as epoch milliseconds (float8): raw statements get strings for timestamps otherwise. */
const epochMs = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;

/**
 * What a review entry (FindingDto) is made of — not the fix, the sightings or who triaged — over
 * `f`, a finding row joined by reviewJoins. Raw SQL read as it comes (ReviewFindingRow): a review
 * reads thousands, and the query builder's mapping and a second copy of each cost more than the
 * statement. The owner is findingOwner's: the workflow's (hand-set, else derived), else the
 * repository's.
 */
export const reviewSelect: SQL = sql.raw(`f.id, f.fingerprint, f.rule, f.severity, f.path, f.line, f.job_key, f.message,
  ${epochMs("f.fixed_at")} as fixed_at, ${epochMs("f.regressed_at")} as regressed_at, f.triage_state, ${epochMs("f.triaged_at")} as triaged_at, f.assignee,
  r.full_name as repo, f.workflow_id, coalesce(ow.owner, f.workflow_owner, orr.owner, r.owner) as owner`);

/**
 * The joins reviewSelect reads, after a row source `f` with the finding's columns (left joins:
 * `f` may be absent in an outer join; the repository always exists while the finding does). No
 * workflow: the finding row carries its workflow's id and derived owner (the invariant in
 * lib/db/schema/findings.ts), a look-up per finding saved on thousands.
 */
export function reviewJoins(orgId: string): SQL {
  return sql`left join repository r on r.id = f.repo_id
    left join owner_override ow on ow.org_id = ${orgId} and ow.target_type = 'workflow' and ow.target_key = r.github_id::text || ':' || f.path
    left join owner_override orr on orr.org_id = ${orgId} and orr.target_type = 'repository' and orr.target_key = r.github_id::text`;
}

/** A row of reviewSelect as the database sends it (dates as epoch milliseconds). */
export interface ReviewFindingRow {
  id: string;
  fingerprint: string;
  rule: string;
  severity: string;
  path: string;
  line: number;
  job_key: string | null;
  message: string;
  fixed_at: number | null;
  regressed_at: number | null;
  triage_state: TriageState;
  triaged_at: number | null;
  assignee: string | null;
  repo: string;
  workflow_id: string | null;
  owner: string | null;
}

/** As findingRows, only what a review shows of each (reviewSelect): a review reads thousands. */
export async function reviewFindingRows(db: Db, orgId: string, ids: string[]): Promise<ReviewFindingRow[]> {
  if (ids.length === 0) return [];
  return rowsOf<ReviewFindingRow>(await db.execute(sql`select ${reviewSelect} from finding f ${reviewJoins(orgId)} where f.org_id = ${orgId} and f.id = any(${uuidArray(ids)})`));
}

/** What the backlog needs to know of a finding it leaves out. */
export type BacklogEntry = { id: string; owner: string | null; severity: string };

const severityRankSql = `coalesce(array_position(array[${SEVERITY_ORDER.map((x) => `'${x}'`).join(", ")}]::text[], f.severity), ${SEVERITY_ORDER.length + 1})`;

/**
 * The open backlog of a review: the org's open findings but `exclude` (open findings, each with
 * its owner and severity when the caller has read it) — how many per owner, and the worst `limit`
 * (severity, repository, path, line) as rows. Counted from finding_file_count (one row per file
 * and severity, kept by the snapshot writer: its invariant in lib/db/schema/findings.ts) less
 * the excluded ones, never by reading every open finding; the worst are chosen among the open
 * findings of the fewest worst severities that hold `limit` of them.
 */
export async function openBacklog(db: Db, orgId: string, exclude: { known: BacklogEntry[]; ids: string[] }, limit: number): Promise<{ total: number; byOwner: Map<string | null, number>; top: ReviewFindingRow[] }> {
  const counted = rowsOf<{ owner: string | null; severity: string; n: number }>(
    // Summed per derived owner, then corrected for the files a hand-set owner applies to (a few:
    // set by hand), each resolved to its repository (and path) first, with findingOwner's
    // precedence: their counts move from the derived owner to the effective one.
    // Keys are "<github id>" and "<github id>:<path>" (owners-repo.ts).
    await db.execute(sql`with k as (
        select o.target_type, o.owner, split_part(o.target_key, ':', 1) as gid,
          case when o.target_type = 'workflow' then substr(o.target_key, strpos(o.target_key, ':') + 1) end as path
        from owner_override o
        where o.org_id = ${orgId} and (o.target_type = 'workflow' and strpos(o.target_key, ':') > 0 or o.target_type = 'repository' and strpos(o.target_key, ':') = 0)
      ),
      o as (
        select r.id as repo_id, k.target_type, k.path, k.owner
        from k join repository r on r.org_id = ${orgId} and r.github_id = (case when k.gid ~ '^[0-9]+$' then k.gid::bigint end)
      ),
      hand as (
        select c.severity, c.open, coalesce(c.workflow_owner, c.repo_owner) as derived, coalesce(ow.owner, c.workflow_owner, orr.owner, c.repo_owner) as owner
        from finding_file_count c
        left join o ow on ow.target_type = 'workflow' and ow.repo_id = c.repo_id and ow.path = c.path
        left join o orr on orr.target_type = 'repository' and orr.repo_id = c.repo_id
        where c.org_id = ${orgId} and c.repo_id in (select repo_id from o)
      )
      select coalesce(c.workflow_owner, c.repo_owner) as owner, c.severity, sum(c.open)::int as n
      from finding_file_count c where c.org_id = ${orgId} group by 1, 2
      union all
      select owner, severity, sum(open)::int from hand group by 1, 2
      union all
      select derived, severity, -sum(open)::int from hand group by 1, 2`),
  );
  const known = new Map(exclude.known.map((x) => [x.id, x]));
  const unread = [...new Set(exclude.ids)].filter((id) => !known.has(id));
  for (const r of await reviewFindingRows(db, orgId, unread)) known.set(r.id, { id: r.id, owner: r.owner, severity: r.severity });
  const byOwner = new Map<string | null, number>();
  const byRank = new Array<number>(SEVERITY_ORDER.length + 1).fill(0);
  for (const c of counted) {
    byOwner.set(c.owner, (byOwner.get(c.owner) ?? 0) + Number(c.n));
    byRank[severityRank(c.severity)]! += Number(c.n);
  }
  for (const x of known.values()) {
    byOwner.set(x.owner, (byOwner.get(x.owner) ?? 0) - 1);
    byRank[severityRank(x.severity)]! -= 1;
  }
  for (const [owner, n] of byOwner) if (n <= 0) byOwner.delete(owner);

  // The worst `limit`: only the worst severities holding that many can contain them. Chosen on
  // the open findings alone, then only those `limit` are joined to what an entry shows.
  let held = 0;
  let ranks = 0;
  while (ranks < byRank.length && held < limit) held += byRank[ranks++]!;
  const chosen = ranks < SEVERITY_ORDER.length ? SEVERITY_ORDER.slice(0, ranks) : null;
  const severities = chosen ? sql`and f.severity = any(${sql.param(chosen)}::text[])` : sql``;
  // Only the excluded findings of those severities can be among them.
  const excluded = [...known.values()].filter((x) => !chosen || (chosen as readonly string[]).includes(x.severity)).map((x) => x.id);
  const top = rowsOf<ReviewFindingRow>(
    await db.execute(sql`select ${reviewSelect} from (
        select f.id, f.repo_id, f.fingerprint, f.rule, f.severity, f.path, f.line, f.job_key, f.message, f.fixed_at, f.regressed_at, f.triage_state, f.triaged_at, f.assignee, f.workflow_id, f.workflow_owner
        from finding f join repository r on r.id = f.repo_id
        where f.org_id = ${orgId} and f.fixed_at is null ${severities} and not (f.id = any(${uuidArray(excluded)}))
        order by ${sql.raw(severityRankSql)}, r.full_name, f.path, f.line
        limit ${limit}
      ) f ${reviewJoins(orgId)}`),
  );
  return { total: [...byOwner.values()].reduce((a, b) => a + b, 0), byOwner, top };
}

/** One finding of the org, or null (another org's finding is simply not found). */
export async function findingRow(db: Db, orgId: string, findingId: string): Promise<FindingRow | null> {
  const [row] = await findingRows(db, orgId, eq(f.id, findingId));
  return row ?? null;
}

/** What every entry shows, in the API's order (FindingDto). */
type EntryParts = Pick<FindingDto, "id" | "fingerprint" | "rule" | "severity" | "repo" | "path" | "line" | "message" | "owner" | "assignee">;

function entryDto(p: EntryParts, job: string | null, state: FindingState, workflowId: string | null, exception: ExceptionRow | undefined, at: Date): FindingDto {
  return {
    id: p.id,
    fingerprint: p.fingerprint,
    rule: p.rule,
    severity: p.severity,
    repo: p.repo,
    path: p.path,
    line: p.line,
    job,
    message: p.message,
    state,
    owner: p.owner,
    assignee: p.assignee,
    ...(workflowId ? { workflowId } : {}),
    ...(exception ? { exception: exceptionDto(exception, at) } : {}),
  };
}

function toFindingDto(row: FindingRow, exception: ExceptionRow | undefined, at: Date): FindingDto {
  return entryDto(row, row.jobKey, findingState({ ...row, excepted: exception !== undefined }), row.workflowId, exception, at);
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/** A review's entry (FindingDto) from its row as read (reviewSelect), with the exception covering it. */
export function reviewEntryDto(row: ReviewFindingRow, exception: ExceptionRow | undefined, at: Date): FindingDto {
  const state = findingState({ fixedAt: date(row.fixed_at), regressedAt: date(row.regressed_at), triageState: row.triage_state, triagedAt: date(row.triaged_at), excepted: exception !== undefined });
  return entryDto(row, row.job_key, state, row.workflow_id, exception, at);
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
