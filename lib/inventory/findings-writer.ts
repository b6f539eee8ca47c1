import "server-only";
import { and, eq, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { findings } from "@/lib/db/schema";
import type { Finding } from "@/lib/analysis/types";
import { findingFingerprint } from "./resolve";

export interface FindingChanges {
  total: number;
  fixed: number;
}

/**
 * Records this snapshot's findings of one repository. Known fingerprints move lastSeenAt
 * on (and clear fixedAt, stamping regressedAt, when a fixed finding is back); findings of
 * this repository not seen in this snapshot are marked fixed.
 */
export async function writeFindings(
  tx: Db,
  orgId: string,
  repoId: string,
  repoGithubId: number,
  list: Finding[],
  now: Date,
): Promise<FindingChanges> {
  const seen = new Map<string, Finding>();
  for (const f of list) seen.set(findingFingerprint(repoGithubId, f), f);
  const rows = [...seen.entries()].map(([fingerprint, f]) => ({
    orgId,
    repoId,
    fingerprint,
    rule: f.rule,
    severity: f.severity,
    path: f.path,
    line: f.line,
    jobKey: f.job,
    message: f.message,
    fix: f.fix,
    firstSeenAt: now,
    lastSeenAt: now,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await tx
      .insert(findings)
      .values(rows.slice(i, i + 500))
      .onConflictDoUpdate({
        target: [findings.orgId, findings.fingerprint],
        set: {
          repoId: sql`excluded.repo_id`,
          severity: sql`excluded.severity`,
          line: sql`excluded.line`,
          message: sql`excluded.message`,
          fix: sql`excluded.fix`,
          lastSeenAt: sql`excluded.last_seen_at`,
          regressedAt: sql`case when ${findings.fixedAt} is not null then excluded.last_seen_at else ${findings.regressedAt} end`,
          fixedAt: sql`null`,
        },
      });
  }
  const fixed = await tx
    .update(findings)
    .set({ fixedAt: now })
    .where(and(eq(findings.orgId, orgId), eq(findings.repoId, repoId), isNull(findings.fixedAt), lt(findings.lastSeenAt, now)))
    .returning({ id: findings.id });
  return { total: rows.length, fixed: fixed.length };
}
