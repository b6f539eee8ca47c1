import "server-only";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { findingExceptions, findings, jobSecrets, repositories, secrets } from "@/lib/db/schema";
import type { ExceptionScope, FindingEventType } from "@/lib/db/schema/findings";
import { RULES } from "@/lib/analysis";
import { PIPELINE_SOURCE_RULE_IDS } from "@/lib/pipeline-sources/rules";
import { auditEntry } from "@/lib/audit/define-event";
import type { UseCase } from "@/lib/door/use-case";
import { AppError, conflict, notFound } from "@/lib/http/errors";
import { ExceptionGranted, ExceptionRevoked } from "./findings-audit";
import { GrantExceptionSchema, RevokeExceptionSchema } from "./findings-schema";
import { exceptionDto, exceptionEventData, exceptionLabel, inForce, openFindingsCoveredBy, type ExceptionRow } from "./exceptions-repo";
import { findingEventData, findingRow, findingRows } from "./findings-repo";
import { appendFindingEvents } from "./history";
import type { ExceptionDto } from "./findings-dto";

// The analyser's rules and the pipeline sources' (lib/pipeline-sources/rules.ts): both are finding rows.
const RULE_IDS = new Set([...RULES.map((r) => r.id), ...PIPELINE_SOURCE_RULE_IDS]);
const invalid = (field: string, message: string, short: string) => new AppError("invalid_input", `Check ${field}: ${message}`, { [field]: short });

type Resolved = Pick<ExceptionRow, "scope" | "findingId" | "rule" | "repoId" | "repoFullName" | "secretName">;

/** The scope as stored, or a 400 naming what does not exist in this organisation. */
async function resolveScope(tx: Db, orgId: string, scope: { findingId?: string; rule?: string; repo?: string; secret?: string }): Promise<Resolved> {
  if (scope.findingId) {
    const finding = await findingRow(tx, orgId, scope.findingId);
    // Another org's finding is the same answer as one that never existed.
    if (!finding) throw invalid("scope.findingId", "there is no such finding in this organisation.", "is not a finding of this organisation");
    if (finding.fixedAt) throw conflict(`This finding was fixed at ${finding.fixedAt.toISOString()}: there is nothing to accept.`);
    return { scope: "finding", findingId: finding.id, rule: finding.rule, repoId: finding.repoId, repoFullName: finding.repo, secretName: null };
  }
  const rule = scope.rule!;
  if (!RULE_IDS.has(rule)) throw invalid("scope.rule", `${rule} is not a Gatehouse rule id (e.g. ${[...RULE_IDS].slice(0, 3).join(", ")}).`, "is not a rule id");
  if (scope.repo) {
    const wanted = scope.repo.toLowerCase();
    const [repo] = await tx
      .select({ id: repositories.id, fullName: repositories.fullName })
      .from(repositories)
      .where(and(eq(repositories.orgId, orgId), isNull(repositories.removedAt), sql`(lower(${repositories.fullName}) = ${wanted} or lower(${repositories.name}) = ${wanted})`))
      .limit(1);
    if (!repo) throw invalid("scope.repo", `no repository ${scope.repo} is in this organisation's inventory.`, "is not a repository of this organisation");
    return { scope: "rule_repo", findingId: null, rule, repoId: repo.id, repoFullName: repo.fullName, secretName: null };
  }
  const name = scope.secret!;
  const upper = name.toUpperCase();
  const [defined] = await tx.select({ id: secrets.id }).from(secrets).where(and(eq(secrets.orgId, orgId), sql`upper(${secrets.name}) = ${upper}`)).limit(1);
  const [read] = defined ? [defined] : await tx.select({ id: jobSecrets.id }).from(jobSecrets).where(and(eq(jobSecrets.orgId, orgId), sql`upper(${jobSecrets.secretName}) = ${upper}`)).limit(1);
  if (!read) throw invalid("scope.secret", `no secret ${name} is defined or read anywhere in this organisation's inventory.`, "is not a secret of this organisation");
  return { scope: "rule_secret", findingId: null, rule, repoId: null, repoFullName: null, secretName: name };
}

/** An exception in force with the same scope: granting another would hide which one decides. */
async function sameScopeInForce(tx: Db, orgId: string, s: Resolved, at: Date): Promise<ExceptionRow | undefined> {
  const e = findingExceptions;
  const same = {
    finding: () => eq(e.findingId, s.findingId!),
    rule_repo: () => and(eq(e.rule, s.rule), eq(e.repoId, s.repoId!)),
    rule_secret: () => and(eq(e.rule, s.rule), sql`upper(${e.secretName}) = ${s.secretName!.toUpperCase()}`),
  } satisfies Record<ExceptionScope, unknown>;
  const [row] = await tx.select().from(e).where(and(eq(e.orgId, orgId), eq(e.scope, s.scope), same[s.scope](), inForce(at))).limit(1);
  return row;
}

/** Appends one event of `type` about `exception` to each open finding it covers; returns how many. */
async function recordOnCovered(tx: Db, orgId: string, exception: ExceptionRow, type: FindingEventType, actor: string, at: Date): Promise<number> {
  const covered = await openFindingsCoveredBy(tx, orgId, exception.id);
  if (covered.length === 0) return 0;
  const rows = await findingRows(tx, orgId, inArray(findings.id, covered.map((c) => c.id)));
  await appendFindingEvents(
    tx,
    rows.map((r) => ({ orgId, findingId: r.id, fingerprint: r.fingerprint, type, at, actor, data: { ...findingEventData(r), exception: exceptionEventData(exception) } })),
  );
  return rows.length;
}

const auditFacts = (row: ExceptionRow, covered: number) => ({
  kind: row.scope,
  rule: row.rule,
  repo: row.repoFullName,
  secret: row.secretName,
  findingId: row.findingId,
  expiresAt: row.expiresAt.toISOString(),
  covered,
});

/**
 * Accept findings until a date (admins): one finding, a rule in one repository, or a rule for
 * one secret everywhere; a reason of at least 10 characters; an expiry within a year. Each open
 * finding it covers gets an `excepted` event; findings it covers later are accepted as they appear.
 */
export const grantException: UseCase<typeof GrantExceptionSchema, ExceptionDto & { covered: number }> = {
  action: ExceptionGranted.action,
  permission: "exception.grant",
  input: GrantExceptionSchema,
  async run({ tx, actor, input, audit }) {
    const now = new Date();
    const resolved = await resolveScope(tx, actor.orgId, input.scope);
    const existing = await sameScopeInForce(tx, actor.orgId, resolved, now);
    if (existing) throw conflict(`${exceptionLabel(existing)} is already accepted until ${existing.expiresAt.toISOString().slice(0, 10)} (granted by ${existing.approvedBy}). Revoke that exception first to change it.`);
    const [row] = await tx
      .insert(findingExceptions)
      .values({ orgId: actor.orgId, ...resolved, reason: input.reason, approvedBy: actor.user.email, grantedAt: now, expiresAt: input.expiresAt })
      .returning();
    const covered = await recordOnCovered(tx, actor.orgId, row!, "excepted", actor.user.email, now);
    await audit(auditEntry(ExceptionGranted, { id: row!.id, label: exceptionLabel(row!) }, auditFacts(row!, covered)));
    return { ...exceptionDto(row!, now), covered };
  },
};

/** Withdraw an exception in force (admins): the findings it covered are no longer accepted. */
export const revokeException: UseCase<typeof RevokeExceptionSchema, ExceptionDto & { covered: number }> = {
  action: ExceptionRevoked.action,
  permission: "exception.grant",
  input: RevokeExceptionSchema,
  async run({ tx, actor, input, audit }) {
    const now = new Date();
    const [row] = await tx.select().from(findingExceptions).where(and(eq(findingExceptions.orgId, actor.orgId), eq(findingExceptions.id, input.exceptionId))).limit(1);
    if (!row) throw notFound("Exception");
    if (row.revokedAt) throw conflict(`This exception was already revoked by ${row.revokedBy} at ${row.revokedAt.toISOString()}.`);
    if (row.expiresAt.getTime() <= now.getTime()) throw conflict(`This exception expired at ${row.expiresAt.toISOString()}: there is nothing to revoke.`);
    const covered = await recordOnCovered(tx, actor.orgId, row, "exception_revoked", actor.user.email, now);
    const [updated] = await tx
      .update(findingExceptions)
      .set({ revokedAt: now, revokedBy: actor.user.email, revokeReason: input.reason ?? null })
      .where(and(eq(findingExceptions.orgId, actor.orgId), eq(findingExceptions.id, row.id), isNull(findingExceptions.revokedAt)))
      .returning();
    await audit(auditEntry(ExceptionRevoked, { id: row.id, label: exceptionLabel(row) }, { ...auditFacts(row, covered), reason: input.reason ?? null }));
    return { ...exceptionDto(updated!, now), covered };
  },
};
