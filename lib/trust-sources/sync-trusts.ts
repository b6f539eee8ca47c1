import "server-only";
import { eq } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/types";
import type { Env } from "@/lib/env";
import { getEnv } from "@/lib/env";
import { organizations } from "@/lib/db/schema";
import { CloudReadError, type TrustSourceRead } from "@/lib/cloud/types";
import { executeSystemChange } from "@/lib/door/system";
import { auditEntry } from "@/lib/audit/define-event";
import { logger } from "@/lib/logger";
import { trustReaderFor } from "./readers";
import { connectionOf } from "./connection";
import { apiSourcesOf, applyRead, type SourceRow } from "./trust-sources-repo";
import { evaluateOrgTrusts } from "./evaluate-org";
import { TrustSourceSynced, TrustsEvaluated } from "./trust-sources-audit";
import { checkManualRevocations, pendingManualRevocations, recordReverified, type PendingRevocation, type Reverified } from "@/lib/incidents/trust-reverify";

// After every sync of an organisation (lib/connections/sync-runner.ts, when the run is finished):
// its API sources are read again (through the reader registry; skipped when a provider has no
// reader installed), then every trust is evaluated against the new inventory — as Gatehouse
// (sync), through the door, in one transaction with its audit rows.

const ADVICE: Record<CloudReadError["kind"], string> = {
  credentials: "check the source's credentials (or the server's environment variables) and read again",
  denied: "grant the reading identity the read-only permissions listed in Settings → Cloud trust, then read again",
  network: "check the endpoint and that the server can reach it, then read again",
  shape: "the answer was not what Gatehouse expects; check the endpoint points at the provider's API",
};

export type ApiReadResult = { ok: true; read: TrustSourceRead } | { ok: false; message: string };

/** One API source read now (network, no transaction), or why it could not be (a sentence with what to do). */
export async function readApiSource(source: SourceRow, env: Env): Promise<ApiReadResult> {
  const reader = trustReaderFor(source.provider);
  if (!reader) return { ok: false, message: `This server has no ${source.provider} reader installed, so the source cannot be read; upload an export instead, or update Gatehouse.` };
  const conn = connectionOf(source.provider, source, env);
  if (!conn.ok) return conn;
  try {
    return { ok: true, read: await (reader as (c: unknown) => Promise<TrustSourceRead>)(conn.conn) };
  } catch (err) {
    if (err instanceof CloudReadError) return { ok: false, message: `${err.message}: ${ADVICE[err.kind]}.` };
    logger.error("trust source read failed", { sourceId: source.id, provider: source.provider, error: err instanceof Error ? err : String(err) });
    return { ok: false, message: "The read failed unexpectedly (details in the server log); the previous trusts are kept. Read again, or upload an export." };
  }
}

/** Reads the org's API sources that have a reader, applies them and re-evaluates every trust. Returns the evaluation's figures. */
export async function syncOrgTrusts(handle: DatabaseHandle, orgId: string, reason: string) {
  const [org] = await handle.db.select({ slug: organizations.slug }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) return null;
  const env = getEnv();
  const reads: { source: SourceRow; result: ApiReadResult; pending: PendingRevocation[]; found: Reverified[] }[] = [];
  for (const source of await apiSourcesOf(handle.db, orgId)) {
    if (!trustReaderFor(source.provider)) continue;
    const result = await readApiSource(source, env);
    // Revocations run by hand are re-verified by the read (lib/incidents/trust-reverify.ts).
    const pending = await pendingManualRevocations(handle.db, orgId, source.id);
    const conn = connectionOf(source.provider, source, env);
    const found = result.ok && conn.ok && pending.length > 0 ? await checkManualRevocations(source.provider, conn.conn, result.read, pending) : [];
    reads.push({ source, result, pending, found });
  }
  return executeSystemChange(handle, { kind: "system", process: "sync", orgId, orgSlug: org.slug }, {
    action: TrustsEvaluated.action,
    async run({ tx, audit }) {
      const now = new Date();
      for (const { source, result, pending, found } of reads) {
        await applyRead(tx, source, result, now);
        await recordReverified(tx, orgId, "Gatehouse (sync)", pending, found);
        await audit(
          auditEntry(TrustSourceSynced, { id: source.id, label: source.name }, {
            provider: source.provider,
            name: source.name,
            status: result.ok ? "ok" : "failed",
            trusts: result.ok ? result.read.trusts.length : 0,
            message: result.ok ? null : result.message.slice(0, 500),
          }),
        );
      }
      const figures = await evaluateOrgTrusts(tx, orgId);
      if (figures.trusts > 0) await audit(auditEntry(TrustsEvaluated, { id: orgId, label: org.slug }, { ...figures, reason }));
      return figures;
    },
  }, undefined);
}
