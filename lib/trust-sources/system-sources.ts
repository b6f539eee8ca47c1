import "server-only";
import { and, eq } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/types";
import type { TrustConnectionSettings, TrustProvider } from "@/lib/db/schema/trust";
import { trustSources } from "@/lib/db/schema";
import { executeSystemChange, type SystemActor } from "@/lib/door/system";
import { auditEntry } from "@/lib/audit/define-event";
import { CreateTrustSourceSchema } from "./trust-sources-schema";
import { environmentEndpointProblems, missingSettings } from "./connection";
import { insertSource } from "./trust-sources-repo";
import { TrustSourceCreated } from "./trust-sources-audit";

// Trust sources Gatehouse adds by itself (the demo's start-up seed): API sources whose
// credentials come from the server's environment, checked as an admin's are (the same schema,
// required settings, no endpoint of their own), created in one transaction with an audit row
// each. A source whose name exists is left as it is (an admin may have changed or removed it
// and added it again). They are read by the next sync (`syncOrgTrusts`), like any API source.

export interface EnvironmentSource {
  provider: TrustProvider;
  name: string;
  settings: TrustConnectionSettings;
}

/** Adds the sources not there yet; returns the names added. Throws on a source an admin could not add either. */
export async function addEnvironmentSources(handle: DatabaseHandle, actor: SystemActor, sources: EnvironmentSource[]): Promise<string[]> {
  for (const s of sources) {
    const input = CreateTrustSourceSchema.parse({ orgSlug: actor.orgSlug, name: s.name, provider: s.provider, kind: "api", settings: s.settings, credentialsFrom: "environment" });
    const problems = [...missingSettings(input.provider, input.settings, true), ...environmentEndpointProblems(input.provider, input.settings)];
    if (problems.length > 0) throw new Error(`trust source ${s.name}: ${problems.join("; ")}`);
  }
  return executeSystemChange(handle, actor, {
    action: TrustSourceCreated.action,
    async run({ tx, audit }) {
      const added: string[] = [];
      for (const s of sources) {
        const [exists] = await tx.select({ id: trustSources.id }).from(trustSources).where(and(eq(trustSources.orgId, actor.orgId), eq(trustSources.name, s.name)));
        if (exists) continue;
        const row = await insertSource(tx, { orgId: actor.orgId, provider: s.provider, name: s.name, kind: "api", settings: s.settings, credentialsSealed: null, credentialsFrom: "environment", createdBy: `Gatehouse (${actor.process})` });
        await audit(auditEntry(TrustSourceCreated, { id: row.id, label: s.name }, { provider: s.provider, kind: "api", name: s.name, credentialsFrom: "environment", file: null, trusts: 0 }));
        added.push(s.name);
      }
      return added;
    },
  }, undefined);
}
