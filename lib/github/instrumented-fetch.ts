import "server-only";
import type { FetchStats } from "./facts";

// The fetch every Octokit request goes through: counts each HTTP attempt and bounds it in time.
// Invariants: a 304 is counted as notModified, never charged; App-JWT endpoints (/app/…) and
// 401s cost no installation rate limit and are not charged; a timeout surfaces as an
// AbortError (Octokit's retry plugin does not retry those, so a hang costs one timeout, not four).

export class RequestTimeoutError extends Error {
  override readonly name = "AbortError";
  readonly timeout = true;
  constructor(readonly timeoutMs: number) {
    super(`GitHub did not answer within ${timeoutMs} ms`);
  }
}

export function isRequestTimeout(error: unknown): error is RequestTimeoutError {
  return error instanceof RequestTimeoutError;
}

function pathOf(input: RequestInfo | URL): string {
  const raw = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  try {
    return new URL(raw).pathname;
  } catch {
    return raw;
  }
}

export function instrumentedFetch(stats: FetchStats, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    stats.requests++;
    const timer = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timer]) : timer;
    let response: Response;
    try {
      response = await fetch(input, { ...init, signal });
    } catch (error) {
      if (timer.aborted) throw new RequestTimeoutError(timeoutMs);
      throw error;
    }
    const path = pathOf(input).replace(/^\/api\/v3(?=\/)/, "");
    const free = path === "/app" || path.startsWith("/app/") || path === "/rate_limit";
    if (response.status === 304) stats.notModified++;
    else if (response.status !== 401 && !free) stats.charged++;
    return response;
  };
}
