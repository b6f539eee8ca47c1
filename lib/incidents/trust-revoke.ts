import "server-only";
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { incidentScope, trustMatches, trustRevocations, trusts, trustSources, jobs, type incidentItems, type incidents } from "@/lib/db/schema";
import type { Env } from "@/lib/env";
import type { CloudCall, RevocationPlan, RevocationResult, TrustDetails } from "@/lib/cloud/types";
import { applyAwsRevocation, planAwsRevocation, readAwsRoleState, restoreAwsRevocation } from "@/lib/cloud/aws/revoke";
import { applyGcpRevocation, planGcpRevocation, restoreGcpRevocation } from "@/lib/cloud/gcp/revoke";
import { applyAzureRevocation, planAzureRevocation, restoreAzureRevocation } from "@/lib/cloud/azure/revoke";
import { applyVaultRevocation, planVaultRevocation, restoreVaultRevocation } from "@/lib/cloud/vault/revoke";
import type { AwsTrust, Provider } from "@/lib/trust/types";
import { connectionOf, responderConnectionOf } from "@/lib/trust-sources/connection";
import { identityKey, identityTrustLinks } from "@/lib/trust-sources/trust-sources-repo";
import type { TrustConnections } from "@/lib/trust-sources/readers";
import { restoreGate } from "./restore-gate";

// Step 2 of the playbook in the clouds (issue 11 item 5): `revoke-trust` on `revoke-identity`
// items, `restore-trust` once the boundary is fixed. Per item, the trusts the identity names
// (as Secrets → Identities links them: identityTrustLinks), each through its source's
// responder (write) connection — separate from the read-only one. The intent (in the door's
// transaction) finds them; the act (no transaction) plans, applies and re-reads over the
// network; the record stores each revocation in trust_revocation with the previous state.
//
// AWS: `revokeBefore` is the moment of revocation, not the incident's start — sessions minted
// during the incident are the attacker's too, and AWSRevokeOlderSessions only denies sessions
// issued before its timestamp.

export interface TrustTargetTrust {
  trustId: string;
  sourceId: string;
  sourceName: string;
  provider: Provider;
  externalId: string;
  name: string;
  document: unknown;
  details: TrustDetails | null;
  source: Pick<typeof trustSources.$inferSelect, "kind" | "settings" | "credentialsSealed" | "credentialsFrom" | "responderCredentialsSealed" | "responderCredentialsFrom">;
}

export interface TrustTarget {
  itemId: string;
  label: string;
  /** The checklist's manual command (used when no source can plan). */
  command: string | null;
  trusts: TrustTargetTrust[];
  /** restore-trust: the revocations to undo. */
  revocations: (typeof trustRevocations.$inferSelect)[];
}

/** One trust's outcome inside an item's result, kept for the record phase. */
export interface TrustOutcome {
  itemId: string;
  /** null: the item names no trust (manual), or nothing to restore. */
  trust: TrustTargetTrust | null;
  mode: "applied" | "manual" | "planned" | "failed" | "restored";
  plan: RevocationPlan | null;
  result: RevocationResult | null;
  message: string;
  revocationId?: string;
}

export interface TrustActionOptions {
  dryRun: boolean;
  narrow: boolean;
  disablePool: boolean;
  now: Date;
}

/** The trusts each identity item names, with their sources (credentials still sealed). */
export async function trustTargets(tx: Db, orgId: string, incident: typeof incidents.$inferSelect, items: (typeof incidentItems.$inferSelect)[]): Promise<TrustTarget[]> {
  const scope = await tx
    .select()
    .from(incidentScope)
    .where(and(eq(incidentScope.orgId, orgId), eq(incidentScope.incidentId, incident.id), eq(incidentScope.kind, "identity")));
  const byKey = new Map(scope.map((s) => [`identity:${s.key}`, s]));
  const links = await identityTrustLinks(tx, orgId);
  const ids = new Set<string>();
  const named = items.map((item) => {
    const s = item.scopeKey ? byKey.get(item.scopeKey) : undefined;
    const found = s ? (links[identityKey(String(s.data.kind), String(s.data.identifier ?? ""))] ?? []) : [];
    for (const t of found) ids.add(t.id);
    return { item, trustIds: [...new Set(found.map((t) => t.id))] };
  });
  const rows =
    ids.size === 0
      ? []
      : await tx
          .select({ t: trusts, s: trustSources })
          .from(trusts)
          .innerJoin(trustSources, and(eq(trustSources.id, trusts.sourceId), eq(trustSources.orgId, orgId)))
          .where(and(eq(trusts.orgId, orgId), inArray(trusts.id, [...ids])));
  const byId = new Map(rows.map((r) => [r.t.id, r]));
  const revocations = await tx
    .select()
    .from(trustRevocations)
    .where(and(eq(trustRevocations.orgId, orgId), eq(trustRevocations.incidentId, incident.id), isNull(trustRevocations.restoredAt)));
  return named.map(({ item, trustIds }) => ({
    itemId: item.id,
    label: item.label,
    command: item.command,
    trusts: trustIds
      .map((id) => byId.get(id))
      .filter((r) => r !== undefined)
      .map(({ t, s }) => ({ trustId: t.id, sourceId: s.id, sourceName: s.name, provider: t.provider, externalId: t.externalId, name: t.name, document: t.document, details: t.details, source: s })),
    revocations: revocations.filter((r) => r.itemId === item.id),
  }));
}

/**
 * The fixed boundary for restoring a trust (as for re-enabling a workflow, restore-gate.ts):
 * every in-scope workflow whose jobs can assume one of the item's revoked trusts — or, when none
 * matches, every in-scope workflow — must show its cause gone in a sync after the start.
 */
export async function trustRestoreGate(tx: Db, orgId: string, incident: typeof incidents.$inferSelect, item: typeof incidentItems.$inferSelect, trustIds: string[]): Promise<{ allowed: true } | { allowed: false; unmet: string }> {
  const scoped = await tx
    .select({ key: incidentScope.key })
    .from(incidentScope)
    .where(and(eq(incidentScope.orgId, orgId), eq(incidentScope.incidentId, incident.id), eq(incidentScope.kind, "workflow")));
  const matching =
    trustIds.length === 0
      ? []
      : await tx
          .selectDistinct({ workflowId: jobs.workflowId })
          .from(trustMatches)
          .innerJoin(jobs, and(eq(jobs.id, trustMatches.jobId), eq(jobs.orgId, orgId)))
          .where(and(eq(trustMatches.orgId, orgId), inArray(trustMatches.trustId, trustIds)));
  const inScope = new Set(scoped.map((s) => s.key));
  const relevant = matching.map((m) => m.workflowId).filter((id) => inScope.has(id));
  const workflowIds = relevant.length > 0 ? relevant : [...inScope];
  if (workflowIds.length === 0) return { allowed: true };
  for (const id of workflowIds) {
    const gate = await restoreGate(tx, orgId, incident, { ...item, scopeKey: `workflow:${id}` });
    if (!gate.allowed) return { allowed: false, unmet: `Restoring this trust needs the boundary fixed first: ${gate.unmet}` };
  }
  return { allowed: true };
}

type Conn = TrustConnections[Provider];

function readConnection(t: TrustTargetTrust, env: Env) {
  if (t.source.kind !== "api") return { ok: false as const, message: `${t.sourceName} is an uploaded export: Gatehouse cannot write to it.` };
  return connectionOf(t.provider, t.source, env);
}

async function plan(t: TrustTargetTrust, conn: Conn, options: TrustActionOptions): Promise<RevocationPlan> {
  switch (t.provider) {
    case "aws": {
      const current = await readAwsRoleState(conn as TrustConnections["aws"], t.name);
      const details: TrustDetails = t.details ?? { account: null, resource: t.externalId, permissions: [], permissionsNote: null };
      return planAwsRevocation(t.document as AwsTrust, details, { revokeBefore: options.now, narrow: options.narrow, current });
    }
    case "gcp":
      return planGcpRevocation(conn as TrustConnections["gcp"], t.externalId, options.disablePool ? "pool" : "provider");
    case "azure":
      return planAzureRevocation(conn as TrustConnections["azure"], t.externalId);
    case "vault":
      return planVaultRevocation(conn as TrustConnections["vault"], t.externalId);
  }
}

function apply(provider: Provider, conn: Conn, p: RevocationPlan): Promise<RevocationResult> {
  switch (provider) {
    case "aws":
      return applyAwsRevocation(conn as TrustConnections["aws"], p);
    case "gcp":
      return applyGcpRevocation(conn as TrustConnections["gcp"], p);
    case "azure":
      return applyAzureRevocation(conn as TrustConnections["azure"], p);
    case "vault":
      return applyVaultRevocation(conn as TrustConnections["vault"], p);
  }
}

function restore(provider: Provider, conn: Conn, p: RevocationPlan, now: Date): Promise<RevocationResult> {
  switch (provider) {
    case "aws":
      return restoreAwsRevocation(conn as TrustConnections["aws"], p, { now });
    case "gcp":
      return restoreGcpRevocation(conn as TrustConnections["gcp"], p);
    case "azure":
      return restoreAzureRevocation(conn as TrustConnections["azure"], p);
    case "vault":
      return restoreVaultRevocation(conn as TrustConnections["vault"], p);
  }
}

const REVOKE_BEFORE_NOTE =
  "Sessions are cut as of the moment of revocation, not the incident's start: sessions minted during the incident are the attacker's too.";

/** A plan as the responder reads it: what it does, each call with its exact document, the commands. */
export function describePlan(p: RevocationPlan): string {
  const calls = p.calls.map((c: CloudCall) => `${c.action} ${c.target}\n${JSON.stringify(c.body, null, 2)}`);
  return [p.summary, ...(p.provider === "aws" ? [REVOKE_BEFORE_NOTE] : []), ...(calls.length > 0 ? calls : ["Nothing to change: the trust is revoked already."])].join("\n");
}

/** revoke-trust's network part for one item: plan each trust, then (not a dry run, with write access) apply and re-read. */
export async function revokeItem(target: TrustTarget, env: Env, options: TrustActionOptions): Promise<TrustOutcome[]> {
  const out: TrustOutcome[] = [];
  for (const t of target.trusts) {
    const responder = t.source.kind === "api" ? responderConnectionOf(t.provider, t.source, env) : null;
    const planner = responder?.ok ? responder : readConnection(t, env);
    if (!planner.ok) {
      out.push({ itemId: target.itemId, trust: t, mode: "manual", plan: null, result: null, message: `${planner.message}\n${target.command ?? ""}`.trim() });
      continue;
    }
    let p: RevocationPlan;
    try {
      p = await plan(t, planner.conn, options);
    } catch (err) {
      out.push({ itemId: target.itemId, trust: t, mode: "failed", plan: null, result: null, message: `Planning the revocation of ${t.name} failed: ${(err as Error).message}` });
      continue;
    }
    if (options.dryRun) {
      const how = responder?.ok ? "" : `\nNo write access (${responder?.message ?? "an export"}): on confirmation the commands are handed to you.`;
      out.push({ itemId: target.itemId, trust: t, mode: "planned", plan: p, result: null, message: `${describePlan(p)}${how}` });
      continue;
    }
    if (!responder?.ok) {
      out.push({ itemId: target.itemId, trust: t, mode: "manual", plan: p, result: null, message: `${responder?.message ?? "No write access."} Run:\n${p.commands.join("\n")}\nThe next read of ${t.sourceName} re-verifies it.` });
      continue;
    }
    try {
      const result = await apply(t.provider, responder.conn, p);
      out.push({ itemId: target.itemId, trust: t, mode: result.verified ? "applied" : "failed", plan: p, result, message: result.verified ? `${t.name}: revoked and verified by re-reading.` : `${t.name}: written, but the re-read does not show it: ${result.evidence.join("; ")}` });
    } catch (err) {
      out.push({ itemId: target.itemId, trust: t, mode: "failed", plan: p, result: null, message: `Revoking ${t.name} failed: ${(err as Error).message}` });
    }
  }
  if (target.trusts.length === 0) {
    out.push({
      itemId: target.itemId,
      trust: null,
      mode: "manual",
      plan: null,
      result: null,
      message: `No trust source of this organisation names this identity: add one in Settings → Cloud trust, or run by hand:\n${target.command ?? "(no command)"}`,
    });
  }
  return out;
}

/** restore-trust's network part for one item: each revocation's previous state put back. */
export async function restoreItem(target: TrustTarget, env: Env, options: TrustActionOptions): Promise<TrustOutcome[]> {
  const out: TrustOutcome[] = [];
  for (const r of target.revocations) {
    const t = target.trusts.find((x) => x.trustId === r.trustId) ?? null;
    const label = r.trustName;
    if (options.dryRun || !t) {
      const how = t ? "" : `\nThe trust is no longer in its source's last read (narrowed): restore it by hand from the previous state kept.`;
      out.push({ itemId: target.itemId, trust: t, mode: options.dryRun ? "planned" : "manual", plan: r.plan, result: null, message: `Restore ${label}: the state before ${r.appliedAt.toISOString()} is put back.${how}`, revocationId: r.id });
      continue;
    }
    const responder = responderConnectionOf(t.provider, t.source, env);
    if (!responder.ok) {
      out.push({ itemId: target.itemId, trust: t, mode: "manual", plan: r.plan, result: null, message: `${responder.message} The previous state is kept with the revocation.`, revocationId: r.id });
      continue;
    }
    try {
      const result = await restore(t.provider, responder.conn, r.plan, options.now);
      out.push({ itemId: target.itemId, trust: t, mode: result.verified ? "restored" : "failed", plan: result.plan, result, message: `${result.plan.summary}${result.verified ? "" : ` — the re-read does not show it: ${result.evidence.join("; ")}`}`, revocationId: r.id });
    } catch (err) {
      out.push({ itemId: target.itemId, trust: t, mode: "failed", plan: r.plan, result: null, message: `Restoring ${label} failed: ${(err as Error).message}`, revocationId: r.id });
    }
  }
  if (target.revocations.length === 0) out.push({ itemId: target.itemId, trust: null, mode: "failed", plan: null, result: null, message: "Nothing to restore: no revocation of this item is recorded." });
  return out;
}
