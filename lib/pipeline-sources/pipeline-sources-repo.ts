import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { pipelineSources } from "@/lib/db/schema";
import type { PipelineSourceKind, PipelineSourceSnapshot } from "@/lib/db/schema/pipeline-sources";
import { pipelineSourceDto, type PipelineSourceDto } from "./pipeline-sources-dto";

// Queries of the pipeline-source domain; every one takes the org id and has it in its where.

export type PipelineSourceRow = typeof pipelineSources.$inferSelect;

export async function pipelineSourceOf(db: Db, orgId: string, sourceId: string): Promise<PipelineSourceRow | null> {
  const [row] = await db.select().from(pipelineSources).where(and(eq(pipelineSources.orgId, orgId), eq(pipelineSources.id, sourceId)));
  return row ?? null;
}

/** The organisation's sources, by name; of one kind when given. */
export async function pipelineSourcesOf(db: Db, orgId: string, kind?: PipelineSourceKind): Promise<PipelineSourceRow[]> {
  const where = kind ? and(eq(pipelineSources.orgId, orgId), eq(pipelineSources.kind, kind)) : eq(pipelineSources.orgId, orgId);
  return db.select().from(pipelineSources).where(where).orderBy(asc(pipelineSources.name));
}

/** A new source row (credentials already sealed, or from the environment). */
export async function insertPipelineSource(tx: Db, values: typeof pipelineSources.$inferInsert): Promise<PipelineSourceRow> {
  const [row] = await tx.insert(pipelineSources).values(values).returning();
  return row!;
}

export type SourceReadResult = { ok: true; snapshot: PipelineSourceSnapshot; warnings: string[] } | { ok: false; message: string };

/**
 * A read's outcome on the source, in one statement: a good read replaces the snapshot and its
 * warnings; a failed one records why and keeps the previous snapshot (and its findings).
 */
export async function applyPipelineRead(tx: Db, orgId: string, sourceId: string, result: SourceReadResult, now: Date): Promise<void> {
  const where = and(eq(pipelineSources.orgId, orgId), eq(pipelineSources.id, sourceId));
  if (!result.ok) {
    await tx.update(pipelineSources).set({ status: "failed", statusMessage: result.message, lastReadAt: now }).where(where);
    return;
  }
  await tx.update(pipelineSources).set({ status: "ok", statusMessage: null, warnings: result.warnings, snapshot: result.snapshot, lastReadAt: now, lastGoodReadAt: now }).where(where);
}

export async function listPipelineSources(db: Db, orgId: string): Promise<PipelineSourceDto[]> {
  return (await pipelineSourcesOf(db, orgId)).map(pipelineSourceDto);
}
