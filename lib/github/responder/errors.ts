import "server-only";
import { RequestError } from "octokit";
import { isRequestTimeout } from "../instrumented-fetch";
import type { PermissionLevel, ResponderStep } from "./steps";

// The one error of the responder client. Its message is a sentence a responder can act on, shown
// as it is on the checklist item; it never holds a token, a request body or a secret value (only
// GitHub's own `message` is quoted, and GitHub never echoes a secret).

export type ResponderErrorKind = "missing-permission" | "not-found" | "rate-limited" | "refused" | "transient" | "not-installed";

export class ResponderError extends Error {
  override readonly name = "ResponderError";
  readonly status?: number;
  /** GitHub's `message`, when GitHub answered. */
  readonly githubMessage?: string;
  /** missing-permission: what the App or the step's token lacks, e.g. [["actions", "write"]]. */
  readonly missing?: readonly [string, PermissionLevel][];

  constructor(
    readonly kind: ResponderErrorKind,
    message: string,
    details: { status?: number; githubMessage?: string; missing?: readonly [string, PermissionLevel][] } = {},
  ) {
    super(message);
    if (details.status !== undefined) this.status = details.status;
    if (details.githubMessage !== undefined) this.githubMessage = details.githubMessage;
    if (details.missing !== undefined) this.missing = details.missing;
  }
}

export function githubMessageOf(error: RequestError): string | undefined {
  const data = error.response?.data as { message?: unknown } | undefined;
  return typeof data?.message === "string" ? data.message : undefined;
}

function header(error: RequestError, name: string): string | undefined {
  const value = error.response?.headers[name];
  return typeof value === "string" ? value : undefined;
}

/** "actions: write and administration: write" */
export function describePermissions(list: readonly [string, string][]): string {
  return list.map(([name, level]) => `${name}: ${level}`).join(" and ");
}

/** The sentence of a permission the App's installation does not grant. */
export function appLacksMessage(missing: readonly [string, PermissionLevel][], orgLogin: string): string {
  const them = missing.length === 1 ? "it" : "them";
  return `The responder App lacks ${describePermissions(missing)} — grant ${them} on the App's settings page, then accept the new permissions on the organisation ${orgLogin}.`;
}

export interface CallContext {
  /** what was being done, e.g. "Disabling acme/api's workflow deploy.yml" */
  what: string;
  step: ResponderStep;
  /** what the session's token was minted with */
  tokenPermissions: Readonly<Record<string, PermissionLevel>>;
  orgLogin: string;
}

/** `x-accepted-github-permissions: actions=write; contents=read` → [["actions","write"], …] */
function acceptedPermissions(value: string): [string, PermissionLevel][] {
  return value
    .split(";")
    .map((part) => part.trim().split("="))
    .filter((pair): pair is [string, string] => pair.length === 2 && pair[0] !== "")
    .map(([name, level]) => [name, level === "write" || level === "admin" ? "write" : "read"]);
}

/** Maps whatever a GitHub call threw (after the client's retries) to a ResponderError. */
export function toResponderError(error: unknown, ctx: CallContext): ResponderError {
  if (error instanceof ResponderError) return error;
  if (isRequestTimeout(error)) {
    return new ResponderError("transient", `${ctx.what}: GitHub did not answer in time. Try again: every responder action is safe to repeat (the call may already have taken effect).`);
  }
  if (!(error instanceof RequestError)) {
    const reason = error instanceof Error ? error.message : String(error);
    return new ResponderError("transient", `${ctx.what}: GitHub could not be reached (${reason}). Try again: every responder action is safe to repeat.`);
  }
  const status = error.status;
  const githubMessage = githubMessageOf(error);
  const details = { status, ...(githubMessage !== undefined ? { githubMessage } : {}) };
  const accepted = header(error, "x-accepted-github-permissions");
  if (status === 403 && accepted) {
    const needs = acceptedPermissions(accepted);
    const notInToken = needs.filter(([name, level]) => ctx.tokenPermissions[name] !== level && ctx.tokenPermissions[name] !== "write");
    if (notInToken.length === needs.length) {
      return new ResponderError(
        "missing-permission",
        `${ctx.what}: this call needs ${describePermissions(needs)}, which the ${ctx.step} token does not carry. Open a session for the step (and secret scope) that makes this call.`,
        { ...details, missing: needs },
      );
    }
    return new ResponderError("missing-permission", `${ctx.what}: ${appLacksMessage(needs, ctx.orgLogin)}`, { ...details, missing: needs });
  }
  if ((status === 403 || status === 429) && (header(error, "x-ratelimit-remaining") === "0" || /rate limit/i.test(githubMessage ?? ""))) {
    const reset = Number(header(error, "x-ratelimit-reset"));
    const when = Number.isFinite(reset) && reset > 0 ? ` (it resets at ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC)` : "";
    return new ResponderError("rate-limited", `${ctx.what}: the responder App's GitHub rate limit is still exhausted after waiting${when}. Try again later, or run the command by hand.`, details);
  }
  if (status === 404) {
    return new ResponderError("not-found", `${ctx.what}: GitHub answered 404 — it was deleted or renamed, or it is outside the repositories this action was scoped to.`, details);
  }
  if (status === 401) {
    return new ResponderError("refused", `${ctx.what}: GitHub refused the responder token (revoked or expired). Start the action again.`, details);
  }
  if (status >= 500) {
    return new ResponderError("transient", `${ctx.what}: GitHub answered ${status} after retries. Try again: every responder action is safe to repeat.`, details);
  }
  return new ResponderError("refused", `${ctx.what}: GitHub refused it (${status}${githubMessage ? `: ${githubMessage}` : ""}).`, details);
}
