import "server-only";
import { z } from "zod";
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { incidentItems, incidentScope, workflows, type incidents } from "@/lib/db/schema";
import type { UseCase } from "@/lib/door/use-case";
import { auditEntry } from "@/lib/audit/define-event";
import { AppError } from "@/lib/http/errors";
import { IncidentRefSchema } from "./incident-schema";
import { loadOpenIncident } from "./incident-service";
import { appendEvent } from "./timeline";
import { IncidentAction } from "./incident-audit";
import { restoreGate } from "./restore-gate";
import { findConnection } from "@/lib/connections/connection-repo";
import { actOnGithub, type ActionTarget, type CallStats, type ItemResult } from "./github-actions";
import { workflowRef } from "./exposure";

export const INCIDENT_ACTIONS = ["disable-workflows", "cancel-runs", "delete-caches", "delete-artifacts", "delete-run-logs", "delete-deploy-keys", "enable-workflows"] as const;
export type IncidentActionName = (typeof INCIDENT_ACTIONS)[number];

/** The checklist items each action acts on. */
export const ACTION_ITEM_KIND: Readonly<Record<IncidentActionName, string>> = {
  "disable-workflows": "disable-workflow",
  "cancel-runs": "disable-workflow",
  "enable-workflows": "restore-workflow",
  "delete-caches": "delete-caches",
  "delete-artifacts": "rebuild",
  "delete-run-logs": "delete-run-logs",
  "delete-deploy-keys": "delete-deploy-key",
};

export const IncidentActionSchema = IncidentRefSchema.extend({
  action: z.enum(INCIDENT_ACTIONS, { message: `must be one of ${INCIDENT_ACTIONS.join(", ")}` }),
  itemIds: z.array(z.string().uuid({ message: "must be item ids" })).min(1).max(1000).optional(),
  dryRun: z.boolean().default(false),
});

export interface ActionResultDto {
  action: IncidentActionName;
  dryRun: boolean;
  summary: string;
  results: ItemResult[];
  /** GitHub requests the responder App made for it, retries included; null when it made none (dry run, no App) */
  github: CallStats | null;
}

interface Intent {
  incident: typeof incidents.$inferSelect;
  /** The GitHub organisation the connection reads (the org's slug is Gatehouse's, not necessarily GitHub's login). */
  githubLogin: string;
  targets: ActionTarget[];
  /** Items refused before any call (the fixed boundary), with why. */
  refused: ItemResult[];
  previous: Record<string, string>;
}

async function targetsFor(tx: Db, incident: typeof incidents.$inferSelect, action: IncidentActionName, itemIds: string[] | undefined) {
  const where = [eq(incidentItems.orgId, incident.orgId), eq(incidentItems.incidentId, incident.id), eq(incidentItems.kind, ACTION_ITEM_KIND[action])];
  if (itemIds) where.push(inArray(incidentItems.id, itemIds));
  const items = await tx.select().from(incidentItems).where(and(...where));
  if (itemIds && items.length !== new Set(itemIds).size) {
    throw new AppError("invalid_input", `Some of these items are not ${ACTION_ITEM_KIND[action]} items of this incident: ${action} acts on those only.`, { itemIds: "not items of this action" });
  }
  if (items.length === 0) throw new AppError("invalid_input", `This incident has no ${ACTION_ITEM_KIND[action]} items for ${action} to act on.`);
  const keys = items.map((i) => i.scopeKey).filter((k): k is string => !!k);
  const scope = await tx
    .select()
    .from(incidentScope)
    .where(and(eq(incidentScope.orgId, incident.orgId), eq(incidentScope.incidentId, incident.id)));
  const byKey = new Map(scope.map((s) => [`${s.kind}:${s.key}`, s]));
  // The in-scope workflows of each repository (delete-run-logs lists their runs inside the window).
  const workflowsOf = (repo: unknown) => scope.filter((s) => s.kind === "workflow" && s.data.repo === repo).map((s) => workflowRef(s.data));
  return items
    .filter((i) => keys.includes(i.scopeKey ?? ""))
    .map((item) => {
      const row = byKey.get(item.scopeKey!)!;
      return { item, scope: row, workflows: workflowsOf(row.data.repo) };
    });
}

/**
 * The responder's GitHub actions on a set of checklist items (all of the action's items when
 * none are named). Intent: the items go `in_progress` (a dry run changes nothing) and the
 * action is audited; act: the calls through the responder App, one token per repository
 * (github-actions.ts); outcome: each item `done` or `failed` with GitHub's message, evidence
 * appended, the result on the timeline. Re-enabling is refused per item unless the fixed
 * boundary is met (restore-gate.ts).
 */
export const runIncidentAction: UseCase<typeof IncidentActionSchema, ActionResultDto, undefined, Intent> = {
  action: IncidentAction.action,
  permission: "incident.run",
  input: IncidentActionSchema,
  async run({ tx, actor, input, audit }) {
    const incident = await loadOpenIncident(tx, actor.orgId, input.incidentId);
    const found = await targetsFor(tx, incident, input.action, input.itemIds);
    const refused: ItemResult[] = [];
    const targets: ActionTarget[] = [];
    for (const { item, scope, workflows: repoWorkflows } of found) {
      if (input.action === "enable-workflows") {
        const gate = await restoreGate(tx, actor.orgId, incident, item);
        if (!gate.allowed) {
          refused.push({ itemId: item.id, label: item.label, status: "refused", message: gate.unmet, calls: [] });
          continue;
        }
      }
      targets.push({ itemId: item.id, label: item.label, data: scope.data, scopeKey: item.scopeKey!, workflows: repoWorkflows });
    }
    const previous = Object.fromEntries(found.map(({ item }) => [item.id, item.status]));
    if (!input.dryRun && targets.length > 0) {
      await tx
        .update(incidentItems)
        .set({ status: "in_progress", updatedAt: new Date(), updatedBy: actor.user.email })
        .where(and(eq(incidentItems.orgId, actor.orgId), inArray(incidentItems.id, targets.map((t) => t.itemId)), inArray(incidentItems.status, ["todo", "failed", "in_progress"])));
      await appendEvent(tx, { orgId: actor.orgId, incidentId: incident.id, actor: actor.user.email, type: "action", message: `${input.action} on ${targets.length} item(s)…`, data: { action: input.action, itemIds: targets.map((t) => t.itemId) } });
    }
    await audit(auditEntry(IncidentAction, { id: incident.id, label: `INC-${incident.number}` }, { action: input.action, itemIds: found.map((f) => f.item.id), dryRun: input.dryRun }));
    const connection = await findConnection(tx, actor.orgId);
    return { incident, githubLogin: connection?.accountLogin ?? actor.orgSlug, targets, refused, previous };
  },
  outcome: {
    async act({ input, intent }) {
      const results = [...intent.refused];
      let github: CallStats | null = null;
      if (intent.targets.length > 0) {
        const acted = await actOnGithub({ action: input.action, dryRun: input.dryRun, orgLogin: intent.githubLogin, incident: intent.incident, targets: intent.targets });
        results.push(...acted.results);
        github = acted.stats;
      }
      const failed = results.filter((r) => r.status === "failed" || r.status === "refused").length;
      const manual = results.filter((r) => r.status === "manual").length;
      const summary = input.dryRun
        ? `Dry run of ${input.action}: ${results.reduce((n, r) => n + r.calls.length, 0)} call(s) planned for ${intent.targets.length} item(s)${failed ? `, ${failed} refused` : ""}.`
        : manual > 0
          ? `No responder App is configured: run the ${manual} command(s) shown by hand, then add the output as evidence.`
          : `${input.action}: ${results.length - failed} of ${results.length} item(s) done${failed ? `, ${failed} failed` : ""}.`;
      const status = failed === 0 ? "succeeded" : failed === results.length ? "failed" : "partial";
      return {
        status,
        summary,
        data: { action: input.action, dryRun: input.dryRun, summary, results, github },
        metadata: { action: input.action, dryRun: input.dryRun, failed, items: results.length, ...(github ? { githubRequests: github.requests, githubRetries: github.retries } : {}) },
      };
    },
    async record({ tx, actor, input, intent, outcome }) {
      if (input.dryRun) return;
      const now = new Date();
      const results = outcome.data?.results ?? intent.targets.map((t) => ({ itemId: t.itemId, label: t.label, status: "failed" as const, message: outcome.summary, calls: [] }));
      for (const r of results) {
        if (r.status === "refused") continue;
        const [item] = await tx.select().from(incidentItems).where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.id, r.itemId)));
        if (!item) continue;
        // Deleting a release's artifacts does not rebuild it: that item stays in progress.
        const status = r.status === "manual" ? intent.previous[r.itemId] ?? "todo" : r.status === "failed" ? "failed" : input.action === "delete-artifacts" ? "in_progress" : "done";
        const evidence = r.status === "manual" ? item.evidence : [...item.evidence, { at: now.toISOString(), by: actor.user.email, text: `${input.action}: ${r.message}${r.calls.length ? ` [${r.calls.map((c) => `${c.method} ${c.path}`).join("; ").slice(0, 1500)}]` : ""}` }];
        await tx
          .update(incidentItems)
          .set({ status: status as typeof item.status, statusReason: r.status === "failed" ? r.message : null, evidence, updatedAt: now, updatedBy: actor.user.email })
          .where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.id, r.itemId)));
      }
      // What GitHub just confirmed, the inventory shows now rather than at the next sync (which reads the same state).
      const state = input.action === "disable-workflows" ? "disabled_manually" : input.action === "enable-workflows" ? "active" : null;
      const confirmed = results.filter((r) => r.status === "done" || r.status === "already").map((r) => intent.targets.find((t) => t.itemId === r.itemId)?.scopeKey.replace(/^workflow:/, ""));
      const ids = confirmed.filter((id): id is string => !!id);
      if (state && ids.length > 0) await tx.update(workflows).set({ state }).where(and(eq(workflows.orgId, actor.orgId), inArray(workflows.id, ids)));
      await appendEvent(tx, { orgId: actor.orgId, incidentId: intent.incident.id, actor: actor.user.email, type: "action_result", message: outcome.summary, data: { action: input.action, status: outcome.status } });
    },
  },
};
