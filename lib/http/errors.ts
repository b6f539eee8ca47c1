/**
 * Errors a use-case may throw on purpose. Their messages are written for the user and
 * are returned as they are; anything else becomes "internal" with a request id, and its
 * message stays in the server log.
 */
export type ErrorCode =
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "invalid_input"
  | "unsupported_media_type"
  | "conflict"
  | "rate_limited"
  /** GitHub (or another outside system) refused or failed a change Gatehouse made for the caller: the message is its own. */
  | "upstream_failed"
  | "internal";

export const HTTP_STATUS: Record<ErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid_input: 400,
  unsupported_media_type: 415,
  conflict: 409,
  rate_limited: 429,
  upstream_failed: 502,
  internal: 500,
};

export class AppError extends Error {
  constructor(
    readonly code: Exclude<ErrorCode, "internal">,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** Why an attempt was refused, as the denied audit row records it. */
export type DenialReason = "permission" | "not_member" | "cross_site" | "foreign_installation";

/**
 * A refusal the one door records as a `denied` audit row before answering (lack of
 * permission, a foreign installation): `details` go into the row's metadata.
 */
export class AuditedRefusal extends AppError {
  constructor(
    code: "forbidden" | "not_found",
    message: string,
    readonly reason: DenialReason,
    readonly details: Record<string, string | number | null> = {},
  ) {
    super(code, message);
    this.name = "AuditedRefusal";
  }
}

export const notFound = (what = "This resource") => new AppError("not_found", `${what} was not found.`);
export const conflict = (message: string) => new AppError("conflict", message);

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  fields?: Record<string, string>;
  requestId?: string;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
