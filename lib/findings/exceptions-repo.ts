import "server-only";
import { and, desc, eq, gt, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { findingExceptions, findings, jobs, jobSecrets, workflows } from "@/lib/db/schema";
import { EXCEPTION_SCOPES, type ExceptionEventData, type ExceptionScope } from "@/lib/db/schema/findings";
import { rowsOf } from "@/lib/db/migrate";
import type { ExceptionDto, ExceptionScopeDto } from "./findings-dto";

// Which exceptions cover which findings. Coverage is computed, never stored: an exception on a
// rule covers the rule's findings that appear after it was granted too.
//
// - `finding`:     that finding;
// - `rule_repo`:   the rule's findings in that repository;
// - `rule_secret`: the rule's findings whose job reads the secret (any job of the workflow when
//   the finding has none), or whose message names it — case-insensitively, as GitHub names secrets.
// An exception is in force at `at` when granted by then, not revoked by then, and expiring after.

export type ExceptionRow = typeof findingExceptions.$inferSelect;

const e = findingExceptions;
const f = findings;

// The exception covers the finding row of the same query (both tables in scope), one scope per
// branch of a union: each an equality the planner can hash on (one OR of the three is a nested
// loop of every open finding against every exception in force — seconds at 100,000 findings).
const coversByScope: Record<ExceptionScope, SQL> = {
  finding: sql`(${e.scope} = 'finding' and ${e.findingId} = ${f.id})`,
  rule_repo: sql`(${e.scope} = 'rule_repo' and ${e.rule} = ${f.rule} and ${e.repoId} = ${f.repoId})`,
  rule_secret: sql`(${e.scope} = 'rule_secret' and ${e.rule} = ${f.rule} and (
    ${f.message} ~* ('(^|[^A-Za-z0-9_])' || ${e.secretName} || '($|[^A-Za-z0-9_])')
    or exists (
      select 1 from ${workflows}
      join ${jobs} on ${jobs.workflowId} = ${workflows.id} and (${f.jobKey} is null or ${jobs.jobKey} = ${f.jobKey})
      join ${jobSecrets} on ${jobSecrets.jobId} = ${jobs.id} and upper(${jobSecrets.secretName}) = upper(${e.secretName})
      where ${workflows.orgId} = ${f.orgId} and ${workflows.repoId} = ${f.repoId} and ${workflows.path} = ${f.path}
    )
  ))`,
};
const covers: SQL = sql`(${sql.join(Object.values(coversByScope), sql` or `)})`;

export function inForce(at: Date): SQL {
  return and(lte(e.grantedAt, at), gt(e.expiresAt, at), or(isNull(e.revokedAt), gt(e.revokedAt, at)))!;
}

/** The org's exceptions in force at `at` (each one an admin's decision: a few hundred at most). */
async function exceptionsInForce(db: Db, orgId: string, at: Date): Promise<ExceptionRow[]> {
  return db.select().from(e).where(and(eq(e.orgId, orgId), inForce(at)));
}

/**
 * The exception in force at `at` covering each of the org's findings (`findingIds`, or every
 * open one): the one that lasts longest when several do. Findings not covered are absent.
 */
export async function coveringExceptions(db: Db, orgId: string, at: Date, findingIds: string[] | "open"): Promise<Map<string, ExceptionRow>> {
  if (findingIds !== "open" && findingIds.length === 0) return new Map();
  return coveredBy(db, orgId, await exceptionsInForce(db, orgId, at), findingIds);
}

/**
 * Which of the org's findings (`findingIds`, or every open one) each of these exceptions covers,
 * as one statement of (finding_id, exception_id) pairs: a branch per scope some exception has, so
 * null when there are none. The caller knows the exceptions are in force.
 */
export function coveragePairs(orgId: string, inForceRows: ExceptionRow[], findingIds: string[] | "open"): SQL | null {
  if (inForceRows.length === 0 || (findingIds !== "open" && findingIds.length === 0)) return null;
  const which = findingIds === "open" ? isNull(f.fixedAt) : sql`${f.id} = any(${sql.param(findingIds)}::uuid[])`;
  const branches = EXCEPTION_SCOPES.filter((scope) => inForceRows.some((x) => x.scope === scope)).map(
    (scope) => sql`select ${f.id} as finding_id, ${e.id} as exception_id from ${f}
      join ${e} on ${e.orgId} = ${orgId} and ${e.id} = any(${sql.param(inForceRows.filter((x) => x.scope === scope).map((x) => x.id))}::uuid[]) and ${coversByScope[scope]}
      where ${f.orgId} = ${orgId} and ${which}`,
  );
  return sql.join(branches, sql` union all `);
}

/** Of several exceptions covering a finding, the one shown: the one that lasts longest. */
export function longestLasting(held: ExceptionRow | undefined, other: ExceptionRow): ExceptionRow {
  return held && held.expiresAt.getTime() >= other.expiresAt.getTime() ? held : other;
}

/** As coveringExceptions, given the exceptions in force (exceptionsInForce). */
async function coveredBy(db: Db, orgId: string, inForceRows: ExceptionRow[], findingIds: string[] | "open"): Promise<Map<string, ExceptionRow>> {
  const out = new Map<string, ExceptionRow>();
  const pairs = coveragePairs(orgId, inForceRows, findingIds);
  if (!pairs) return out;
  const byId = new Map(inForceRows.map((x) => [x.id, x]));
  for (const p of rowsOf<{ finding_id: string; exception_id: string }>(await db.execute(pairs))) out.set(p.finding_id, longestLasting(out.get(p.finding_id), byId.get(p.exception_id)!));
  return out;
}

/** The open findings one exception covers (whatever its dates: the caller knows why it asks). */
export async function openFindingsCoveredBy(db: Db, orgId: string, exceptionId: string) {
  return db
    .select({ finding: f })
    .from(f)
    .innerJoin(e, and(eq(e.orgId, orgId), eq(e.id, exceptionId), covers))
    .where(and(eq(f.orgId, orgId), isNull(f.fixedAt)))
    .then((rows) => rows.map((r) => r.finding));
}

export function exceptionStatus(row: ExceptionRow, at: Date): ExceptionDto["status"] {
  if (row.revokedAt && row.revokedAt.getTime() <= at.getTime()) return "revoked";
  if (row.expiresAt.getTime() <= at.getTime()) return "expired";
  return "active";
}

export function exceptionScopeDto(row: ExceptionRow): ExceptionScopeDto {
  if (row.scope === "finding") return { findingId: row.findingId! };
  if (row.scope === "rule_repo") return { rule: row.rule, repo: row.repoFullName ?? "" };
  return { rule: row.rule, secret: row.secretName! };
}

export function exceptionLabel(row: ExceptionRow): string {
  if (row.scope === "finding") return `this finding (${row.rule}${row.repoFullName ? ` in ${row.repoFullName}` : ""})`;
  if (row.scope === "rule_repo") return `rule ${row.rule} in ${row.repoFullName}`;
  return `rule ${row.rule} for secret ${row.secretName} everywhere`;
}

export function exceptionDto(row: ExceptionRow, at = new Date()): ExceptionDto {
  return {
    id: row.id,
    kind: row.scope,
    scope: exceptionScopeDto(row),
    label: exceptionLabel(row),
    reason: row.reason,
    approvedBy: row.approvedBy,
    grantedAt: row.grantedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    status: exceptionStatus(row, at),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revokedBy: row.revokedBy,
  };
}

/** What a finding_event about the exception keeps of it. */
export function exceptionEventData(row: ExceptionRow): ExceptionEventData {
  return { id: row.id, scope: row.scope, reason: row.reason, approvedBy: row.approvedBy, expiresAt: row.expiresAt.toISOString() };
}

/** The org's exceptions, newest first, optionally by status at `at`. */
export async function listExceptions(db: Db, orgId: string, status: ExceptionDto["status"] | undefined, at = new Date()): Promise<ExceptionDto[]> {
  const byStatus: Record<ExceptionDto["status"], SQL> = {
    active: inForce(at),
    expired: and(lte(e.expiresAt, at), or(isNull(e.revokedAt), gt(e.revokedAt, at)))!,
    revoked: lte(e.revokedAt, at),
  };
  const rows = await db
    .select()
    .from(e)
    .where(status ? and(eq(e.orgId, orgId), byStatus[status]) : eq(e.orgId, orgId))
    .orderBy(desc(e.grantedAt));
  return rows.map((r) => exceptionDto(r, at));
}
