import "server-only";
import { and, asc, count, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { jobs, trustMatches, trusts, trustSources } from "@/lib/db/schema";
import type { TrustSourceRead } from "@/lib/cloud/types";
import { TRUST_RULES } from "@/lib/trust";
import { trustReaderFor } from "./readers";
import { bySeverity } from "./aggregate";
import { summariseConditions } from "./conditions";
import type { IdentityTrustLinksDto, TrustDetailDto, TrustSourceDto, TrustSummaryDto } from "./trust-sources-dto";

// Queries of the trust domain; every one takes the org id and has it in its where.

export type SourceRow = typeof trustSources.$inferSelect;

export async function sourceOf(db: Db, orgId: string, sourceId: string): Promise<SourceRow | null> {
  const [row] = await db.select().from(trustSources).where(and(eq(trustSources.orgId, orgId), eq(trustSources.id, sourceId)));
  return row ?? null;
}

/** A new source row (credentials already sealed, or from the environment). */
export async function insertSource(tx: Db, values: typeof trustSources.$inferInsert): Promise<SourceRow> {
  const [row] = await tx.insert(trustSources).values(values).returning();
  return row!;
}

export async function apiSourcesOf(db: Db, orgId: string): Promise<SourceRow[]> {
  return db.select().from(trustSources).where(and(eq(trustSources.orgId, orgId), eq(trustSources.kind, "api"))).orderBy(asc(trustSources.name));
}

export function sourceDto(r: SourceRow, trustCount: number): TrustSourceDto {
  return {
    id: r.id,
    name: r.name,
    provider: r.provider,
    kind: r.kind,
    settings: r.settings,
    credentialsFrom: r.credentialsFrom,
    responderCredentialsFrom: r.responderCredentialsFrom,
    fileName: r.exportName,
    status: r.status,
    statusMessage: r.statusMessage,
    warnings: r.warnings,
    lastReadAt: r.lastReadAt?.toISOString() ?? null,
    lastGoodReadAt: r.lastGoodReadAt?.toISOString() ?? null,
    trusts: trustCount,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    readerInstalled: r.kind === "upload" || trustReaderFor(r.provider) !== null,
  };
}

export async function listTrustSources(db: Db, orgId: string): Promise<TrustSourceDto[]> {
  const rows = await db.select().from(trustSources).where(eq(trustSources.orgId, orgId)).orderBy(asc(trustSources.name));
  const counts = await db.select({ sourceId: trusts.sourceId, n: count() }).from(trusts).where(eq(trusts.orgId, orgId)).groupBy(trusts.sourceId);
  const bySource = new Map(counts.map((c) => [c.sourceId, c.n]));
  return rows.map((r) => sourceDto(r, bySource.get(r.id) ?? 0));
}

export async function trustCountOf(db: Db, orgId: string, sourceId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(trusts).where(and(eq(trusts.orgId, orgId), eq(trusts.sourceId, sourceId)));
  return row?.n ?? 0;
}

/**
 * A read's outcome on the source: a good read replaces its trusts (kept by external id, so their
 * ids and links survive), a failed one only records why — the previous trusts stay.
 */
export async function applyRead(tx: Db, source: SourceRow, result: { ok: true; read: TrustSourceRead } | { ok: false; message: string }, now: Date, exportFile?: { name: string; text: string }): Promise<void> {
  const where = and(eq(trustSources.orgId, source.orgId), eq(trustSources.id, source.id));
  if (!result.ok) {
    await tx.update(trustSources).set({ status: "failed", statusMessage: result.message, lastReadAt: now }).where(where);
    return;
  }
  const { read } = result;
  const ids = read.trusts.map((t) => t.id);
  const existing = await tx.select({ id: trusts.id, externalId: trusts.externalId }).from(trusts).where(and(eq(trusts.orgId, source.orgId), eq(trusts.sourceId, source.id)));
  const gone = existing.filter((e) => !ids.includes(e.externalId)).map((e) => e.id);
  if (gone.length > 0) await tx.delete(trusts).where(and(eq(trusts.orgId, source.orgId), inArray(trusts.id, gone)));
  for (const t of read.trusts) {
    const values = { provider: t.provider, name: t.name, document: t, details: read.details[t.id] ?? null, readAt: now };
    await tx
      .insert(trusts)
      .values({ orgId: source.orgId, sourceId: source.id, externalId: t.id, ...values })
      .onConflictDoUpdate({ target: [trusts.sourceId, trusts.externalId], set: values });
  }
  await tx
    .update(trustSources)
    .set({ status: "ok", statusMessage: null, warnings: read.warnings, lastReadAt: now, lastGoodReadAt: now, ...(exportFile ? { exportName: exportFile.name, exportText: exportFile.text } : {}) })
    .where(where);
}

type TrustRow = typeof trusts.$inferSelect;
type MatchRow = typeof trustMatches.$inferSelect;

function summary(t: TrustRow, sourceName: string, matches: Pick<MatchRow, "uses">[]): TrustSummaryDto {
  return {
    id: t.id,
    provider: t.provider,
    name: t.name,
    externalId: t.externalId,
    account: t.details?.account ?? accountOf(t.externalId),
    sourceName,
    findings: [...t.findings].sort(bySeverity),
    uses: matches.filter((m) => m.uses === true).length,
    couldUse: matches.filter((m) => m.uses === false).length,
    unknownUse: matches.filter((m) => m.uses === null).length,
    outsideTokens: t.outsideTokens,
    evaluatedAt: t.evaluatedAt?.toISOString() ?? null,
  };
}

/** The account a trust's own id names when no reader said (an AWS ARN's account, a GCP project number). */
function accountOf(externalId: string): string | null {
  return /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(externalId)?.[1] ?? /^projects\/([^/]+)\//.exec(externalId)?.[1] ?? null;
}

const SEVERITY_ORDER = ["critical", "high", "medium", "low", "info"];
const worst = (t: TrustSummaryDto) => (t.findings.length === 0 ? SEVERITY_ORDER.length : SEVERITY_ORDER.indexOf(t.findings[0]!.severity));

/** Every trust of the org, the most severe findings first. */
export async function listTrusts(db: Db, orgId: string): Promise<TrustSummaryDto[]> {
  const rows = await db.select({ t: trusts, sourceName: trustSources.name }).from(trusts).innerJoin(trustSources, eq(trustSources.id, trusts.sourceId)).where(eq(trusts.orgId, orgId));
  const matches = await db.select({ trustId: trustMatches.trustId, uses: trustMatches.uses }).from(trustMatches).where(eq(trustMatches.orgId, orgId));
  const byTrust = new Map<string, { uses: boolean | null }[]>();
  for (const m of matches) byTrust.set(m.trustId, [...(byTrust.get(m.trustId) ?? []), m]);
  return rows
    .map((r) => summary(r.t, r.sourceName, byTrust.get(r.t.id) ?? []))
    .sort((a, b) => worst(a) - worst(b) || b.findings.length - a.findings.length || a.name.localeCompare(b.name));
}

export async function trustDetail(db: Db, orgId: string, trustId: string): Promise<TrustDetailDto | null> {
  const [row] = await db.select({ t: trusts, source: trustSources }).from(trusts).innerJoin(trustSources, eq(trustSources.id, trusts.sourceId)).where(and(eq(trusts.orgId, orgId), eq(trusts.id, trustId)));
  if (!row) return null;
  const matches = await db
    .select({ m: trustMatches, workflowId: jobs.workflowId })
    .from(trustMatches)
    .leftJoin(jobs, eq(jobs.id, trustMatches.jobId))
    .where(and(eq(trustMatches.orgId, orgId), eq(trustMatches.trustId, trustId)))
    .orderBy(asc(trustMatches.repo), asc(trustMatches.workflowPath), asc(trustMatches.jobKey));
  const base = summary(row.t, row.source.name, matches.map((m) => m.m));
  const fixes = Object.fromEntries(TRUST_RULES.filter((r) => base.findings.some((f) => f.rule === r.id)).map((r) => [r.id, { title: r.title, fix: r.fix }]));
  return {
    ...base,
    details: row.t.details,
    conditions: summariseConditions(row.t.document),
    readAt: row.t.readAt.toISOString(),
    source: { id: row.source.id, name: row.source.name, kind: row.source.kind, status: row.source.status },
    findingFixes: fixes,
    matches: matches.map(({ m, workflowId }) => ({ jobId: m.jobId, workflowId, repo: m.repo, workflowPath: m.workflowPath, jobKey: m.jobKey, sub: m.sub, decision: m.decision, uses: m.uses })),
  };
}

const IDENTITY_KIND = { aws: "aws-role", gcp: "gcp-workload-identity", azure: "azure-federated", vault: "vault-jwt" } as const;

/** The key the identities table looks a row up by. */
export const identityKey = (kind: string, identifier: string) => `${kind}\n${identifier}`;

/**
 * Which trusts an OIDC identity of the inventory names, keyed by identityKey: an AWS role by ARN
 * or name, a Google Cloud provider by its resource name, a Vault role by name, an Entra
 * credential by the resource its reader reported (an export has no client id).
 */
export async function identityTrustLinks(db: Db, orgId: string): Promise<IdentityTrustLinksDto> {
  const rows = await db.select({ id: trusts.id, provider: trusts.provider, name: trusts.name, externalId: trusts.externalId, details: trusts.details }).from(trusts).where(eq(trusts.orgId, orgId));
  const out: IdentityTrustLinksDto = {};
  const add = (kind: string, identifier: string, t: (typeof rows)[number]) => {
    const key = identityKey(kind, identifier);
    (out[key] ??= []).push({ id: t.id, name: t.name, provider: t.provider });
  };
  for (const t of rows) {
    const kind = IDENTITY_KIND[t.provider];
    add(kind, t.externalId, t);
    if (t.provider === "aws" || t.provider === "vault") add(kind, t.name, t);
    if (t.details?.resource && t.details.resource !== t.externalId) add(kind, t.details.resource, t);
  }
  return out;
}
