import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { pipelineSources } from "@/lib/db/schema";
import type { PipelineSourceKind } from "@/lib/db/schema/pipeline-sources";

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
