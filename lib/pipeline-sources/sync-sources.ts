import "server-only";
import { eq } from "drizzle-orm";
import type { DatabaseHandle, Db } from "@/lib/db/types";
import { getEnv } from "@/lib/env";
import { organizations } from "@/lib/db/schema";
import { executeSystemChange } from "@/lib/door/system";
import { auditEntry } from "@/lib/audit/define-event";
import { applyPipelineRead, pipelineSourcesOf, type PipelineSourceRow, type SourceReadResult } from "./pipeline-sources-repo";
import { readPipelineSource } from "./read-source";
import { evaluatePipelineSources } from "./evaluate";
import { snapshotSummary } from "./pipeline-sources-dto";
import { PipelineSourceSynced } from "./pipeline-sources-audit";

// After every sync of an organisation (lib/connections/sync-runner.ts, when the run has ended) and
// on "Read now": every source is read (network first, no transaction held), then the reads are
// stored as Gatehouse (sync) in one transaction with an audit row per source, and the sources
// evaluated against the new inventory in that same transaction.

/**
 * What follows stored reads or a removed source, in the transaction that made the change (so a
 * page sees the sources and what they mean together). The one place the evaluation is called from.
 */
export async function afterSourcesChanged(db: Db, orgId: string): Promise<void> {
  await evaluatePipelineSources(db, orgId);
}

/** A read's figures for its audit row (what the settings page summarises). */
export function readFigures(result: SourceReadResult): Record<string, number> {
  if (!result.ok) return {};
  const summary = snapshotSummary(result.snapshot)!;
  return Object.fromEntries(Object.entries(summary).filter((e): e is [string, number] => typeof e[1] === "number"));
}

/** Reads the org's sources and stores the reads; returns how many read ok and how many failed (null: no such org). */
export async function syncOrgPipelineSources(handle: DatabaseHandle, orgId: string): Promise<{ ok: number; failed: number } | null> {
  const [org] = await handle.db.select({ slug: organizations.slug }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) return null;
  const sources = await pipelineSourcesOf(handle.db, orgId);
  if (sources.length === 0) return { ok: 0, failed: 0 };
  const env = getEnv();
  const reads: { source: PipelineSourceRow; result: SourceReadResult }[] = [];
  for (const source of sources) reads.push({ source, result: await readPipelineSource(source, env) });
  return executeSystemChange(handle, { kind: "system", process: "sync", orgId, orgSlug: org.slug }, {
    action: PipelineSourceSynced.action,
    async run({ tx, audit }) {
      const now = new Date();
      for (const { source, result } of reads) {
        // A source removed while it was being read stays removed (the update matches no row).
        await applyPipelineRead(tx, orgId, source.id, result, now);
        await audit(
          auditEntry(PipelineSourceSynced, { id: source.id, label: source.name }, {
            kind: source.kind,
            name: source.name,
            status: result.ok ? "ok" : "failed",
            figures: readFigures(result),
            message: result.ok ? null : result.message.slice(0, 500),
          }),
        );
      }
      await afterSourcesChanged(tx, orgId);
      return { ok: reads.filter((r) => r.result.ok).length, failed: reads.filter((r) => !r.result.ok).length };
    },
  }, undefined);
}
