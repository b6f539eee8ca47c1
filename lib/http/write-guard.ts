import type { Env } from "@/lib/env";

type HeaderSource = { get(name: string): string | null };

/**
 * The origin of record, for the cross-site check on writes.
 * - AUTH_URL set: its origin. It is the address users sign in at, so it is where the app's
 *   own pages are served from; nothing in the request can change it.
 * - Otherwise the request's own host: X-Forwarded-Host when AUTH_TRUST_HOST says a proxy
 *   sets it, else Host. The scheme is X-Forwarded-Proto, which Next.js itself fills from the
 *   socket when no proxy sent one, else the request URL's.
 * A cross-site page cannot set any of these headers on the victim's request (they are not
 * settable by page scripts or forms), so an attacker's Origin never matches.
 */
export function expectedOrigin(headers: HeaderSource, requestUrl: string | null, env: Pick<Env, "AUTH_URL" | "AUTH_TRUST_HOST">): string | null {
  if (env.AUTH_URL) return new URL(env.AUTH_URL).origin;
  const first = (v: string | null) => v?.split(",")[0]?.trim() || null;
  const url = requestUrl ? new URL(requestUrl) : null;
  const host = (env.AUTH_TRUST_HOST ? first(headers.get("x-forwarded-host")) : null) ?? headers.get("host") ?? url?.host ?? null;
  const proto = first(headers.get("x-forwarded-proto")) ?? url?.protocol.replace(/:$/, "") ?? null;
  if (!host || !proto) return null;
  return `${proto}://${host}`.toLowerCase();
}

export type CrossSite = { origin: string | null; fetchSite: string | null; expected: string | null };

/**
 * A write must come from the app's own pages: `Sec-Fetch-Site: same-origin` (set by the
 * browser, which no page can forge), or an `Origin` equal to the origin of record. Neither
 * (a missing Origin, `null`, another site, a sibling subdomain) is cross-site.
 */
export function crossSite(headers: HeaderSource, requestUrl: string | null, env: Pick<Env, "AUTH_URL" | "AUTH_TRUST_HOST">): CrossSite | null {
  const fetchSite = headers.get("sec-fetch-site");
  if (fetchSite === "same-origin") return null;
  const origin = headers.get("origin");
  const expected = expectedOrigin(headers, requestUrl, env);
  if (origin && expected && origin.toLowerCase() === expected) return null;
  return { origin: origin?.slice(0, 200) ?? null, fetchSite: fetchSite?.slice(0, 40) ?? null, expected };
}

export function crossSiteMessage(c: CrossSite): string {
  const from = c.origin && c.origin !== "null" ? `from ${c.origin}` : "without an Origin header";
  return `This change was refused: it came ${from}, not from Gatehouse's own pages${c.expected ? ` (${c.expected})` : ""}. Make it from Gatehouse itself; a script calling the API sends Origin: ${c.expected ?? "<Gatehouse's address>"} and a JSON body.`;
}

/** Writes take a JSON body and nothing else: forms (which any site can post) are refused. */
export function isJsonContentType(contentType: string | null): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
}

export const UNSUPPORTED_MEDIA_TYPE_MESSAGE = "Send the request body as JSON with the header Content-Type: application/json.";
