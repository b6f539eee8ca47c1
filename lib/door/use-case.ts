import "server-only";
import type { z } from "zod";
import type { DatabaseHandle, Db } from "@/lib/db/types";
import { PermissionDenied, requirePermission, resolveActor, type Actor, type SessionUser } from "@/lib/authz/actor";
import type { Permission } from "@/lib/authz/roles";
import { recordAudit, type RequestMeta } from "@/lib/audit/record";
import { recordDenial, recordNonMemberDenial } from "@/lib/audit/denials";
import type { AuditEntry } from "@/lib/audit/define-event";
import { AppError, AuditedRefusal, type ErrorBody, type Result } from "@/lib/http/errors";
import { logger } from "@/lib/logger";
import { logDenialFailure } from "@/lib/http/refusals";

export type OrgInputSchema = z.ZodObject<{ orgSlug: z.ZodString }>;

export interface UseCaseContext<I, P = undefined> {
  tx: Db;
  actor: Actor;
  input: I;
  /** What `prepare` returned (network reads done before the transaction opened). */
  prepared: P;
  /** Records an audit event in this transaction. Every write must call it at least once. */
  audit(entry: AuditEntry): Promise<void>;
}

/**
 * What a change outside Gatehouse came to (calls to GitHub): recorded as its own audit event,
 * `<action>.outcome`, tied to the intent by the request id and the intent's action.
 */
export interface ActOutcome<O> {
  /** partial: some of the calls failed (which ones is the domain's to record). */
  status: "succeeded" | "partial" | "failed";
  /** One line for the audit log and the caller: what happened, GitHub's message when it failed. Never a secret. */
  summary: string;
  data: O;
  /** More for the outcome's audit row (counts, item ids). Never a secret. */
  metadata?: Record<string, unknown>;
}

/**
 * The phase after commit of a use-case that acts outside Gatehouse: intent (committed and
 * audited by `run`) → `act` (network, no transaction held) → `record` (what the outcome means
 * for the domain, in the transaction that also audits the outcome). `record` runs for a
 * failure too — with `outcome.data` undefined when `act` threw — so an intent is never left
 * half-recorded.
 */
export interface ActPhase<I, C, O> {
  act(ctx: { actor: Actor; input: I; intent: C }): Promise<ActOutcome<O>>;
  record(ctx: { tx: Db; actor: Actor; input: I; intent: C; outcome: ActOutcome<O | undefined> }): Promise<void>;
}

/**
 * A write, as the one door runs it: authenticated → input parsed → actor resolved in the
 * org named by input.orgSlug → permission checked → run in one transaction that also
 * writes the audit event → (for changes outside Gatehouse) the act phase → result mapped
 * to a DTO or to { code, message }.
 *
 * `C` is what `run` commits; without an act phase it is also the result (`R`).
 */
export interface UseCase<S extends OrgInputSchema, R, P = undefined, C = R> {
  action: string;
  permission: Permission;
  input: S;
  /** Reads that need the network (GitHub) run here, after the permission check, outside the transaction. */
  prepare?(input: z.infer<S>, actor: Actor): Promise<P>;
  run(ctx: UseCaseContext<z.infer<S>, P>): Promise<C>;
  /**
   * Job enqueueing and other best-effort work after the transaction committed — never inside it.
   * A failure here is the use-case's to record (e.g. mark a queued run failed); it is logged
   * and does not undo the committed change. Work whose outcome must be audited is `outcome`'s.
   */
  afterCommit?(result: C, actor: Actor): Promise<void>;
  /** Changes outside Gatehouse, after commit, with an audited outcome (see ActPhase). */
  outcome?: ActPhase<z.infer<S>, C, R>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry of use-cases of any input/output
export type AnyUseCase = UseCase<any, any, any, any>;

export async function executeUseCase<S extends OrgInputSchema, R, P, C>(
  handle: DatabaseHandle,
  user: SessionUser | null,
  useCase: UseCase<S, R, P, C>,
  rawInput: unknown,
  meta: RequestMeta,
): Promise<Result<R>> {
  if (!user) return fail({ code: "unauthenticated", message: "Sign in to do this." });
  const parsed = useCase.input.safeParse(rawInput);
  if (!parsed.success) return fail(invalidInput(parsed.error));
  let actor: Actor | undefined;
  try {
    actor = await resolveActor(handle.db, user, parsed.data.orgSlug).catch(async (err: unknown) => {
      // Not a member (or no such org): the same 404, and a denied row for the probe.
      if (err instanceof AppError && err.code === "not_found") {
        await recordNonMemberDenial(handle.db, user, parsed.data.orgSlug, meta, { action: useCase.action, permission: useCase.permission }).catch((e: unknown) =>
          logDenialFailure(meta, e),
        );
      }
      throw err;
    });
    requirePermission(actor, useCase.permission);
    const resolved = actor;
    const prepared = (useCase.prepare ? await useCase.prepare(parsed.data, resolved) : undefined) as P;
    const data = await handle.db.transaction(async (tx) => {
      let audited = 0;
      const result = await useCase.run({
        tx,
        actor: resolved,
        input: parsed.data,
        prepared,
        audit: async (entry) => {
          await recordAudit(tx, resolved, meta, entry);
          audited++;
        },
      });
      // A write that did not audit itself is a bug: refuse it rather than let it land unrecorded.
      if (audited === 0) throw new Error(`use-case ${useCase.action} finished without an audit event`);
      return result;
    });
    if (useCase.afterCommit) {
      await useCase.afterCommit(data, resolved).catch((err: unknown) =>
        logger.error(`after-commit step of ${useCase.action} failed`, { requestId: meta.requestId, error: err }),
      );
    }
    if (!useCase.outcome) return { ok: true, data: data as unknown as R };
    return await runOutcome(handle, useCase.action, useCase.outcome, { actor: resolved, input: parsed.data, intent: data }, meta);
  } catch (err) {
    // Refusals (no permission, a foreign installation…) are audited on their own connection.
    const subject = err instanceof PermissionDenied ? err.actor : actor;
    if (err instanceof AuditedRefusal && subject) {
      await recordDenial(handle.db, subject, meta, { action: useCase.action, reason: err.reason, permission: useCase.permission, details: err.details }).catch(
        (auditErr: unknown) => logDenialFailure(meta, auditErr),
      );
    }
    return fail(toErrorBody(err, meta.requestId));
  }
}

/**
 * The act phase: act, then record and audit the outcome in one transaction. When act throws,
 * the outcome is `failed` with the error's message (an AppError's as it is, anything else
 * behind a request id), still recorded and audited, and the caller gets the error.
 */
async function runOutcome<I, C, R>(
  handle: DatabaseHandle,
  action: string,
  phase: ActPhase<I, C, R>,
  ctx: { actor: Actor; input: I; intent: C },
  meta: RequestMeta,
): Promise<Result<R>> {
  let outcome: ActOutcome<R | undefined>;
  let thrown: ErrorBody | null = null;
  try {
    outcome = await phase.act(ctx);
  } catch (err) {
    thrown = toErrorBody(err, meta.requestId);
    outcome = { status: "failed", summary: thrown.message, data: undefined };
  }
  await handle.db.transaction(async (tx) => {
    await phase.record({ tx, ...ctx, outcome });
    await recordAudit(tx, ctx.actor, meta, {
      action: `${action}.outcome`,
      outcome: outcome.status === "failed" ? "failure" : "success",
      metadata: { ...outcome.metadata, intent: action, status: outcome.status, summary: outcome.summary.slice(0, 1000) },
    });
  });
  if (thrown) return fail(thrown);
  return { ok: true, data: outcome.data as R };
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
  // The logger redacts query parameters from the message and its cause (a session token is one).
  logger.error("unexpected error", { requestId, error: err instanceof Error ? err : String(err) });
  return {
    code: "internal",
    message: `Something went wrong on our side; nothing was changed. Quote request id ${requestId} when reporting it.`,
    requestId,
  };
}
