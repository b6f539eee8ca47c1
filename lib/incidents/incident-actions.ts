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
import { actOnGithub, type ActionTarget, type CallStats, type IncidentActionName as GithubActionName, type ItemResult } from "./github-actions";
import { workflowRef } from "./exposure";
import { can } from "@/lib/authz/actor";
import { getEnv } from "@/lib/env";
import { recordTrustOutcomes, trustItemResults } from "./trust-actions-record";
import { restoreItem, revokeItem, trustRestoreGate, trustTargets, type TrustOutcome, type TrustTarget } from "./trust-revoke";

export const INCIDENT_ACTIONS = ["disable-workflows", "cancel-runs", "delete-caches", "delete-artifacts", "delete-run-logs", "delete-deploy-keys", "enable-workflows", "revoke-trust", "restore-trust"] as const;
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
  // OIDC trust in the clouds (trust-revoke.ts): through the trust sources' responder credentials.
  "revoke-trust": "revoke-identity",
  "restore-trust": "revoke-identity",
};

const TRUST_ACTIONS: ReadonlySet<IncidentActionName> = new Set(["revoke-trust", "restore-trust"]);

export const IncidentActionSchema = IncidentRefSchema.extend({
  action: z.enum(INCIDENT_ACTIONS, { message: `must be one of ${INCIDENT_ACTIONS.join(", ")}` }),
  itemIds: z.array(z.string().uuid({ message: "must be item ids" })).min(1).max(1000).optional(),
  dryRun: z.boolean().default(false),
  /** revoke-trust, AWS: also remove the trust policy's GitHub statements (UpdateAssumeRolePolicy), besides revoking older sessions. */
  narrow: z.boolean().default(false),
  /** revoke-trust, Google Cloud: disable the whole pool (cuts federated tokens already issued), not only the provider. */
  disablePool: z.boolean().default(false),
  /** restore-trust before the boundary is fixed: an admin's written reason (incident.override). */
  reason: z.string().trim().min(10, { message: "must say why (at least 10 characters)" }).max(2000).optional(),
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
  /** revoke-trust / restore-trust: the trusts of each item (credentials still sealed). */
  trust: TrustTarget[];
}

/** A trust action's per-trust outcomes, handed from `act` to `record` of the same request. */
const trustOutcomes = new WeakMap<Intent, TrustOutcome[]>();

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
    let trust: TrustTarget[] = [];
    if (TRUST_ACTIONS.has(input.action)) {
      trust = await trustTargets(tx, actor.orgId, incident, found.map((f) => f.item));
      if (input.action === "restore-trust") {
        const allowed: TrustTarget[] = [];
        for (const t of trust) {
          const item = found.find((f) => f.item.id === t.itemId)!.item;
          const gate = await trustRestoreGate(tx, actor.orgId, incident, item, t.revocations.map((r) => r.trustId));
          if (!gate.allowed && !(can(actor, "incident.override") && input.reason)) {
            refused.push({ itemId: t.itemId, label: t.label, status: "refused", message: `${gate.unmet} ${can(actor, "incident.override") ? "An admin may restore it anyway with a written reason." : "Only an admin may override this, with a written reason."}`, calls: [] });
          } else allowed.push(t);
        }
        trust = allowed;
      }
    }
    for (const { item, scope, workflows: repoWorkflows } of found) {
      if (TRUST_ACTIONS.has(input.action)) {
        if (trust.some((t) => t.itemId === item.id)) targets.push({ itemId: item.id, label: item.label, data: scope.data, scopeKey: item.scopeKey!, workflows: [] });
        continue;
      }
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
    await audit(
      auditEntry(IncidentAction, { id: incident.id, label: `INC-${incident.number}` }, { action: input.action, itemIds: found.map((f) => f.item.id), dryRun: input.dryRun, ...(input.reason ? { override: input.reason } : {}) }),
    );
    const connection = await findConnection(tx, actor.orgId);
    return { incident, githubLogin: connection?.accountLogin ?? actor.orgSlug, targets, refused, previous, trust };
  },
  outcome: {
    async act({ input, intent }) {
      const results = [...intent.refused];
      let github: CallStats | null = null;
      if (TRUST_ACTIONS.has(input.action)) {
        const options = { dryRun: input.dryRun, narrow: input.narrow, disablePool: input.disablePool, now: new Date() };
        const outcomes: TrustOutcome[] = [];
        for (const t of intent.trust) outcomes.push(...(await (input.action === "revoke-trust" ? revokeItem(t, getEnv(), options) : restoreItem(t, getEnv(), options))));
        trustOutcomes.set(intent, outcomes);
        results.push(...trustItemResults(intent.trust, outcomes));
      } else if (intent.targets.length > 0) {
        const acted = await actOnGithub({ action: input.action as GithubActionName, dryRun: input.dryRun, orgLogin: intent.githubLogin, incident: intent.incident, targets: intent.targets });
        results.push(...acted.results);
        github = acted.stats;
      }
      const failed = results.filter((r) => r.status === "failed" || r.status === "refused").length;
      const manual = results.filter((r) => r.status === "manual").length;
      const summary = input.dryRun
        ? `Dry run of ${input.action}: ${results.reduce((n, r) => n + r.calls.length, 0)} call(s) planned for ${intent.targets.length} item(s)${failed ? `, ${failed} refused` : ""}.`
        : manual > 0 && TRUST_ACTIONS.has(input.action)
          ? `No write access for ${manual} item(s): run the command(s) shown by hand, then mark the item done with the output as evidence; the next read of the trust source re-verifies it.`
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
      if (TRUST_ACTIONS.has(input.action)) {
        await recordTrustOutcomes(tx, actor, { action: input.action as "revoke-trust" | "restore-trust", incident: intent.incident, outcomes: trustOutcomes.get(intent) ?? [], previous: intent.previous, refused: intent.refused });
        await appendEvent(tx, { orgId: actor.orgId, incidentId: intent.incident.id, actor: actor.user.email, type: "action_result", message: outcome.summary, data: { action: input.action, status: outcome.status } });
        return;
      }
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
