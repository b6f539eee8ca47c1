import "server-only";
import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/types";
import { rowsOf } from "@/lib/db/migrate";
import { incidentItems, incidents, incidentScope, organizations, repositories, secrets } from "@/lib/db/schema";
import { executeSystemChange } from "@/lib/door/system";
import { auditEntry } from "@/lib/audit/define-event";
import { appendEvent } from "./timeline";
import { RotationVerified } from "./incident-audit";

const SYSTEM_NAME = "Gatehouse (sync)";

/**
 * After a sync wrote secrets: every rotate-secret item of an open incident whose secret GitHub
 * now says was updated after the incident started becomes `verified`, with the date as evidence
 * (GitHub's dates have whole seconds: an update within the second the incident started counts).
 * The secret is found by its natural key (scope, repository, environment, name), so a secret
 * deleted and re-created under the same name counts; one that is gone does not verify.
 * Gatehouse does this itself: audited and on the timeline as "Gatehouse (sync)".
 */
export async function verifyRotations(handle: DatabaseHandle, orgId: string, syncRunId: string): Promise<number> {
  const [org] = await handle.db.select({ slug: organizations.slug }).from(organizations).where(sql`${organizations.id} = ${orgId}`);
  if (!org) return 0;
  return executeSystemChange(handle, { kind: "system", process: "sync", orgId, orgSlug: org.slug }, {
    action: RotationVerified.action,
    async run({ tx, audit }) {
      const found = rowsOf<{ item_id: string; incident_id: string; number: number; label: string; updated_at: string }>(
        await tx.execute(sql`
          select it.id as item_id, i.id as incident_id, i.number, it.label, max(s.updated_at) as updated_at
          from ${incidentItems} it
          join ${incidents} i on i.id = it.incident_id and i.org_id = ${orgId} and i.status = 'open'
          join ${incidentScope} sc on sc.incident_id = i.id and sc.org_id = ${orgId} and sc.kind = 'secret' and 'secret:' || sc.key = it.scope_key
          join ${secrets} s on s.org_id = ${orgId} and upper(s.name) = upper(sc.data->>'name')
            and s.scope = (case sc.data->>'scope' when 'org' then 'org' when 'environment' then 'environment' else 'repo' end)
            and coalesce(s.environment, '') = coalesce(sc.data->>'environment', '')
          left join ${repositories} r on r.id = s.repo_id and r.org_id = ${orgId}
          where it.org_id = ${orgId} and it.kind = 'rotate-secret' and it.status not in ('verified', 'skipped')
            and (sc.data->>'scope' = 'org' or r.full_name = sc.data->>'repo')
            and s.updated_at >= date_trunc('second', i.started_at)
          group by it.id, i.id, i.number, it.label`),
      );
      const byIncident = new Map<string, { number: number; items: typeof found }>();
      for (const f of found) {
        const at = new Date(f.updated_at).toISOString();
        await tx.execute(sql`update ${incidentItems} set status = 'verified', status_reason = null, updated_at = now(), updated_by = ${SYSTEM_NAME},
          evidence = evidence || ${JSON.stringify([{ at: new Date().toISOString(), by: SYSTEM_NAME, text: `GitHub reports the secret updated at ${at} (after the incident started); seen by sync ${syncRunId}.` }])}::jsonb
          where org_id = ${orgId} and id = ${f.item_id}::uuid`);
        await appendEvent(tx, { orgId, incidentId: f.incident_id, actor: SYSTEM_NAME, type: "verified", message: `${f.label}: verified — updated on GitHub at ${at}.`, data: { itemId: f.item_id, syncRunId } });
        const entry = byIncident.get(f.incident_id) ?? { number: f.number, items: [] };
        entry.items.push(f);
        byIncident.set(f.incident_id, entry);
      }
      for (const [incidentId, e] of byIncident) {
        await audit(auditEntry(RotationVerified, { id: incidentId, label: `INC-${e.number}` }, { itemIds: e.items.map((i) => i.item_id), syncRunId }));
      }
      return found.length;
    },
  }, undefined);
}
