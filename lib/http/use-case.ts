import "server-only";
import type { z } from "zod";
import type { DatabaseHandle, Db } from "@/lib/db/types";
import { PermissionDenied, requirePermission, resolveActor, type Actor, type SessionUser } from "@/lib/authz/actor";
import type { Permission } from "@/lib/authz/roles";
import { recordAudit, recordDenial, type RequestMeta } from "@/lib/audit/record";
import type { AuditEntry } from "@/lib/audit/define-event";
import { AppError, type ErrorBody, type Result } from "./errors";
import { logger } from "@/lib/logger";

export type OrgInputSchema = z.ZodObject<{ orgSlug: z.ZodString }>;

export interface UseCaseContext<I> {
  tx: Db;
  actor: Actor;
  input: I;
  /** Records an audit event in this transaction. Every write must call it at least once. */
  audit(entry: AuditEntry): Promise<void>;
}

/**
 * A write, as the one door runs it: authenticated → input parsed → actor resolved in the
 * org named by input.orgSlug → permission checked → run in one transaction that also
 * writes the audit event → result mapped to a DTO or to { code, message }.
 */
export interface UseCase<S extends OrgInputSchema, R> {
  action: string;
  permission: Permission;
  input: S;
  run(ctx: UseCaseContext<z.infer<S>>): Promise<R>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry of use-cases of any input/output
export type AnyUseCase = UseCase<any, any>;

export async function executeUseCase<S extends OrgInputSchema, R>(
  handle: DatabaseHandle,
  user: SessionUser | null,
  useCase: UseCase<S, R>,
  rawInput: unknown,
  meta: RequestMeta,
): Promise<Result<R>> {
  if (!user) return fail({ code: "unauthenticated", message: "Sign in to do this." });
  const parsed = useCase.input.safeParse(rawInput);
  if (!parsed.success) return fail(invalidInput(parsed.error));
  let actor: Actor | undefined;
  try {
    actor = await resolveActor(handle.db, user, parsed.data.orgSlug);
    requirePermission(actor, useCase.permission);
    const resolved = actor;
    const data = await handle.db.transaction(async (tx) => {
      let audited = 0;
      const result = await useCase.run({
        tx,
        actor: resolved,
        input: parsed.data,
        audit: async (entry) => {
          await recordAudit(tx, resolved, meta, entry);
          audited++;
        },
      });
      // A write that did not audit itself is a bug: refuse it rather than let it land unrecorded.
      if (audited === 0) throw new Error(`use-case ${useCase.action} finished without an audit event`);
      return result;
    });
    return { ok: true, data };
  } catch (err) {
    if (err instanceof PermissionDenied) {
      await recordDenial(handle.db, err.actor, meta, useCase.action, err.permission).catch((auditErr: unknown) =>
        logger.error("could not record a denial", { requestId: meta.requestId, error: String(auditErr) }),
      );
    }
    return fail(toErrorBody(err, meta.requestId));
  }
}

export function fail(error: ErrorBody): { ok: false; error: ErrorBody } {
  return { ok: false, error };
}

export function invalidInput(error: z.ZodError): ErrorBody {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "input";
    fields[key] ??= issue.message;
  }
  const first = Object.entries(fields)[0];
  return {
    code: "invalid_input",
    message: first ? `Check ${first[0]}: ${first[1]}` : "The input is not valid.",
    fields,
  };
}

/** Maps any thrown value to what the client may see. Internals stay in the log. */
export function toErrorBody(err: unknown, requestId: string): ErrorBody {
  if (err instanceof AppError) return { code: err.code, message: err.message, fields: err.fields };
  logger.error("unexpected error", {
    requestId,
    error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
  });
  return {
    code: "internal",
    message: `Something went wrong on our side; nothing was changed. Quote request id ${requestId} when reporting it.`,
    requestId,
  };
}
