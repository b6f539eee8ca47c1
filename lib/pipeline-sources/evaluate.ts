import "server-only";
import type { DatabaseHandle } from "@/lib/db/types";
import { loadPipelineInventory, setSourceFindings, sourcesWithSnapshots } from "./pipeline-join-repo";
import { sourceFindings } from "./rules";

// Recomputes every read source's findings against the organisation's inventory: after a
// source's read and after a sync changes the files they join. Reads first; the findings of all
// sources are written in one transaction, each only if its snapshot is still the one evaluated.

export async function evaluatePipelineSources(handle: DatabaseHandle, orgId: string): Promise<{ findings: number }> {
  const sources = await sourcesWithSnapshots(handle.db, orgId);
  if (sources.length === 0) return { findings: 0 };
  const inventory = await loadPipelineInventory(handle.db, orgId);
  const computed = sources.map((s) => ({ source: s, findings: sourceFindings(s.snapshot, inventory) }));
  let written = 0;
  await handle.db.transaction(async (tx) => {
    for (const { source, findings } of computed) if (await setSourceFindings(tx, orgId, source.id, source.readStamp, findings)) written += findings.length;
  });
  return { findings: written };
}
