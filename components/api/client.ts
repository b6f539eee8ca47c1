import type { Result } from "@/lib/http/errors";

type WriteMethod = "POST" | "PUT" | "PATCH" | "DELETE";

/** `/api/v1/orgs/<slug>/<rest…>`, each segment encoded. */
export function orgApiPath(orgSlug: string, ...rest: string[]): string {
  return `/api/v1/${["orgs", orgSlug, ...rest].map(encodeURIComponent).join("/")}`;
}

/**
 * A write from the browser: a same-origin JSON request to the API's route handler, which
 * runs the same use-case as everything else through the one door (lib/http/define-route).
 *
 * Client components write through this, not through server actions. A server action called
 * from a mutation shares the App Router's action queue with router.refresh() and
 * prefetches, and its promise can then never settle although the server answered in
 * milliseconds (vercel/next.js#74246 and kin; seen here as a "Sync now" that did nothing
 * in about one click in five right after connecting). A plain fetch has no such queue.
 *
 * Resolves to the API's own `{ ok, data }` / `{ ok: false, error }`; rejects only when no
 * JSON answer came back (network down, a proxy's HTML error page).
 */
export async function apiWrite<R>(method: WriteMethod, path: string, body: Record<string, unknown> = {}): Promise<Result<R>> {
  const res = await fetch(path, {
    method,
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
    cache: "no-store",
    credentials: "same-origin",
  });
  if (!(res.headers.get("content-type") ?? "").includes("application/json")) {
    throw new NoResultError(res.status, `Gatehouse answered ${res.status} ${res.statusText} without a result.`);
  }
  return (await res.json()) as Result<R>;
}

/** A write that got an answer, but not the API's JSON: a proxy's error page, or (404) a route this server does not have. */
export class NoResultError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "NoResultError";
  }
}

/** Shown when a write got no answer from Gatehouse at all (network down, server restarting). */
export const UNREACHABLE = "Gatehouse could not be reached. Check your connection and try again.";
