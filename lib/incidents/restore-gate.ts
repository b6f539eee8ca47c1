import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { rowsOf } from "@/lib/db/migrate";
import { incidentScope, jobActions, jobs, repositories, workflows } from "@/lib/db/schema";
import type { incidentItems, incidents } from "@/lib/db/schema";
import { splitUses } from "@/lib/inventory/workflow-summary";

const FULL_SHA = /^[0-9a-f]{40}$/i;

/**
 * Step 7's fixed boundary: may this workflow be re-enabled? Only when a sync after the
 * incident started shows the cause gone from it:
 * - an action incident: no job of the workflow uses the action any more, or every use is
 *   pinned to a full commit SHA other than a compromised ref named in the target;
 * - any other kind: the workflow's content changed since the scope was frozen.
 * `unmet` says, in words, which condition is not met yet.
 */
export async function restoreGate(
  db: Db,
  orgId: string,
  incident: typeof incidents.$inferSelect,
  item: typeof incidentItems.$inferSelect,
): Promise<{ allowed: true } | { allowed: false; unmet: string }> {
  const workflowId = item.scopeKey?.replace(/^workflow:/, "") ?? "";
  const [frozen] = await db
    .select({ data: incidentScope.data, label: incidentScope.label })
    .from(incidentScope)
    .where(and(eq(incidentScope.orgId, orgId), eq(incidentScope.incidentId, incident.id), eq(incidentScope.kind, "workflow"), eq(incidentScope.key, workflowId)))
    .limit(1);
  if (!frozen) return { allowed: false, unmet: "This item names no workflow in the incident's scope." };
  const [now] = await db
    .select({ contentHash: workflows.contentHash, syncedAt: repositories.syncedAt })
    .from(workflows)
    .innerJoin(repositories, and(eq(repositories.id, workflows.repoId), eq(repositories.orgId, orgId)))
    .where(and(eq(workflows.orgId, orgId), eq(workflows.id, workflowId)))
    .limit(1);
  if (!now) return { allowed: true };
  if (!now.syncedAt || now.syncedAt.getTime() < incident.startedAt.getTime()) {
    return { allowed: false, unmet: `No sync of ${String(frozen.data.repo)} since the incident started: fix the workflow, press Sync now, then try again.` };
  }
  if (incident.kind === "action") {
    const { action, ref: badRef } = splitUses(incident.target);
    const uses = rowsOf<{ ref: string | null }>(
      await db.execute(sql`select ja.ref from ${jobActions} ja join ${jobs} j on j.id = ja.job_id and j.org_id = ${orgId}
        where ja.org_id = ${orgId} and j.workflow_id = ${workflowId}::uuid and ja.action = ${action}`),
    );
    const unsafe = uses.filter((u) => !u.ref || !FULL_SHA.test(u.ref) || (badRef !== null && u.ref.toLowerCase() === badRef.toLowerCase()));
    if (unsafe.length === 0) return { allowed: true };
    return { allowed: false, unmet: `${frozen.label} still uses ${action} at ${[...new Set(unsafe.map((u) => u.ref ?? "no ref"))].join(", ")}: pin it to a known-good commit SHA or remove it, then sync.` };
  }
  if (now.contentHash && now.contentHash !== frozen.data.contentHash) return { allowed: true };
  return { allowed: false, unmet: `${frozen.label} has not changed since the incident started: fix what made it dangerous, then sync.` };
}
