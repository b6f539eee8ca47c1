import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/types";
import { incidents, incidentScope, organizations } from "@/lib/db/schema";
import { executeSystemChange } from "@/lib/door/system";
import { auditEntry } from "@/lib/audit/define-event";
import { appendEvent } from "./timeline";
import { DriftRecorded } from "./incident-audit";
import { DRIFT_EVENT, reportedDrift, scopeDrift } from "./drift";

const SYSTEM_NAME = "Gatehouse (sync)";
/** Labels named in one timeline message; the event's data keeps every id. */
const NAMED = 20;

/**
 * After a sync wrote workflows: for each open incident of the org, the target's new reach
 * (workflows outside the frozen scope) that its timeline does not report yet is appended as one
 * `drift` event, audited, as "Gatehouse (sync)". The timeline is the memory: a workflow is
 * reported once, however many syncs see it. Concurrent batches of one run are serialised per
 * organisation, so two cannot report the same workflow. Nothing is added to the scope.
 */
export async function recordDrift(handle: DatabaseHandle, orgId: string, syncRunId: string): Promise<number> {
  const [org] = await handle.db.select({ slug: organizations.slug }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) return 0;
  return executeSystemChange(handle, { kind: "system", process: "sync", orgId, orgSlug: org.slug }, {
    action: DriftRecorded.action,
    async run({ tx, audit }) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`incident-drift:${orgId}`}))`);
      const open = await tx.select().from(incidents).where(and(eq(incidents.orgId, orgId), eq(incidents.status, "open")));
      let recorded = 0;
      for (const incident of open) {
        const frozen = await tx
          .select({ key: incidentScope.key })
          .from(incidentScope)
          .where(and(eq(incidentScope.orgId, orgId), eq(incidentScope.incidentId, incident.id), eq(incidentScope.kind, "workflow")));
        const drift = await scopeDrift(tx, orgId, incident, new Set(frozen.map((f) => f.key)));
        if (drift.length === 0) continue;
        const reported = await reportedDrift(tx, orgId, incident.id);
        const fresh = drift.filter((w) => !reported.has(w.workflowId));
        if (fresh.length === 0) continue;
        const named = fresh.slice(0, NAMED).map((w) => w.label).join(", ") + (fresh.length > NAMED ? `, and ${fresh.length - NAMED} more` : "");
        const workflowIds = fresh.map((w) => w.workflowId);
        await appendEvent(tx, {
          orgId,
          incidentId: incident.id,
          actor: SYSTEM_NAME,
          type: DRIFT_EVENT,
          message: `Scope drift: ${fresh.length} new workflow${fresh.length === 1 ? "" : "s"} (${named}) reach${fresh.length === 1 ? "es" : ""} the target outside the frozen scope; in scope only once added.`,
          data: { workflowIds, syncRunId },
        });
        await audit(auditEntry(DriftRecorded, { id: incident.id, label: `INC-${incident.number}` }, { workflowIds, syncRunId }));
        recorded += fresh.length;
      }
      return recorded;
    },
  }, undefined);
}
