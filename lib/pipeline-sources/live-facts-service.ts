import "server-only";
import { requirePermission, type Actor } from "@/lib/authz/actor";
import type { Db } from "@/lib/db/types";
import { liveFactsOf } from "./live-facts";
import type { WorkflowLiveFactsDto } from "./live-facts-dto";
import { loadPipelineInventory, sourcesWithSnapshots, trustsForFacts, workflowForFacts } from "./pipeline-join-repo";

/**
 * What the organisation's pipeline sources say about one Buildkite or Tekton file; null for a
 * GitHub workflow, another organisation's workflow, or when no source of its system has been read.
 */
export async function getWorkflowLiveFacts(db: Db, actor: Actor, workflowId: string): Promise<WorkflowLiveFactsDto | null> {
  requirePermission(actor, "inventory.read");
  const workflow = await workflowForFacts(db, actor.orgId, workflowId);
  if (!workflow || (workflow.system !== "buildkite" && workflow.system !== "tekton")) return null;
  const kind = workflow.system === "buildkite" ? "buildkite" : "kubernetes";
  const sources = (await sourcesWithSnapshots(db, actor.orgId)).filter((s) => s.snapshot.kind === kind);
  if (sources.length === 0) return null;
  const inventory = await loadPipelineInventory(db, actor.orgId, workflow.repo);
  const trusts = kind === "kubernetes" ? await trustsForFacts(db, actor.orgId) : [];
  return liveFactsOf(workflow, sources, inventory, trusts);
}
