import "server-only";
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { findings, repositories } from "@/lib/db/schema";
import type { Finding } from "@/lib/analysis/types";
import type { PipelineSourceFinding } from "@/lib/db/schema/pipeline-sources";
import { recordSnapshotFindings } from "@/lib/findings/findings-store";
import { PIPELINE_SOURCE_FIXES, PIPELINE_SOURCE_RULE_IDS, PIPELINE_SOURCE_RULES } from "./rules";

// A source's findings that name a repository are findings of that repository too: `finding` rows
// with the lifecycle, triage, exceptions and weekly review of every other finding. They are
// recorded as a snapshot of the source rules only (findings-store `rules.only`), and the
// repository's own snapshots leave those rules alone (`rules.except`), so neither side fixes the
// other's findings. A finding on the pipeline rather than a file (stored steps, a cluster secret's
// policy) takes the pipeline as its path (`buildkite:SLUG`); one that names no repository (an
// agent token) stays on the source only.

/** Pure: the row a source finding becomes, or null when it names no repository. */
export function asRepositoryFinding(f: PipelineSourceFinding): Finding | null {
  if (f.repo === null) return null;
  const path = f.workflowPath ?? f.resource.replace(/^pipeline /, "buildkite:");
  const rule = f.rule as keyof typeof PIPELINE_SOURCE_RULES;
  return { rule: f.rule, severity: f.severity, root: "", path, line: 0, job: f.jobKey, message: f.message, fix: PIPELINE_SOURCE_FIXES[rule] ?? PIPELINE_SOURCE_RULES[rule] ?? "" };
}

/**
 * Records every source's findings as its repositories' findings, in the caller's transaction: the
 * repositories named now, and those with source findings still open (now fixed). Returns how many
 * were opened and fixed.
 */
export async function recordSourceFindings(db: Db, orgId: string, all: PipelineSourceFinding[], now: Date): Promise<{ opened: number; fixed: number }> {
  const byRepo = new Map<string, Finding[]>();
  for (const f of all) {
    const row = asRepositoryFinding(f);
    if (row === null) continue;
    const key = f.repo!.toLowerCase();
    byRepo.set(key, [...(byRepo.get(key) ?? []), row]);
  }
  const stillOpen = await db
    .selectDistinct({ repoId: findings.repoId })
    .from(findings)
    .where(and(eq(findings.orgId, orgId), inArray(findings.rule, [...PIPELINE_SOURCE_RULE_IDS]), isNull(findings.fixedAt)));
  // Most organisations have no source: nothing named now, nothing open, no repository read.
  if (byRepo.size === 0 && stillOpen.length === 0) return { opened: 0, fixed: 0 };
  const named = or(
    byRepo.size > 0 ? inArray(sql`lower(${repositories.fullName})`, [...byRepo.keys()]) : sql`false`,
    stillOpen.length > 0 ? inArray(repositories.id, stillOpen.map((r) => r.repoId)) : sql`false`,
  );
  const repos = await db
    .select({ id: repositories.id, githubId: repositories.githubId, fullName: repositories.fullName })
    .from(repositories)
    // A removed repository keeps what it had; its own snapshot is gone.
    .where(and(eq(repositories.orgId, orgId), isNull(repositories.removedAt), named));
  let opened = 0;
  let fixed = 0;
  for (const repo of repos) {
    const seen = byRepo.get(repo.fullName.toLowerCase()) ?? [];
    const changes = await recordSnapshotFindings(db, { orgId, repoId: repo.id, repoGithubId: repo.githubId, repoFullName: repo.fullName, findings: seen, now, runId: null, rules: { only: PIPELINE_SOURCE_RULE_IDS } });
    opened += changes.opened + changes.regressed;
    fixed += changes.fixed;
  }
  return { opened, fixed };
}
