import "server-only";
import { and, eq } from "drizzle-orm";
import { pipelineSources } from "@/lib/db/schema";
import type { Db } from "@/lib/db/types";
import type { CredentialsFrom, PipelineSourceKind, PipelineSourceSettings } from "@/lib/db/schema/pipeline-sources";
import { auditEntry } from "@/lib/audit/define-event";
import type { AnyUseCase, UseCase } from "@/lib/door/use-case";
import { AppError, notFound } from "@/lib/http/errors";
import { getEnv } from "@/lib/env";
import { CREDENTIALS_PURPOSE, environmentEndpointProblems, missingCredentials, RESPONDER_CREDENTIALS_PURPOSE, sealCredentials, type SourceCredentials } from "./connection";
import { CreatePipelineSourceSchema, PipelineSourceRefSchema, SetPipelineResponderSchema } from "./pipeline-sources-schema";
import { PipelineSourceCreated, PipelineSourceRead, PipelineSourceRemoved, PipelineSourceResponderSet } from "./pipeline-sources-audit";
import { applyPipelineRead, insertPipelineSource, pipelineSourceOf, type PipelineSourceRow, type SourceReadResult } from "./pipeline-sources-repo";
import { pipelineSourceDto, snapshotSummary, type PipelineReadOutcomeDto, type PipelineSourceDto } from "./pipeline-sources-dto";
import { readPipelineSource } from "./read-source";
import { afterSourcesChanged, readFigures } from "./sync-sources";
import { evaluateOrgTrusts } from "@/lib/trust-sources/evaluate-org";

// An admin's pipeline sources: add (then "Read now" right after, from the page), read now, set
// responder credentials, remove. Credentials are sealed before they are stored and never
// answered; audit rows say where credentials come from, never what they are.

function invalid(field: string, message: string): AppError {
  return new AppError("invalid_input", `Check ${field}: ${message}`, { [field]: message });
}

/** connection.ts' sentences start with the field they name (`settings.server is required…`). */
function invalidSentence(sentence: string, field?: string): AppError {
  const [first, ...rest] = sentence.split(" ");
  if (field) return invalid(field, sentence);
  return /^[a-zA-Z]+\.[a-zA-Z]+$/.test(first!) ? invalid(first!, rest.join(" ")) : invalid("credentials", sentence);
}

const KIND_SETTINGS: Record<PipelineSourceKind, (keyof PipelineSourceSettings)[]> = {
  buildkite: ["orgSlug", "apiUrl"],
  kubernetes: ["server", "caData", "context", "namespaces"],
};

/** Settings the kind does not take, or needs and lacks, as a 400 naming the field. */
function checkSettings(kind: PipelineSourceKind, settings: PipelineSourceSettings): void {
  const foreign = (Object.keys(settings) as (keyof PipelineSourceSettings)[]).find((k) => settings[k] !== undefined && !KIND_SETTINGS[kind].includes(k));
  if (foreign) throw invalid(`settings.${foreign}`, `a ${kind === "buildkite" ? "Buildkite" : "Kubernetes"} source does not take it (it takes ${KIND_SETTINGS[kind].join(", ")})`);
  if (kind === "buildkite" && !settings.orgSlug) throw invalid("settings.orgSlug", "give the Buildkite organization's slug: the part after buildkite.com/ in its URL");
}

/**
 * Read or responder credentials as a row stores them: stored ones complete for the kind and
 * sealed under their own purpose; environment ones only when the source names no endpoint of its
 * own (the server's credentials go only to the operator's endpoints).
 */
function credentialsOf(kind: PipelineSourceKind, settings: PipelineSourceSettings, from: CredentialsFrom, creds: SourceCredentials | undefined, responder: boolean): string | null {
  const field = responder ? "responderCredentials" : "credentials";
  if (from === "none") return null;
  if (from === "environment") {
    const endpoint = environmentEndpointProblems(kind, settings);
    if (endpoint.length > 0) throw invalidSentence(endpoint[0]!, responder ? `${field}From` : undefined);
    return null;
  }
  const missing = missingCredentials(kind, settings, creds ?? {});
  if (missing.length > 0) throw responder ? invalid(field, missing[0]!.replace(/credentials\./g, "responderCredentials.")) : invalidSentence(missing[0]!);
  return sealCredentials(creds ?? {}, responder ? RESPONDER_CREDENTIALS_PURPOSE : CREDENTIALS_PURPOSE);
}

async function requireSource(tx: Db, orgId: string, sourceId: string): Promise<PipelineSourceRow> {
  const row = await pipelineSourceOf(tx, orgId, sourceId);
  if (!row) throw notFound("Pipeline source");
  return row;
}

export const createPipelineSource: UseCase<typeof CreatePipelineSourceSchema, PipelineSourceDto> = {
  action: PipelineSourceCreated.action,
  permission: "connection.manage",
  input: CreatePipelineSourceSchema,
  async run({ tx, actor, input, audit }) {
    checkSettings(input.kind, input.settings);
    if (input.credentialsFrom === "environment" && input.credentials) throw invalid("credentials", "leave them out when the credentials come from the environment, or choose stored");
    const sealed = credentialsOf(input.kind, input.settings, input.credentialsFrom, input.credentials, false);
    const responderSealed = credentialsOf(input.kind, input.settings, input.responderCredentialsFrom, input.responderCredentials, true);
    const [clash] = await tx.select({ id: pipelineSources.id }).from(pipelineSources).where(and(eq(pipelineSources.orgId, actor.orgId), eq(pipelineSources.name, input.name)));
    if (clash) throw new AppError("conflict", `A pipeline source named "${input.name}" exists already: choose another name, or use Read now on it.`, { name: "is taken" });
    const row = await insertPipelineSource(tx, {
      orgId: actor.orgId,
      kind: input.kind,
      name: input.name,
      settings: input.settings,
      credentialsSealed: sealed,
      credentialsFrom: input.credentialsFrom,
      responderCredentialsSealed: responderSealed,
      responderCredentialsFrom: input.responderCredentialsFrom,
      createdBy: actor.user.email,
    });
    await audit(auditEntry(PipelineSourceCreated, { id: row.id, label: row.name }, { kind: row.kind, name: row.name, credentialsFrom: row.credentialsFrom, responderCredentialsFrom: row.responderCredentialsFrom }));
    return pipelineSourceDto(row);
  },
};

/** A read's result, handed from `act` to `record` of the same request (not through the DTO: it is large). */
const pendingReads = new WeakMap<PipelineSourceRow, SourceReadResult>();

/**
 * "Read now": intent audited → the read (network, no transaction held) → stored and evaluated in
 * the outcome's transaction. A failed read records why; the previous snapshot stays.
 */
export const readPipelineSourceNow: UseCase<typeof PipelineSourceRefSchema, PipelineReadOutcomeDto, undefined, PipelineSourceRow> = {
  action: PipelineSourceRead.action,
  permission: "connection.manage",
  input: PipelineSourceRefSchema,
  async run({ tx, actor, input, audit }) {
    const source = await requireSource(tx, actor.orgId, input.sourceId);
    await audit(auditEntry(PipelineSourceRead, { id: source.id, label: source.name }, { kind: source.kind, name: source.name }));
    return source;
  },
  outcome: {
    async act({ intent: source }) {
      const result = await readPipelineSource(source, getEnv());
      pendingReads.set(source, result);
      return result.ok
        ? { status: "succeeded", summary: `Read ${source.kind === "buildkite" ? "Buildkite organization" : "cluster"} ${source.name}.`, data: { sourceId: source.id, status: "ok", message: null, summary: snapshotSummary(result.snapshot) }, metadata: readFigures(result) }
        : { status: "failed", summary: result.message, data: { sourceId: source.id, status: "failed", message: result.message, summary: null } };
    },
    async record({ tx, actor, intent: source, outcome }) {
      const result = pendingReads.get(source) ?? { ok: false, message: outcome.summary };
      await applyPipelineRead(tx, actor.orgId, source.id, result, new Date());
      await afterSourcesChanged(tx, actor.orgId);
      // A Buildkite read names the organization and the pipelines a token's sub holds: the cloud
      // trusts' matches follow now, not at the next sync (which evaluates them after its reads).
      if (source.kind === "buildkite" && result.ok) await evaluateOrgTrusts(tx, actor.orgId);
    },
  },
};

export const removePipelineSource: UseCase<typeof PipelineSourceRefSchema, { removed: true }> = {
  action: PipelineSourceRemoved.action,
  permission: "connection.manage",
  input: PipelineSourceRefSchema,
  async run({ tx, actor, input, audit }) {
    const source = await requireSource(tx, actor.orgId, input.sourceId);
    // Containment records name the source by id without a foreign key: they outlive it.
    await tx.delete(pipelineSources).where(and(eq(pipelineSources.orgId, actor.orgId), eq(pipelineSources.id, source.id)));
    // What only this source showed is fixed on the repositories' findings (the others' stay).
    await afterSourcesChanged(tx, actor.orgId);
    await audit(auditEntry(PipelineSourceRemoved, { id: source.id, label: source.name }, { kind: source.kind, name: source.name }));
    return { removed: true };
  },
};

/** An admin sets, replaces or removes a source's responder (write) credentials; audited without them. */
export const setPipelineResponderCredentials: UseCase<typeof SetPipelineResponderSchema, PipelineSourceDto> = {
  action: PipelineSourceResponderSet.action,
  permission: "connection.manage",
  input: SetPipelineResponderSchema,
  async run({ tx, actor, input, audit }) {
    const source = await requireSource(tx, actor.orgId, input.sourceId);
    if (input.from !== "stored" && input.credentials) throw invalid("credentials", "leave them out unless from is stored");
    // The same checks as at creation, with this request's field names.
    let sealed: string | null;
    try {
      sealed = credentialsOf(source.kind, source.settings, input.from, input.credentials, true);
    } catch (err) {
      if (err instanceof AppError && err.fields) {
        const message = Object.values(err.fields)[0]!.replace(/responderCredentials\./g, "credentials.");
        throw invalid(input.from === "environment" ? "from" : "credentials", message);
      }
      throw err;
    }
    const [row] = await tx
      .update(pipelineSources)
      .set({ responderCredentialsSealed: sealed, responderCredentialsFrom: input.from })
      .where(and(eq(pipelineSources.orgId, actor.orgId), eq(pipelineSources.id, source.id)))
      .returning();
    await audit(auditEntry(PipelineSourceResponderSet, { id: source.id, label: source.name }, { kind: source.kind, name: source.name, from: input.from, previous: source.responderCredentialsFrom }));
    return pipelineSourceDto(row!);
  },
};

export const PIPELINE_SOURCE_USE_CASES: readonly AnyUseCase[] = [createPipelineSource, readPipelineSourceNow, removePipelineSource, setPipelineResponderCredentials];
