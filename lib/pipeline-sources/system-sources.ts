import "server-only";
import { and, eq } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/types";
import type { PipelineSourceKind, PipelineSourceSettings } from "@/lib/db/schema/pipeline-sources";
import { pipelineSources } from "@/lib/db/schema";
import { executeSystemChange, type SystemActor } from "@/lib/door/system";
import { auditEntry } from "@/lib/audit/define-event";
import { CreatePipelineSourceSchema } from "./pipeline-sources-schema";
import { environmentEndpointProblems } from "./connection";
import { insertPipelineSource } from "./pipeline-sources-repo";
import { PipelineSourceCreated } from "./pipeline-sources-audit";

// Pipeline sources Gatehouse adds by itself (the demo's start-up seed): credentials from the
// server's environment, checked as an admin's are (the same schema, no endpoint of their own),
// created in one transaction with an audit row each. A source whose name exists is left as it
// is. They are read by the next sync (`syncOrgPipelineSources`), like any source.

export interface EnvironmentPipelineSource {
  kind: PipelineSourceKind;
  name: string;
  settings: PipelineSourceSettings;
  /** Write access from the server's responder variables (BUILDKITE_RESPONDER_TOKEN, KUBE_RESPONDER_KUBECONFIG). */
  responder: boolean;
}

/** Adds the sources not there yet; returns the names added. Throws on a source an admin could not add either. */
export async function addEnvironmentPipelineSources(handle: DatabaseHandle, actor: SystemActor, sources: EnvironmentPipelineSource[]): Promise<string[]> {
  for (const s of sources) {
    const input = CreatePipelineSourceSchema.parse({ orgSlug: actor.orgSlug, name: s.name, kind: s.kind, settings: s.settings, credentialsFrom: "environment" });
    const problems = [...environmentEndpointProblems(input.kind, input.settings), ...(input.kind === "buildkite" && !input.settings.orgSlug ? ["settings.orgSlug is required"] : [])];
    if (problems.length > 0) throw new Error(`pipeline source ${s.name}: ${problems.join("; ")}`);
  }
  return executeSystemChange(handle, actor, {
    action: PipelineSourceCreated.action,
    async run({ tx, audit }) {
      const added: string[] = [];
      for (const s of sources) {
        const [exists] = await tx.select({ id: pipelineSources.id }).from(pipelineSources).where(and(eq(pipelineSources.orgId, actor.orgId), eq(pipelineSources.name, s.name)));
        if (exists) continue;
        const responderCredentialsFrom = s.responder ? "environment" : "none";
        const row = await insertPipelineSource(tx, { orgId: actor.orgId, kind: s.kind, name: s.name, settings: s.settings, credentialsFrom: "environment", responderCredentialsFrom, createdBy: `Gatehouse (${actor.process})` });
        await audit(auditEntry(PipelineSourceCreated, { id: row.id, label: s.name }, { kind: s.kind, name: s.name, credentialsFrom: "environment", responderCredentialsFrom }));
        added.push(s.name);
      }
      return added;
    },
  }, undefined);
}
