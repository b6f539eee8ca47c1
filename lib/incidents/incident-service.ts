import "server-only";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { getDatabase } from "@/lib/db";
import { incidentItems, incidents, incidentScope, syncRuns } from "@/lib/db/schema";
import type { ItemStatus } from "@/lib/db/schema/incidents";
import type { Actor } from "@/lib/authz/actor";
import { can } from "@/lib/authz/actor";
import { auditEntry } from "@/lib/audit/define-event";
import type { AnyUseCase, UseCase } from "@/lib/door/use-case";
import { AppError, conflict, notFound } from "@/lib/http/errors";
import { readerClient } from "@/lib/connections/reader-client";
import { AddScopeSchema, CloseIncidentSchema, StartIncidentSchema, UpdateItemSchema } from "./incident-schema";
import { collectScope, resolveTarget, type ScopeEntry } from "./scope";
import { markExposure, readReleasesInWindow, readRunsInWindow, type RunInWindow } from "./exposure";
import { addReleases } from "./releases";
import { planChecklist } from "./checklist";
import { appendEvent } from "./timeline";
import { IncidentClosed, IncidentStarted, ItemUpdated, ScopeAdded } from "./incident-audit";
import { restoreGate } from "./restore-gate";

/** The incident, or not found (another org's incident is not found either: every query has org_id). */
export async function loadIncident(db: Db, orgId: string, incidentId: string) {
  const [row] = await db.select().from(incidents).where(and(eq(incidents.orgId, orgId), eq(incidents.id, incidentId))).limit(1);
  if (!row) throw notFound("Incident");
  return row;
}

/** Every write on an incident first: a closed incident is read-only. */
export async function loadOpenIncident(db: Db, orgId: string, incidentId: string) {
  const row = await loadIncident(db, orgId, incidentId);
  if (row.status === "closed") throw conflict(`INC-${row.number} is closed: it is read-only. Start a new incident if something new happened.`);
  return row;
}

async function insertScopeAndItems(tx: Db, orgId: string, incidentId: string, entries: ScopeEntry[], plan: ReturnType<typeof planChecklist>, addedBy: string | null, startAt = 0) {
  const CHUNK = 500;
  for (let i = 0; i < entries.length; i += CHUNK) {
    await tx.insert(incidentScope).values(entries.slice(i, i + CHUNK).map((e) => ({ orgId, incidentId, kind: e.kind, key: e.key, label: e.label, data: e.data, exposure: e.exposure, addedBy })));
  }
  const rows = plan.map((p, n) => ({ orgId, incidentId, step: p.step, kind: p.kind, scopeKey: p.scopeKey, label: p.label, detail: p.detail, owner: p.owner, command: p.command, exposed: p.exposed ? 1 : 0, position: startAt + n }));
  for (let i = 0; i < rows.length; i += CHUNK) await tx.insert(incidentItems).values(rows.slice(i, i + CHUNK));
}

const counts = (entries: ScopeEntry[]) => {
  const c: Record<string, number> = {};
  for (const e of entries) c[e.kind] = (c[e.kind] ?? 0) + 1;
  return c;
};

interface StartPrepared {
  target: string;
  label: string;
  scope: ScopeEntry[];
  runs: RunInWindow[] | null;
  exposureNote: string | null;
}

export const startIncident: UseCase<typeof StartIncidentSchema, { id: string; number: number }, StartPrepared> = {
  action: IncidentStarted.action,
  permission: "incident.run",
  input: StartIncidentSchema,
  // Reads before the transaction: the target resolved, the scope collected, and (with a window)
  // the runs and releases inside it read from GitHub with the reader App.
  async prepare(input, actor) {
    const { db } = await getDatabase();
    const { target, label } = await resolveTarget(db, actor.orgId, input.kind, input.target);
    const scope = await collectScope(db, actor.orgId, input.kind, target);
    if (!input.window) return { target, label, scope, runs: null, exposureNote: null };
    const reader = await readerClient(db, actor.orgId);
    if ("failure" in reader) return { target, label, scope, runs: null, exposureNote: `Runs and releases inside the window could not be read: ${reader.failure}` };
    const [{ runs, failures }, released] = await Promise.all([
      readRunsInWindow(reader.client, reader.org, scope, input.window),
      readReleasesInWindow(reader.client, reader.org, scope, input.window),
    ]);
    markExposure(scope, runs);
    addReleases(scope, released.releases);
    const unread = [...failures, ...released.failures];
    const note = `${runs.length} run(s) of in-scope workflows inside the window; ${released.releases.length} release(s) created or published inside it${unread.length ? `; could not read ${unread.length}: ${unread.slice(0, 5).join("; ")}` : ""}.`;
    return { target, label, scope, runs, exposureNote: note };
  },
  async run({ tx, actor, input, prepared, audit }) {
    // One number per organisation, in order: serialise starts within the org.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`incident-number:${actor.orgId}`}))`);
    const [{ next }] = (await tx
      .select({ next: sql<number>`coalesce(max(${incidents.number}), 0) + 1` })
      .from(incidents)
      .where(eq(incidents.orgId, actor.orgId))) as [{ next: number }];
    const [inventory] = await tx
      .select({ id: syncRuns.id, at: syncRuns.finishedAt })
      .from(syncRuns)
      .where(and(eq(syncRuns.orgId, actor.orgId), inArray(syncRuns.status, ["succeeded", "partial"])))
      .orderBy(desc(syncRuns.finishedAt))
      .limit(1);
    const startedAt = new Date();
    const [row] = await tx
      .insert(incidents)
      .values({
        orgId: actor.orgId,
        number: Number(next),
        kind: input.kind,
        target: prepared.target,
        targetLabel: prepared.label,
        windowFrom: input.window?.from ?? null,
        windowTo: input.window?.to ?? null,
        title: input.title,
        severity: input.severity,
        commander: input.commander ?? actor.user.email,
        startedBy: actor.user.email,
        startedAt,
        inventorySyncRunId: inventory?.id ?? null,
        inventoryAt: inventory?.at ?? null,
        exposureCheckedAt: prepared.runs ? startedAt : null,
        exposureNote: prepared.exposureNote,
      })
      .returning({ id: incidents.id, number: incidents.number });
    const id = row!.id;
    const plan = planChecklist(prepared.scope, { org: actor.orgSlug, startedAt, window: input.window ?? null });
    await insertScopeAndItems(tx, actor.orgId, id, prepared.scope, plan, null);
    const c = counts(prepared.scope);
    const who = actor.user.email;
    await appendEvent(tx, { orgId: actor.orgId, incidentId: id, actor: who, type: "started", message: `Started: ${input.title} (${input.severity}), ${input.kind} ${prepared.label}`, data: { commander: input.commander ?? who } });
    await appendEvent(tx, {
      orgId: actor.orgId,
      incidentId: id,
      actor: who,
      type: "scope_frozen",
      message: `Scope frozen from the inventory of ${inventory?.at ? inventory.at.toISOString() : "(no finished sync)"}: ${c.workflow ?? 0} workflow(s), ${c.secret ?? 0} secret(s), ${c.identity ?? 0} identit(ies), ${c.system ?? 0} system(s); ${plan.length} checklist item(s).`,
      data: { counts: c, inventorySyncRunId: inventory?.id ?? null },
    });
    if (prepared.exposureNote) await appendEvent(tx, { orgId: actor.orgId, incidentId: id, actor: who, type: "exposure", message: prepared.exposureNote, data: { runs: prepared.runs?.length ?? null } });
    await audit(auditEntry(IncidentStarted, { id, label: `INC-${row!.number} ${input.title}` }, { kind: input.kind, target: prepared.target, severity: input.severity, scope: c, exposedRuns: prepared.runs?.length ?? null }));
    return { id, number: row!.number };
  },
};

/** Statuses a person may set; `verified` is Gatehouse's to give (a sync that sees the rotation, an API call's answer). */
const SETTABLE: ReadonlySet<ItemStatus> = new Set(["todo", "in_progress", "done", "skipped", "failed"]);
/** Items done by hand outside Gatehouse and GitHub's API: "done" needs evidence (on the item already, or with the change). */
const EVIDENCE_TO_FINISH: ReadonlySet<string> = new Set(["rebuild-release"]);

export const updateItem: UseCase<typeof UpdateItemSchema, { id: string; status: ItemStatus }> = {
  action: ItemUpdated.action,
  permission: "incident.run",
  input: UpdateItemSchema,
  async run({ tx, actor, input, audit }) {
    const incident = await loadOpenIncident(tx, actor.orgId, input.incidentId);
    const [item] = await tx
      .select()
      .from(incidentItems)
      .where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.incidentId, incident.id), eq(incidentItems.id, input.itemId)))
      .limit(1);
    if (!item) throw notFound("Checklist item");
    const who = actor.user.email;
    const now = new Date();
    const changes: string[] = [];
    const set: Partial<typeof incidentItems.$inferInsert> = { updatedAt: now, updatedBy: who };
    if (input.status && input.status !== item.status) {
      if (!SETTABLE.has(input.status)) throw new AppError("invalid_input", "Verified is set by Gatehouse: a sync that sees the rotation, or GitHub's answer to an action.", { status: "cannot be set by hand" });
      if ((input.status === "skipped" || input.status === "failed") && !input.reason) {
        throw new AppError("invalid_input", `Say why the item is ${input.status === "skipped" ? "skipped" : "failed"}.`, { reason: "is required" });
      }
      if (item.kind === "restore-workflow" && input.status === "done") await requireRestoreAllowed(tx, actor, incident, item, input.reason);
      // A release is rebuilt by hand, outside Gatehouse: "done" says what proves it.
      if (EVIDENCE_TO_FINISH.has(item.kind) && input.status === "done" && item.evidence.length === 0 && !input.evidence) {
        throw new AppError("invalid_input", "Add the evidence that it is rebuilt (the new release's link, the run that built it) with the status done.", { evidence: "is required to mark it done" });
      }
      set.status = input.status;
      set.statusReason = input.reason ?? null;
      changes.push(`status ${item.status} → ${input.status}${input.reason ? ` (${input.reason})` : ""}`);
    }
    if (input.assignee !== undefined && input.assignee !== item.assignee) {
      set.assignee = input.assignee || null;
      changes.push(input.assignee ? `assigned to ${input.assignee}` : "unassigned");
    }
    if (input.note) {
      set.notes = [...item.notes, { at: now.toISOString(), by: who, text: input.note }];
      changes.push("note");
    }
    if (input.evidence) {
      set.evidence = [...item.evidence, { at: now.toISOString(), by: who, text: input.evidence }];
      changes.push("evidence");
    }
    if (changes.length === 0) throw new AppError("invalid_input", "Nothing to change: give a status, an assignee, a note or evidence.");
    await tx.update(incidentItems).set(set).where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.id, item.id)));
    await appendEvent(tx, {
      orgId: actor.orgId,
      incidentId: incident.id,
      actor: who,
      type: input.note && changes.length === 1 ? "note" : "item",
      message: `${item.label}: ${changes.join(", ")}${input.note ? ` — ${input.note.slice(0, 500)}` : ""}`,
      data: { itemId: item.id },
    });
    await audit(auditEntry(ItemUpdated, { id: incident.id, label: `INC-${incident.number}` }, { itemId: item.id, changes: changes.map((c) => c.split(" ")[0]!), status: set.status }));
    return { id: item.id, status: set.status ?? item.status };
  },
};

/** Re-enabling needs the cause gone (a sync says so) or an admin's written reason; the error names what is unmet. */
async function requireRestoreAllowed(tx: Db, actor: Actor, incident: typeof incidents.$inferSelect, item: typeof incidentItems.$inferSelect, reason: string | undefined) {
  const gate = await restoreGate(tx, actor.orgId, incident, item);
  if (gate.allowed) return;
  if (can(actor, "incident.override") && reason) return;
  throw conflict(`${gate.unmet} ${can(actor, "incident.override") ? "An admin may re-enable it anyway with a written reason." : "Only an admin may override this, with a written reason."}`);
}

export const addScope: UseCase<typeof AddScopeSchema, { added: number }> = {
  action: ScopeAdded.action,
  permission: "incident.run",
  input: AddScopeSchema,
  async run({ tx, actor, input, audit }) {
    const incident = await loadOpenIncident(tx, actor.orgId, input.incidentId);
    const existing = await tx.select({ kind: incidentScope.kind, key: incidentScope.key }).from(incidentScope).where(and(eq(incidentScope.orgId, actor.orgId), eq(incidentScope.incidentId, incident.id)));
    const have = new Set(existing.map((e) => `${e.kind}:${e.key}`));
    const wanted = new Set(input.workflowIds);
    const now = await collectScope(tx, actor.orgId, incident.kind, incident.target);
    const newWorkflows = now.filter((e) => e.kind === "workflow" && wanted.has(e.key) && !have.has(`workflow:${e.key}`));
    if (newWorkflows.length === 0) throw conflict("None of these workflows is new reach of this incident's target: they are in scope already, or no longer use it.");
    const repos = new Set(newWorkflows.map((w) => String(w.data.repo)));
    const related = (e: ScopeEntry) =>
      (e.kind === "workflow" && wanted.has(e.key)) ||
      (e.kind === "repository" && repos.has(e.label)) ||
      (Array.isArray(e.data.workflowIds) && (e.data.workflowIds as string[]).some((id) => wanted.has(id)));
    const toAdd = now.filter((e) => !have.has(`${e.kind}:${e.key}`) && e.kind !== "owner" && related(e));
    const owners = new Set(toAdd.map((e) => e.data.owner).filter((o): o is string => typeof o === "string" && !have.has(`owner:${o}`)));
    for (const o of owners) toAdd.push({ kind: "owner", key: o, label: o, data: {}, exposure: "reachable" });
    const [{ max }] = (await tx.select({ max: sql<number>`coalesce(max(${incidentItems.position}), 0)` }).from(incidentItems).where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.incidentId, incident.id)))) as [{ max: number }];
    const window = incident.windowFrom && incident.windowTo ? { from: incident.windowFrom, to: incident.windowTo } : null;
    const plan = planChecklist(toAdd, { org: actor.orgSlug, startedAt: incident.startedAt, window });
    await insertScopeAndItems(tx, actor.orgId, incident.id, toAdd, plan, actor.user.email, Number(max) + 1);
    await appendEvent(tx, {
      orgId: actor.orgId,
      incidentId: incident.id,
      actor: actor.user.email,
      type: "scope_added",
      message: `Added to scope from drift: ${newWorkflows.map((w) => w.label).join(", ")} (${toAdd.length} scope entr${toAdd.length === 1 ? "y" : "ies"}, ${plan.length} item(s)).`,
      data: { workflowIds: newWorkflows.map((w) => w.key) },
    });
    await audit(auditEntry(ScopeAdded, { id: incident.id, label: `INC-${incident.number}` }, { workflowIds: newWorkflows.map((w) => w.key), added: toAdd.length }));
    return { added: toAdd.length };
  },
};

export const closeIncident: UseCase<typeof CloseIncidentSchema, { id: string }> = {
  action: IncidentClosed.action,
  permission: "incident.run",
  input: CloseIncidentSchema,
  async run({ tx, actor, input, audit }) {
    const incident = await loadOpenIncident(tx, actor.orgId, input.incidentId);
    const items = await tx.select({ status: incidentItems.status, label: incidentItems.label }).from(incidentItems).where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.incidentId, incident.id)));
    const open = items.filter((i) => i.status !== "done" && i.status !== "verified" && i.status !== "skipped");
    if (open.length > 0) {
      throw conflict(`${open.length} checklist item(s) are not done, verified or skipped with a reason, e.g. "${open[0]!.label}" (${open[0]!.status}). Finish or skip them first.`);
    }
    const now = new Date();
    await tx.update(incidents).set({ status: "closed", closedAt: now, closedBy: actor.user.email, summary: input.summary }).where(and(eq(incidents.orgId, actor.orgId), eq(incidents.id, incident.id)));
    await appendEvent(tx, { orgId: actor.orgId, incidentId: incident.id, actor: actor.user.email, type: "closed", message: `Closed: ${input.summary.slice(0, 1000)}` });
    await audit(auditEntry(IncidentClosed, { id: incident.id, label: `INC-${incident.number}` }, { items: items.length }));
    return { id: incident.id };
  },
};

export const INCIDENT_USE_CASES: readonly AnyUseCase[] = [startIncident, updateItem, addScope, closeIncident];
