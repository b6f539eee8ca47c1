import "server-only";
import { RequestError } from "octokit";
import type { GithubClient } from "./client";

// Conditional REST GETs. Every GET of the fetch layer goes through `conditionalGet`: it replays
// the stored ETag as If-None-Match; a 304 (free on GitHub) returns the stored body and `link`
// header. Pagination keys each page by its own URL, so an unchanged list costs only 304s.
// Invariant: the store holds response bodies and links only, never request headers (no tokens).

export interface EtagStore {
  get(key: string): Promise<{ etag: string; body: unknown } | null>;
  set(key: string, etag: string, body: unknown): Promise<void>;
}

export class MemoryEtagStore implements EtagStore {
  private readonly entries = new Map<string, { etag: string; body: unknown }>();

  async get(key: string): Promise<{ etag: string; body: unknown } | null> {
    return this.entries.get(key) ?? null;
  }

  async set(key: string, etag: string, body: unknown): Promise<void> {
    this.entries.set(key, { etag, body });
  }

  get size(): number {
    return this.entries.size;
  }
}

interface Envelope {
  data: unknown;
  link: string | null;
}

function isEnvelope(value: unknown): value is Envelope {
  return typeof value === "object" && value !== null && "data" in value && "link" in value;
}

export interface ConditionalResponse {
  data: unknown;
  link: string | null;
  notModified: boolean;
}

/** Absolute URL of `path` (a path with query, or an absolute `link` URL) under the client's base URL. */
function absoluteUrl(client: GithubClient, path: string): string {
  return /^https?:\/\//.test(path) ? path : `${client.baseUrl}${path}`;
}

/** One conditional GET; `path` is a concrete path with query (`/orgs/acme/repos?per_page=100`) or a `link` URL. */
export async function conditionalGet(client: GithubClient, etags: EtagStore, path: string): Promise<ConditionalResponse> {
  const url = absoluteUrl(client, path);
  const key = `GET ${url}`;
  const cached = await etags.get(key);
  const usable = cached && isEnvelope(cached.body) ? { etag: cached.etag, body: cached.body } : null;
  try {
    const response = await client.octokit.request({
      method: "GET",
      url,
      headers: usable ? { "if-none-match": usable.etag } : {},
    });
    const link = typeof response.headers.link === "string" ? response.headers.link : null;
    const etag = response.headers.etag;
    if (typeof etag === "string") await etags.set(key, etag, { data: response.data, link } satisfies Envelope);
    return { data: response.data, link, notModified: false };
  } catch (error) {
    if (usable && error instanceof RequestError && error.status === 304) {
      return { data: usable.body.data, link: usable.body.link, notModified: true };
    }
    throw error;
  }
}

function nextLink(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (m?.[1]) return m[1];
  }
  return null;
}

/**
 * All pages of a list endpoint, each page conditional. `pick` extracts the items from a page
 * (a bare array, or `{ total_count, secrets: [...] }`).
 */
export async function conditionalList<T>(
  client: GithubClient,
  etags: EtagStore,
  path: string,
  pick: (data: unknown) => T[],
): Promise<T[]> {
  const items: T[] = [];
  let next: string | null = path;
  for (let page = 0; next !== null; page++) {
    if (page >= 1000) throw new Error(`Pagination of ${path} did not end`);
    const response: ConditionalResponse = await conditionalGet(client, etags, next);
    items.push(...pick(response.data));
    next = nextLink(response.link);
  }
  return items;
}
