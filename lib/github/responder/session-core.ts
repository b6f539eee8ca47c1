import "server-only";
import type { GithubClient } from "../client";
import type { ApiCall } from "./calls";
import { ResponderError, toResponderError } from "./errors";
import type { PermissionLevel, ResponderStep } from "./steps";

// How a session sends one ApiCall: through the session's client (GitHub's retry and throttling
// plugins: 5xx and network failures retried with backoff, secondary rate limits waited out,
// writes spaced), every failure mapped to a ResponderError, nothing after close.

export interface SessionCore {
  readonly step: ResponderStep;
  readonly orgLogin: string;
  readonly tokenPermissions: Readonly<Record<string, PermissionLevel>>;
  send<T>(call: ApiCall, what: string): Promise<{ status: number; data: T }>;
  /** Every page of a list (GitHub's `link: next`); `stop` ends it after the page it returns true for. */
  list<T>(call: ApiCall, what: string, stop?: (page: readonly T[]) => boolean): Promise<T[]>;
}

export function createSessionCore(
  client: GithubClient,
  ctx: { step: ResponderStep; orgLogin: string; tokenPermissions: Readonly<Record<string, PermissionLevel>> },
  isOpen: () => boolean,
): SessionCore {
  const fail = (error: unknown, what: string) => toResponderError(error, { what, ...ctx });
  const assertOpen = (what: string) => {
    if (!isOpen()) throw new ResponderError("refused", `${what}: this responder session is closed (its token was revoked). Open a new session.`);
  };
  return {
    ...ctx,
    async send<T>(call: ApiCall, what: string) {
      assertOpen(what);
      try {
        const response = await client.octokit.request(`${call.method} ${call.path}`, { ...call.body });
        return { status: response.status, data: response.data as T };
      } catch (error) {
        throw fail(error, what);
      }
    },
    async list<T>(call: ApiCall, what: string, stop?: (page: readonly T[]) => boolean) {
      assertOpen(what);
      try {
        // The route is built at run time (calls.ts), so Octokit's per-route types do not apply.
        const paginate = client.octokit.paginate as unknown as (
          route: string,
          parameters: object,
          mapFn: (response: { data: unknown }, done: () => void) => T[],
        ) => Promise<T[]>;
        return await paginate(`GET ${call.path}`, {}, (response, done) => {
          const page = response.data as T[];
          if (stop?.(page)) done();
          return page;
        });
      } catch (error) {
        throw fail(error, what);
      }
    },
  };
}
