import "server-only";
import { z } from "zod";
import { and, eq } from "drizzle-orm";
import { incidentItems, incidentScope, pipelineContainments, type incidents } from "@/lib/db/schema";
import type { UseCase } from "@/lib/door/use-case";
import { auditEntry } from "@/lib/audit/define-event";
import { AppError, conflict, notFound } from "@/lib/http/errors";
import { getEnv } from "@/lib/env";
import { responderConnectionOf } from "@/lib/pipeline-sources/connection";
import { pipelineSourcesOf } from "@/lib/pipeline-sources/pipeline-sources-repo";
import { IncidentRefSchema } from "./incident-schema";
import { loadOpenIncident } from "./incident-service";
import { appendEvent } from "./timeline";
import { PipelineContain } from "./incident-audit";
import { coveringSources, sourceKindOf, type CoveringSource } from "./pipeline-contain-targets";
import { containThrough, type ContainStatus, type TargetOutcome } from "./pipeline-contain-act";

// Containing a Buildkite or Tekton pipeline from its contain-pipeline item (issue 14), through
// the pipeline source whose last read shows it (pipeline-contain-targets.ts). One door, two uses:
// a dry run (the live plan — calls, commands, and for a cluster the API server's dryRun=All
// answers — put on the timeline, nothing else written) and an apply, which needs every covering
// source's responder (write) credentials: then the writes, one pipeline_containment row per
// target with its plan, outcome and evidence, the item done when every target is contained and
// failed (still open, with what is left) otherwise. No covering source: the item's commands stay.

export const ContainPipelineSchema = IncidentRefSchema.extend({
  itemId: z.string().uuid({ message: "must be an item id" }),
  dryRun: z.boolean().default(false),
  /** Buildkite only: keys of queues in the pipeline's cluster whose dispatch to pause too (it stops every pipeline using them). */
  pauseQueues: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
});

const SYSTEM: Record<"buildkite" | "kubernetes", { name: string; through: string }> = {
  buildkite: { name: "Buildkite", through: "Buildkite" },
  kubernetes: { name: "cluster", through: "the cluster" },
};

/** One target's result as the page shows it (the plan itself stays in pipeline_containment). */
export type ContainTargetDto = Omit<TargetOutcome, "plan">;

export interface PipelineContainmentDto {
  itemId: string;
  dryRun: boolean;
  /** planned (dry run), manual (no source covers it: run the commands), or the apply's outcome. */
  status: ContainStatus | "manual";
  summary: string;
  targets: ContainTargetDto[];
  /** The item's commands, when Gatehouse has nothing to act through. */
  commands: string | null;
}

interface Intent {
  incident: typeof incidents.$inferSelect;
  item: typeof incidentItems.$inferSelect;
  repo: string;
  kind: "buildkite" | "kubernetes";
  covering: CoveringSource[];
  serviceAccounts: string[];
}

/** Per request, from act to record: the outcomes with their plans. */
const outcomesOf = new WeakMap<Intent, TargetOutcome[]>();

function summarise(intent: Intent, dryRun: boolean, outcomes: TargetOutcome[]): { status: PipelineContainmentDto["status"]; summary: string } {
  const { name, through } = SYSTEM[intent.kind];
  if (intent.covering.length === 0) return { status: "manual", summary: `No ${name} source of this organisation shows a pipeline of ${intent.repo}: run the commands shown by hand, or connect one in Settings → Pipelines.` };
  const failed = outcomes.filter((o) => o.status === "failed");
  const sources = [...new Set(outcomes.map((o) => o.sourceName))].join(", ");
  if (dryRun) {
    const calls = outcomes.reduce((n, o) => n + o.calls.length, 0);
    const noWrite = outcomes.find((o) => !o.writeAccess);
    return {
      status: failed.length === outcomes.length ? "failed" : "planned",
      summary: `Dry run through ${sources}: ${calls} call(s) planned for ${outcomes.length} target(s)${failed.length ? `, ${failed.length} could not be planned` : ""}.${noWrite ? ` ${noWrite.writeAccessNote}` : ` Nothing was changed; "Contain through ${through}" makes these calls.`}`,
    };
  }
  const contained = outcomes.filter((o) => o.status === "contained");
  if (contained.length === outcomes.length) return { status: "contained", summary: `Contained through ${sources}: ${outcomes.map((o) => o.target).join(", ")} (verified by reading again).` };
  const left = outcomes.filter((o) => o.status !== "contained").map((o) => `${o.target}: ${o.evidence.find((e) => /failed|not |still|Stopped|refused/i.test(e)) ?? o.summary}`);
  return { status: contained.length === 0 && failed.length === outcomes.length ? "failed" : "partial", summary: `${contained.length === 0 ? "Not contained" : "Partly contained"} through ${sources}. ${left.join(" ")}`.slice(0, 1000) };
}

export const containPipeline: UseCase<typeof ContainPipelineSchema, PipelineContainmentDto, undefined, Intent> = {
  action: PipelineContain.action,
  permission: "incident.run",
  input: ContainPipelineSchema,
  async run({ tx, actor, input, audit }) {
    const incident = await loadOpenIncident(tx, actor.orgId, input.incidentId);
    const [item] = await tx
      .select()
      .from(incidentItems)
      .where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.incidentId, incident.id), eq(incidentItems.id, input.itemId)));
    if (!item) throw notFound("This checklist item");
    if (item.kind !== "contain-pipeline" || !item.scopeKey) throw new AppError("invalid_input", "Only a contain-pipeline item (a Buildkite or Tekton pipeline of step 1) is contained this way.", { itemId: "not a contain-pipeline item" });
    const scope = await tx.select().from(incidentScope).where(and(eq(incidentScope.orgId, actor.orgId), eq(incidentScope.incidentId, incident.id)));
    const entry = scope.find((s) => `${s.kind}:${s.key}` === item.scopeKey);
    const kind = sourceKindOf(entry?.data.system);
    if (!entry || !kind) throw new AppError("invalid_input", "This item's pipeline is neither Buildkite's nor Tekton's: run its commands by hand.");
    const repo = String(entry.data.repo);
    const covering = coveringSources(await pipelineSourcesOf(tx, actor.orgId, kind), kind, repo);
    if (!input.dryRun) {
      const { name } = SYSTEM[kind];
      if (covering.length === 0) throw conflict(`No ${name} source of this organisation shows a pipeline of ${repo}: connect one in Settings → Pipelines (with responder credentials), or run the commands shown on the item by hand.`);
      const env = getEnv();
      const without = covering.map((c) => ({ c, w: responderConnectionOf(c.source, env) })).find(({ w }) => !w.ok);
      if (without && !without.w.ok) throw conflict(`${without.c.source.name}: ${without.w.message}`);
    }
    // The accounts the scope says the pipeline runs as (Tekton): their token secrets are deleted too.
    const serviceAccounts = scope
      .filter((s) => s.kind === "identity" && s.data.kind === "k8s-service-account" && Array.isArray(s.data.workflowIds) && (s.data.workflowIds as string[]).includes(entry.key))
      .map((s) => String(s.data.identifier ?? ""))
      .filter((n) => n !== "");
    if (!input.dryRun) {
      await tx
        .update(incidentItems)
        .set({ status: "in_progress", updatedAt: new Date(), updatedBy: actor.user.email })
        .where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.id, item.id)));
      await appendEvent(tx, { orgId: actor.orgId, incidentId: incident.id, actor: actor.user.email, type: "action", message: `Containing ${item.label} through ${covering.map((c) => c.source.name).join(", ")}…`, data: { action: "contain-pipeline", itemIds: [item.id] } });
    }
    await audit(auditEntry(PipelineContain, { id: incident.id, label: `INC-${incident.number}` }, { itemId: item.id, dryRun: input.dryRun, sourceIds: covering.map((c) => c.source.id) }));
    return { incident, item, repo, kind, covering, serviceAccounts };
  },
  outcome: {
    async act({ input, intent }) {
      const env = getEnv();
      const options = { dryRun: input.dryRun, note: `Gatehouse INC-${intent.incident.number}: ${intent.incident.title}`.slice(0, 200), pauseQueues: input.pauseQueues, serviceAccounts: intent.serviceAccounts };
      const outcomes: TargetOutcome[] = [];
      for (const c of intent.covering) outcomes.push(...(await containThrough(c, env, options)));
      outcomesOf.set(intent, outcomes);
      const { status, summary } = summarise(intent, input.dryRun, outcomes);
      const audited = status === "contained" || status === "planned" || status === "manual" ? "succeeded" : status;
      return {
        status: audited,
        summary,
        data: { itemId: intent.item.id, dryRun: input.dryRun, status, summary, targets: outcomes.map(({ plan: _plan, ...dto }) => dto), commands: status === "manual" || outcomes.some((o) => !o.writeAccess) ? intent.item.command : null },
        metadata: { itemId: intent.item.id, dryRun: input.dryRun, targets: outcomes.map((o) => ({ sourceId: o.sourceId, target: o.target, status: o.status, calls: o.calls.length })) },
      };
    },
    async record({ tx, actor, input, intent, outcome }) {
      const base = { orgId: actor.orgId, incidentId: intent.incident.id, actor: actor.user.email };
      if (input.dryRun) {
        await appendEvent(tx, { ...base, type: "action_result", message: `Dry run of containing ${intent.item.label}: ${outcome.summary}`.slice(0, 2000), data: { action: "contain-pipeline", dryRun: true, status: outcome.data?.status ?? "failed" } });
        return;
      }
      const now = new Date();
      const outcomes = outcomesOf.get(intent) ?? [];
      const ids: string[] = [];
      for (const o of outcomes) {
        if (!o.plan || o.status === "planned") continue;
        const [row] = await tx
          .insert(pipelineContainments)
          .values({ orgId: actor.orgId, incidentId: intent.incident.id, itemId: intent.item.id, sourceId: o.sourceId, kind: o.kind, target: o.target, plan: o.plan, appliedAt: now, appliedBy: actor.user.email, outcome: o.status as "contained" | "partial" | "failed", evidence: o.evidence })
          .returning({ id: pipelineContainments.id });
        ids.push(row!.id);
      }
      const [item] = await tx.select().from(incidentItems).where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.id, intent.item.id)));
      if (!item) return;
      const contained = outcome.data?.status === "contained";
      const evidence = [...item.evidence, ...outcomes.map((o) => ({ at: now.toISOString(), by: actor.user.email, text: `contain-pipeline (${o.sourceName}, ${o.target}): ${o.status}\n${o.evidence.join("\n")}`.slice(0, 4000) }))];
      await tx
        .update(incidentItems)
        .set({ status: contained ? "done" : "failed", statusReason: contained ? null : outcome.summary.slice(0, 1000), evidence, updatedAt: now, updatedBy: actor.user.email })
        .where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.id, item.id)));
      await appendEvent(tx, { ...base, type: "action_result", message: outcome.summary.slice(0, 2000), data: { action: "contain-pipeline", status: outcome.data?.status ?? "failed", containmentIds: ids } });
    },
  },
};
