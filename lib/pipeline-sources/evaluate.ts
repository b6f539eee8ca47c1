import "server-only";
import type { Db } from "@/lib/db/types";
import type { PipelineSourceFinding } from "@/lib/db/schema/pipeline-sources";
import { loadPipelineInventory, setSourceFindings, sourcesWithSnapshots } from "./pipeline-join-repo";
import { recordSourceFindings } from "./finding-rows";
import { sourceFindings } from "./rules";

// Recomputes every read source's findings against the organisation's inventory. Called by
// afterSourcesChanged (sync-sources.ts) in the transaction that stored the reads or removed a
// source — after every sync of the org, so a change to the files they join is judged too, and on
// "Read now" — so a page sees the reads and their findings together. Each source's findings are
// written on it only if its snapshot is still the one evaluated (its read time unchanged); those
// naming a repository are also that repository's findings (finding-rows.ts), fixed when gone.

export async function evaluatePipelineSources(db: Db, orgId: string): Promise<{ findings: number; opened: number; fixed: number }> {
  const sources = await sourcesWithSnapshots(db, orgId);
  const inventory = sources.length > 0 ? await loadPipelineInventory(db, orgId) : null;
  let written = 0;
  const all: PipelineSourceFinding[] = [];
  for (const source of sources) {
    const findings = sourceFindings(source.snapshot, inventory!);
    all.push(...findings);
    if (await setSourceFindings(db, orgId, source.id, source.readStamp, findings)) written += findings.length;
  }
  const rows = await recordSourceFindings(db, orgId, all, new Date());
  return { findings: written, ...rows };
}
