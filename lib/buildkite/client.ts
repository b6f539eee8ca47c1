import "server-only";
import type { z } from "zod";
import { CloudReadError } from "../cloud/types";
import type { BuildkiteConnection } from "./connection";

// Buildkite's REST API v2 through plain fetch: `Authorization: Bearer`, JSON both ways, errors
// as `{ "message": … }`, lists paged by `page`/`per_page` with a `Link` header. No client
// library: Buildkite publishes an official REST client for Go only (go-buildkite); its npm
// package @buildkite/buildkite-sdk builds pipeline YAML and does not call the API.

/** The read-only token Gatehouse documents (lib/buildkite/README.md). */
export const BUILDKITE_READ_SCOPES = ["read_organizations", "read_pipelines", "read_builds", "read_clusters", "read_agents"] as const;

/** A list is read at 100 a page (the API's maximum); past this many pages the answer is refused. */
const MAX_PAGES = 500;

export class BuildkiteHttpError extends Error {
  constructor(
    readonly status: number,
    /** The body's `message`, "" when there was none. */
    readonly apiMessage: string,
    readonly retryAfterSeconds: string | null,
  ) {
    super(`${status} ${apiMessage || "no message given"}`);
  }
}

export interface BuildkiteApi {
  get(path: string): Promise<unknown>;
  /** Every item of a paged list, following `Link: <…>; rel="next"` on the API's own origin. */
  list(path: string): Promise<unknown[]>;
  send(method: "POST" | "PUT", path: string, body: unknown): Promise<{ status: number; data: unknown }>;
}

function nextLink(header: string | null): string | null {
  for (const part of (header ?? "").split(",")) {
    const m = /^\s*<([^>]*)>\s*;\s*rel="?next"?\s*$/.exec(part);
    if (m !== null) return m[1] as string;
  }
  return null;
}

export function buildkiteApi(conn: BuildkiteConnection): BuildkiteApi {
  const origin = new URL(conn.apiUrl).origin;
  const request = async (method: string, url: string, body?: unknown): Promise<{ status: number; data: unknown; link: string | null }> => {
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${conn.token}`, accept: "application/json", ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const raw = await res.text();
    let data: unknown = null;
    try {
      data = raw === "" ? null : (JSON.parse(raw) as unknown);
    } catch {
      if (res.ok) throw new CloudReadError(`The Buildkite API at ${conn.apiUrl} answered ${method} ${new URL(url).pathname} with something other than JSON: check that the API URL is Buildkite's REST API.`, "shape");
    }
    if (!res.ok) {
      const message = typeof (data as { message?: unknown } | null)?.message === "string" ? (data as { message: string }).message : "";
      throw new BuildkiteHttpError(res.status, message, res.headers.get("ratelimit-reset"));
    }
    return { status: res.status, data, link: res.headers.get("link") };
  };
  return {
    get: async (path) => (await request("GET", `${conn.apiUrl}${path}`)).data,
    send: async (method, path, body) => {
      const { status, data } = await request(method, `${conn.apiUrl}${path}`, body ?? undefined);
      return { status, data };
    },
    list: async (path) => {
      const items: unknown[] = [];
      let url: string | null = `${conn.apiUrl}${path}${path.includes("?") ? "&" : "?"}per_page=100`;
      for (let page = 0; url !== null; page++) {
        if (page >= MAX_PAGES) throw new CloudReadError(`Buildkite's list ${path} goes past ${MAX_PAGES} pages of 100; Gatehouse stops there rather than read without end.`, "shape");
        const { data, link }: { data: unknown; link: string | null } = await request("GET", url);
        if (!Array.isArray(data)) throw new CloudReadError(`Buildkite's answer to GET ${path} is not a list: check that ${conn.apiUrl} is Buildkite's REST API.`, "shape");
        items.push(...(data as unknown[]));
        const next = nextLink(link);
        // The token goes wherever the next link points: only ever to the API's own origin.
        if (next !== null && new URL(next, conn.apiUrl).origin !== origin) {
          throw new CloudReadError(`Buildkite's next-page link for ${path} points to ${new URL(next, conn.apiUrl).origin}, not ${origin}; the token is not sent there.`, "shape");
        }
        url = next === null || next === url ? null : new URL(next, conn.apiUrl).toString();
      }
      return items;
    },
  };
}

/** Parses a wire answer, or says which field is not what the REST API documents. */
export function parseWire<T>(schema: z.ZodType<T>, data: unknown, what: string, conn: BuildkiteConnection): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? "the answer" : issue.path.join(".");
  throw new CloudReadError(`Buildkite's answer while ${what} is not what its REST API documents (${where}: ${issue?.message ?? "unreadable"}): check that ${conn.apiUrl} is Buildkite's REST API.`, "shape");
}

/** The sentence for a failed call: what happened, and what to do about it. */
export function buildkiteError(error: unknown, what: string, conn: BuildkiteConnection): CloudReadError {
  if (error instanceof CloudReadError) return error;
  if (!(error instanceof BuildkiteHttpError)) {
    return new CloudReadError(`Could not reach the Buildkite API at ${conn.apiUrl} while ${what} (${error instanceof Error ? error.message : String(error)}): check the API URL and the network.`, "network");
  }
  const said = error.apiMessage ? ` (${error.apiMessage})` : "";
  if (error.status === 401) {
    return new CloudReadError(
      `Buildkite refused the API access token while ${what}: it is wrong, expired or revoked. Create one for organization ${conn.orgSlug} (Personal Settings → API Access Tokens) with ${BUILDKITE_READ_SCOPES.join(", ")}.`,
      "credentials",
    );
  }
  if (error.status === 403) {
    const scope = /\bthe ([a-z_]+) scope\b/.exec(error.apiMessage)?.[1];
    if (scope !== undefined) return new CloudReadError(`The Buildkite API access token lacks the ${scope} scope needed for ${what}: add ${scope} to the token (Personal Settings → API Access Tokens → Edit).`, "denied");
    return new CloudReadError(`Buildkite refused ${what}${said}: a token can do no more than the person who created it, and that person has no such access in ${conn.orgSlug}.`, "denied");
  }
  if (error.status === 404 && /organization/i.test(error.apiMessage)) {
    return new CloudReadError(`Buildkite has no organization "${conn.orgSlug}" that this token can see: check the slug (the part after buildkite.com/ in the organization's URL) and that the token was given access to it.`, "credentials");
  }
  if (error.status === 404) return new CloudReadError(`Buildkite found nothing while ${what}${said}: it no longer exists, or this token cannot see it.`, "shape");
  if (error.status === 429) return new CloudReadError(`Buildkite's rate limit was reached while ${what}: retry in ${error.retryAfterSeconds ?? "a few"} seconds.`, "network");
  if (error.status >= 500) return new CloudReadError(`Buildkite answered ${error.status} while ${what}${said}: try again later.`, "network");
  return new CloudReadError(`Buildkite answered ${error.status} while ${what}${said}.`, "shape");
}

/** Runs one call (or a few) and turns any failure into the sentence for `what`. */
export async function step<T>(what: string, conn: BuildkiteConnection, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw buildkiteError(error, what, conn);
  }
}
