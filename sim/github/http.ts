// Response primitives shared by every route. Error bodies follow GitHub's shape:
// { message, documentation_url, status } with status as a string.

export const DOCS = "https://docs.github.com/rest";

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly documentationUrl: string = DOCS,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toResponse(): SimResponse {
    return {
      status: this.status,
      headers: this.headers,
      body: { message: this.message, documentation_url: this.documentationUrl, status: String(this.status), ...this.extra },
    };
  }
}

export const notFound = (): HttpError => new HttpError(404, "Not Found");
export const badCredentials = (): HttpError => new HttpError(401, "Bad credentials");

export function ok(body: unknown, status = 200, headers: Record<string, string> = {}): SimResponse {
  return { status, body, headers };
}

export function noContent(status = 204): SimResponse {
  return { status };
}

export interface PageRequest {
  /** absolute URL of the current request (used to build Link headers) */
  url: URL;
  defaultPerPage?: number;
  maxPerPage?: number;
}

/** Slices `items` by `page`/`per_page` and builds GitHub's Link header (next/last/first/prev). */
export function paginate<T>(items: readonly T[], req: PageRequest): { slice: T[]; headers: Record<string, string> } {
  const max = req.maxPerPage ?? 100;
  const rawPer = Number(req.url.searchParams.get("per_page") ?? req.defaultPerPage ?? 30);
  const perPage = Math.min(Math.max(Number.isFinite(rawPer) && rawPer > 0 ? Math.floor(rawPer) : 30, 1), max);
  const rawPage = Number(req.url.searchParams.get("page") ?? 1);
  const page = Number.isFinite(rawPage) && rawPage >= 1 ? Math.floor(rawPage) : 1;
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string): string => {
    const u = new URL(req.url.toString());
    u.searchParams.set("per_page", String(perPage));
    u.searchParams.set("page", String(p));
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(link(page - 1, "prev"));
  if (page < last) parts.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) parts.push(link(1, "first"));
  return { slice, headers: parts.length > 0 ? { link: parts.join(", ") } : {} };
}
