import "server-only";
import { and, eq, inArray, isNull, notInArray, or, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { findingEvents, findingFileCounts, findings, workflows, type FindingEventData, type FindingEventType } from "@/lib/db/schema";
import type { Finding } from "@/lib/analysis/types";
import { findingFingerprint } from "@/lib/inventory/resolve";
import { findingTransitions } from "./lifecycle";
import { pairMovedFindings, type WorkflowMoves } from "./finding-moves";

export interface FindingChanges {
  total: number;
  opened: number;
  fixed: number;
  regressed: number;
}

export interface SnapshotFindings {
  orgId: string;
  repoId: string;
  repoGithubId: number;
  repoFullName: string;
  findings: Finding[];
  now: Date;
  /** The sync run that took the snapshot; null outside a run (tests, a one-off re-analysis). */
  runId: string | null;
  /** The workflow files this snapshot renamed, removed and added (absent: none). */
  moves?: WorkflowMoves;
  /**
   * Which of the repository's findings this snapshot speaks for (absent: all). The repository's
   * files speak for every rule but those of its pipeline sources (`except`); a pipeline source's
   * evaluation speaks for those rules only (`only`, lib/pipeline-sources/finding-rows.ts). A
   * finding outside the scope is neither seen nor fixed by the snapshot.
   */
  rules?: { only: readonly string[] } | { except: readonly string[] };
}

function ruleScope(rules: SnapshotFindings["rules"]) {
  if (rules === undefined) return undefined;
  if ("only" in rules) return rules.only.length > 0 ? inArray(findings.rule, [...rules.only]) : sql`false`;
  return rules.except.length > 0 ? notInArray(findings.rule, [...rules.except]) : undefined;
}

/** The system actor of every event a sync records (as lib/audit names it). */
const SYNC_ACTOR = "Gatehouse (sync)";
const CHUNK = 500;

/**
 * Records one repository's findings as its new snapshot saw them, inside the snapshot's
 * transaction: known fingerprints move lastSeenAt on (a fixed one is back: fixedAt cleared,
 * regressedAt stamped); findings of the repository not seen are marked fixed; and each of those
 * transitions (lifecycle.ts) is appended to finding_event with the run that saw it.
 */
export async function recordSnapshotFindings(tx: Db, s: SnapshotFindings): Promise<FindingChanges> {
  const seen = new Map<string, Finding>();
  for (const f of s.findings) seen.set(findingFingerprint(s.repoGithubId, f), f);
  const fingerprints = [...seen.keys()];
  // The repository's findings, and any stored row of a fingerprint seen now (one moved here).
  const stored = await tx
    .select({ id: findings.id, repoId: findings.repoId, fingerprint: findings.fingerprint, fixedAt: findings.fixedAt, rule: findings.rule, severity: findings.severity, path: findings.path, line: findings.line, jobKey: findings.jobKey, message: findings.message })
    .from(findings)
    .where(and(eq(findings.orgId, s.orgId), fingerprints.length > 0 ? or(eq(findings.repoId, s.repoId), inArray(findings.fingerprint, fingerprints)) : eq(findings.repoId, s.repoId), ruleScope(s.rules)));
  const t = findingTransitions(
    stored.map((r) => ({ id: r.id, fingerprint: r.fingerprint, fixed: r.fixedAt !== null })),
    new Set(fingerprints),
  );
  await carryMovedFindings(tx, s, stored, seen, t);

  // Each finding's workflow and its derived owner, as this snapshot wrote them (the invariant on
  // finding): written with the row, so that deriveFromFindings below rewrites none of these.
  const workflowAt = new Map(
    (await tx.select({ id: workflows.id, path: workflows.path, owner: workflows.owner }).from(workflows).where(and(eq(workflows.orgId, s.orgId), eq(workflows.repoId, s.repoId)))).map((w) => [w.path, w]),
  );
  const rows = [...seen.entries()].map(([fingerprint, f]) => ({
    orgId: s.orgId,
    repoId: s.repoId,
    fingerprint,
    rule: f.rule,
    severity: f.severity,
    path: f.path,
    line: f.line,
    jobKey: f.job,
    message: f.message,
    fix: f.fix,
    firstSeenAt: s.now,
    lastSeenAt: s.now,
    workflowId: workflowAt.get(f.path)?.id ?? null,
    workflowOwner: workflowAt.get(f.path)?.owner ?? null,
  }));
  const ids = new Map<string, string>();
  for (let i = 0; i < rows.length; i += CHUNK) {
    const written = await tx
      .insert(findings)
      .values(rows.slice(i, i + CHUNK))
      .onConflictDoUpdate({
        target: [findings.orgId, findings.fingerprint],
        set: {
          repoId: sql`excluded.repo_id`,
          severity: sql`excluded.severity`,
          line: sql`excluded.line`,
          message: sql`excluded.message`,
          fix: sql`excluded.fix`,
          lastSeenAt: sql`excluded.last_seen_at`,
          workflowId: sql`excluded.workflow_id`,
          workflowOwner: sql`excluded.workflow_owner`,
          regressedAt: sql`case when ${findings.fixedAt} is not null then excluded.last_seen_at else ${findings.regressedAt} end`,
          fixedAt: sql`null`,
        },
      })
      .returning({ id: findings.id, fingerprint: findings.fingerprint });
    for (const w of written) ids.set(w.fingerprint, w.id);
  }
  if (t.fixed.length > 0) {
    await tx
      .update(findings)
      .set({ fixedAt: s.now })
      .where(and(eq(findings.orgId, s.orgId), isNull(findings.fixedAt), inArray(findings.id, t.fixed.map((f) => f.id))));
  }

  const event = (type: FindingEventType, findingId: string, fingerprint: string, data: FindingEventData) => ({
    orgId: s.orgId,
    findingId,
    fingerprint,
    type,
    at: s.now,
    syncRunId: s.runId,
    actor: SYNC_ACTOR,
    data,
  });
  const seenData = (fingerprint: string): FindingEventData => {
    const f = seen.get(fingerprint)!;
    return { rule: f.rule, severity: f.severity, repo: s.repoFullName, path: f.path, line: f.line, job: f.job, message: f.message };
  };
  const storedById = new Map(stored.map((r) => [r.id, r]));
  const events = [
    ...t.opened.map((fp) => event("opened", ids.get(fp)!, fp, seenData(fp))),
    ...t.regressed.map((fp) => event("regressed", ids.get(fp)!, fp, seenData(fp))),
    ...t.fixed.map((f) => {
      const r = storedById.get(f.id)!;
      return event("fixed", f.id, f.fingerprint, { rule: r.rule, severity: r.severity, repo: s.repoFullName, path: r.path, line: r.line, job: r.jobKey, message: r.message });
    }),
  ];
  for (let i = 0; i < events.length; i += CHUNK) await tx.insert(findingEvents).values(events.slice(i, i + CHUNK));
  await deriveFromFindings(tx, s.orgId, [...new Set([s.repoId, ...stored.map((r) => r.repoId)])]);
  return { total: rows.length, opened: t.opened.length, fixed: t.fixed.length, regressed: t.regressed.length };
}

/**
 * Findings that moved with a renamed workflow file (finding-moves.ts) keep their row: it takes
 * the new fingerprint and path before the upsert below finds it by that fingerprint, and the pair
 * leaves `t` (neither fixed nor opened: no event).
 */
async function carryMovedFindings(
  tx: Db,
  s: SnapshotFindings,
  stored: { id: string; fingerprint: string; fixedAt: Date | null; rule: string; path: string; jobKey: string | null; message: string }[],
  seen: ReadonlyMap<string, Finding>,
  t: ReturnType<typeof findingTransitions>,
): Promise<void> {
  if (!s.moves || t.opened.length === 0 || t.fixed.length === 0) return;
  const fixedIds = new Set(t.fixed.map((f) => f.id));
  const gone = stored.filter((r) => fixedIds.has(r.id)).map((r) => ({ id: r.id, path: r.path, rule: r.rule, job: r.jobKey, message: r.message }));
  const appeared = t.opened.map((fingerprint) => ({ fingerprint, ...seen.get(fingerprint)! }));
  const moved = pairMovedFindings(gone, appeared, s.moves);
  if (moved.size === 0) return;
  for (const [fingerprint, id] of moved) {
    await tx.update(findings).set({ fingerprint, path: seen.get(fingerprint)!.path }).where(and(eq(findings.orgId, s.orgId), eq(findings.id, id)));
  }
  const movedIds = new Set(moved.values());
  t.opened = t.opened.filter((fp) => !moved.has(fp));
  t.fixed = t.fixed.filter((f) => !movedIds.has(f.id));
}

/**
 * What is derived from these repositories' findings, re-derived from their rows (the invariants
 * on finding and finding_file_count, lib/db/schema/findings.ts): each finding's workflow and its
 * derived owner, and the open-finding counts per file. Called last in the snapshot's transaction,
 * after its workflows, owners and findings are written: from scratch, not a delta, so it holds
 * whatever the writes before it did, and it touches only these repositories' rows (two snapshots
 * of different repositories never write the same row).
 */
export async function deriveFromFindings(tx: Db, orgId: string, repoIds: string[]): Promise<void> {
  if (repoIds.length === 0) return;
  // Only the rows whose workflow or owner changed are written: the snapshot's own findings were
  // written with theirs, so these are the ones it did not see (fixed, or moved elsewhere).
  await tx.execute(sql`update finding f set workflow_id = x.workflow_id, workflow_owner = x.workflow_owner
    from (
      select f2.id, w.id as workflow_id, w.owner as workflow_owner
      from finding f2 left join workflow w on w.repo_id = f2.repo_id and w.path = f2.path
      where f2.org_id = ${orgId} and f2.repo_id in ${repoIds}
    ) x
    where f.id = x.id and (f.workflow_id is distinct from x.workflow_id or f.workflow_owner is distinct from x.workflow_owner)`);
  await tx.delete(findingFileCounts).where(and(eq(findingFileCounts.orgId, orgId), inArray(findingFileCounts.repoId, repoIds)));
  await tx.execute(sql`insert into finding_file_count (org_id, repo_id, path, severity, open, workflow_owner, repo_owner)
    select f.org_id, f.repo_id, f.path, f.severity, count(*)::int, f.workflow_owner, r.owner
    from finding f
    join repository r on r.id = f.repo_id
    where f.org_id = ${orgId} and f.repo_id in ${repoIds} and f.fixed_at is null
    group by f.org_id, f.repo_id, f.path, f.severity, f.workflow_owner, r.owner`);
}
