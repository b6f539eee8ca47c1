import "server-only";
import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import { trustSources } from "@/lib/db/schema";
import { auditEntry } from "@/lib/audit/define-event";
import type { AnyUseCase, UseCase } from "@/lib/door/use-case";
import { AppError, notFound } from "@/lib/http/errors";
import { getEnv } from "@/lib/env";
import type { TrustSourceRead as ReadResult } from "@/lib/cloud/types";
import { CreateTrustSourceSchema, ReadTrustSourceSchema, SetResponderCredentialsSchema, TrustSourceRefSchema } from "./trust-sources-schema";
import { TrustSourceCreated, TrustSourceRead, TrustSourceRemoved, TrustSourceResponderSet } from "./trust-sources-audit";
import { applyRead, insertSource, sourceDto, sourceOf, trustCountOf, type SourceRow } from "./trust-sources-repo";
import { checkManualRevocations, pendingManualRevocations, recordReverified, type PendingRevocation, type Reverified } from "@/lib/incidents/trust-reverify";
import { connectionOf, environmentEndpointProblems, missingCredentials, missingSettings, sealCredentials, sealResponderCredentials } from "./connection";
import { readUpload } from "./upload";
import { evaluateOrgTrusts } from "./evaluate-org";
import { readApiSource } from "./sync-trusts";
import type { TrustSourceDto } from "./trust-sources-dto";

// An admin's trust sources: add (an export, evaluated at once; or an API connection, read by
// "Read now" right after), read now, remove. Credentials are sealed before they are stored and
// never answered; audit rows name the source, never a secret.

type CreateInput = z.infer<typeof CreateTrustSourceSchema>;

function invalid(field: string, message: string): AppError {
  return new AppError("invalid_input", `Check ${field}: ${message}`, { [field]: message });
}

function checkApiInput(input: CreateInput): void {
  if (!input.credentialsFrom) throw invalid("credentialsFrom", "choose stored (enter the credentials now) or environment (the server's standard variables)");
  const fromEnv = input.credentialsFrom === "environment";
  const settings = [...missingSettings(input.provider, input.settings, fromEnv), ...(fromEnv ? environmentEndpointProblems(input.provider, input.settings) : [])];
  if (settings.length > 0) throw invalid(settings[0]!.split(" ")[0]!, settings[0]!.split(" ").slice(1).join(" "));
  if (input.credentialsFrom === "stored") {
    const creds = missingCredentials(input.provider, input.credentials ?? {});
    if (creds.length > 0) throw invalid(creds[0]!.split(" ")[0]!, creds[0]!.split(" ").slice(1).join(" "));
  }
}

type ResponderFrom = "stored" | "environment" | "none";

/**
 * Responder credentials follow the read credentials' rules: stored ones complete for the
 * provider; environment ones only when the source names no endpoint of its own (they go to the
 * operator's endpoints only). Answers the sealed box, or null.
 */
function responderCredentialsOf(provider: CreateInput["provider"], settings: CreateInput["settings"], from: ResponderFrom, creds: CreateInput["credentials"], field: string): string | null {
  if (from === "none") return null;
  if (from === "environment") {
    const endpoint = environmentEndpointProblems(provider, settings);
    if (endpoint.length > 0) throw invalid(field, `responder credentials from the environment go only to the operator's endpoints, and this source names its own (${endpoint[0]!.split(" ")[0]}): store the responder credentials with the source instead`);
    return null;
  }
  const missing = missingCredentials(provider, creds ?? {});
  if (missing.length > 0) throw invalid(field, missing[0]!.replace(/^credentials\./, "responder credentials."));
  return sealResponderCredentials(creds ?? {});
}

async function requireSource(tx: Parameters<typeof sourceOf>[0], orgId: string, sourceId: string): Promise<SourceRow> {
  const row = await sourceOf(tx, orgId, sourceId);
  if (!row) throw notFound("Trust source");
  return row;
}

export const createTrustSource: UseCase<typeof CreateTrustSourceSchema, TrustSourceDto> = {
  action: TrustSourceCreated.action,
  permission: "trust.manage",
  input: CreateTrustSourceSchema,
  async run({ tx, actor, input, audit }) {
    let upload: ReadResult | null = null;
    if (input.kind === "upload") {
      if (!input.file) throw invalid("file", "upload the export ({ name, content }), e.g. the output of aws iam get-account-authorization-details");
      const parsed = readUpload(input.provider, input.file);
      if (!parsed.ok) throw invalid("file", parsed.message);
      upload = parsed.read;
    } else checkApiInput(input);
    const [clash] = await tx.select({ id: trustSources.id }).from(trustSources).where(and(eq(trustSources.orgId, actor.orgId), eq(trustSources.name, input.name)));
    if (clash) throw new AppError("conflict", `A trust source named "${input.name}" exists already: choose another name, or use Read now on it.`, { name: "is taken" });
    const stored = input.kind === "api" && input.credentialsFrom === "stored";
    if (input.kind === "upload" && input.responderCredentialsFrom !== "none") throw invalid("responderCredentialsFrom", "an uploaded export has no connection to write through: add an API source for revocation");
    const responderSealed = input.kind === "api" ? responderCredentialsOf(input.provider, input.settings, input.responderCredentialsFrom, input.responderCredentials, "responderCredentials") : null;
    const row = await insertSource(tx, {
      orgId: actor.orgId,
      provider: input.provider,
      name: input.name,
      kind: input.kind,
      settings: input.kind === "api" ? input.settings : {},
      credentialsSealed: stored ? sealCredentials(input.credentials ?? {}) : null,
      credentialsFrom: input.kind === "api" ? (input.credentialsFrom ?? "none") : "none",
      responderCredentialsSealed: responderSealed,
      responderCredentialsFrom: input.kind === "api" ? input.responderCredentialsFrom : "none",
      createdBy: actor.user.email,
    });
    if (upload) {
      await applyRead(tx, row, { ok: true, read: upload }, new Date(), { name: input.file!.name, text: input.file!.content });
      await evaluateOrgTrusts(tx, actor.orgId);
    }
    const trusts = upload?.trusts.length ?? 0;
    await audit(
      auditEntry(TrustSourceCreated, { id: row.id, label: input.name }, { provider: input.provider, kind: input.kind, name: input.name, credentialsFrom: row.credentialsFrom, responderCredentialsFrom: row.responderCredentialsFrom, file: input.file?.name ?? null, trusts }),
    );
    return sourceDto((await sourceOf(tx, actor.orgId, row.id))!, trusts);
  },
};

export interface ReadOutcomeDto {
  sourceId: string;
  status: "ok" | "failed";
  message: string | null;
  trusts: number;
}

interface ReadIntent {
  sourceId: string;
  /** An upload: the export to read (a new file, else the stored one), parsed in `run` so a bad one is a 400. */
  upload: { name: string; text: string; read: ReadResult } | null;
  /** An API source as it was when the intent committed (its credentials still sealed). */
  api: SourceRow | null;
  /** Revocations a responder ran by hand through this source: re-verified by this read. */
  pending: PendingRevocation[];
}

/**
 * "Read now": intent audited → the read (an API source's reader over the network, no transaction
 * held; an upload's export, parsed already) → its trusts stored and the org re-evaluated, or, when
 * it failed, the failure recorded beside the previous trusts, which stay.
 */
export const readTrustSource: UseCase<typeof ReadTrustSourceSchema, ReadOutcomeDto, undefined, ReadIntent> = {
  action: TrustSourceRead.action,
  permission: "trust.manage",
  input: ReadTrustSourceSchema,
  async run({ tx, actor, input, audit }) {
    const source = await requireSource(tx, actor.orgId, input.sourceId);
    let upload: ReadIntent["upload"] = null;
    if (source.kind === "upload") {
      const file = input.file ?? (source.exportText !== null ? { name: source.exportName ?? "export.json", content: source.exportText } : null);
      if (!file) throw invalid("file", "this source has no stored export: upload one");
      const parsed = readUpload(source.provider, file);
      if (!parsed.ok) throw invalid("file", parsed.message);
      upload = { name: file.name, text: file.content, read: parsed.read };
    } else if (input.file) throw invalid("file", "an API source reads its cloud, not a file: add an upload source for exports");
    await audit(auditEntry(TrustSourceRead, { id: source.id, label: source.name }, { provider: source.provider, kind: source.kind, name: source.name, file: input.file?.name ?? null }));
    const pending = source.kind === "api" ? await pendingManualRevocations(tx, actor.orgId, source.id) : [];
    return { sourceId: source.id, upload, api: source.kind === "api" ? source : null, pending };
  },
  outcome: {
    async act({ intent }) {
      if (intent.upload) {
        const n = intent.upload.read.trusts.length;
        return { status: "succeeded", summary: `Read ${n} trust(s) from ${intent.upload.name}.`, data: { sourceId: intent.sourceId, status: "ok", message: null, trusts: n } };
      }
      const source = intent.api!;
      const r = await readApiSource(source, getEnv());
      if (r.ok) pendingReads.set(intent, r.read);
      const conn = connectionOf(source.provider, source, getEnv());
      if (r.ok && conn.ok && intent.pending.length > 0) reverified.set(intent, await checkManualRevocations(source.provider, conn.conn, r.read, intent.pending));
      return r.ok
        ? { status: "succeeded", summary: `Read ${r.read.trusts.length} trust(s) from ${source.provider}.`, data: { sourceId: source.id, status: "ok", message: null, trusts: r.read.trusts.length } }
        : { status: "failed", summary: r.message, data: { sourceId: source.id, status: "failed", message: r.message, trusts: 0 } };
    },
    async record({ tx, actor, intent, outcome }) {
      const source = await sourceOf(tx, actor.orgId, intent.sourceId);
      if (!source) return;
      const now = new Date();
      if (intent.upload) {
        await applyRead(tx, source, { ok: true, read: intent.upload.read }, now, { name: intent.upload.name, text: intent.upload.text });
      } else if (outcome.status === "succeeded" && pendingReads.has(intent)) {
        await applyRead(tx, source, { ok: true, read: pendingReads.get(intent)! }, now);
      } else {
        await applyRead(tx, source, { ok: false, message: outcome.data?.message ?? outcome.summary }, now);
      }
      await recordReverified(tx, actor.orgId, actor.user.email, intent.pending, reverified.get(intent) ?? []);
      await evaluateOrgTrusts(tx, actor.orgId);
    },
  },
};

const reverified = new WeakMap<ReadIntent, Reverified[]>();

/** An API read's trusts, handed from `act` to `record` of the same request (not through the DTO: it is large). */
const pendingReads = new WeakMap<ReadIntent, ReadResult>();

export const removeTrustSource: UseCase<typeof TrustSourceRefSchema, { removed: true }> = {
  action: TrustSourceRemoved.action,
  permission: "trust.manage",
  input: TrustSourceRefSchema,
  async run({ tx, actor, input, audit }) {
    const source = await requireSource(tx, actor.orgId, input.sourceId);
    const trusts = await trustCountOf(tx, actor.orgId, source.id);
    // Its trusts and their matches go with it (cascade); other sources' verdicts do not depend on them.
    await tx.delete(trustSources).where(and(eq(trustSources.orgId, actor.orgId), eq(trustSources.id, source.id)));
    await audit(auditEntry(TrustSourceRemoved, { id: source.id, label: source.name }, { provider: source.provider, kind: source.kind, name: source.name, trusts }));
    return { removed: true };
  },
};

/** An admin sets, replaces or removes a source's responder (write) credentials; audited without them. */
export const setResponderCredentials: UseCase<typeof SetResponderCredentialsSchema, TrustSourceDto> = {
  action: TrustSourceResponderSet.action,
  permission: "trust.manage",
  input: SetResponderCredentialsSchema,
  async run({ tx, actor, input, audit }) {
    const source = await requireSource(tx, actor.orgId, input.sourceId);
    if (source.kind !== "api" && input.from !== "none") throw invalid("from", "an uploaded export has no connection to write through: add an API source for revocation");
    const sealed = responderCredentialsOf(source.provider, source.settings, input.from, input.credentials, "credentials");
    await tx
      .update(trustSources)
      .set({ responderCredentialsSealed: sealed, responderCredentialsFrom: input.from })
      .where(and(eq(trustSources.orgId, actor.orgId), eq(trustSources.id, source.id)));
    await audit(auditEntry(TrustSourceResponderSet, { id: source.id, label: source.name }, { provider: source.provider, kind: source.kind, name: source.name, from: input.from, previous: source.responderCredentialsFrom }));
    return sourceDto((await sourceOf(tx, actor.orgId, source.id))!, await trustCountOf(tx, actor.orgId, source.id));
  },
};

export const TRUST_SOURCE_USE_CASES: readonly AnyUseCase[] = [createTrustSource, readTrustSource, removeTrustSource, setResponderCredentials];
