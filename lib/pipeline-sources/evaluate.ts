import "server-only";
import type { Db } from "@/lib/db/types";
import { loadPipelineInventory, setSourceFindings, sourcesWithSnapshots } from "./pipeline-join-repo";
import { sourceFindings } from "./rules";

// Recomputes every read source's findings against the organisation's inventory. Called by
// afterSourcesRead (sync-sources.ts) in the transaction that stored the reads — after every sync
// of the org, so a change to the files they join is judged too, and on "Read now" — so a page
// sees the reads and their findings together. Each source's findings are written only if its
// snapshot is still the one evaluated (its read time unchanged).

export async function evaluatePipelineSources(db: Db, orgId: string): Promise<{ findings: number }> {
  const sources = await sourcesWithSnapshots(db, orgId);
  if (sources.length === 0) return { findings: 0 };
  const inventory = await loadPipelineInventory(db, orgId);
  let written = 0;
  for (const source of sources) {
    const findings = sourceFindings(source.snapshot, inventory);
    if (await setSourceFindings(db, orgId, source.id, source.readStamp, findings)) written += findings.length;
  }
  return { findings: written };
}
