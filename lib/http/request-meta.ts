import { randomUUID } from "node:crypto";
import { isIP } from "node:net";
import type { RequestMeta } from "@/lib/audit/record";
import { getEnv } from "@/lib/env";

type HeaderSource = { get(name: string): string | null };

/**
 * IP, user agent and request id for the audit log.
 *
 * IP: with TRUSTED_PROXY_COUNT = n ≥ 1, each of our n proxies appends the address it saw to
 * X-Forwarded-For, so the client is the n-th entry from the right; everything left of it was
 * written by the client and is ignored. Fewer entries than n means the request did not come
 * through the proxies: unknown. With n = 0 (no proxy) the address is unknown too: Next.js does
 * not give route handlers the socket, and fills X-Forwarded-For with the peer only when the
 * client sent none, so the header cannot tell a peer from a forgery. Unknown is recorded as null.
 *
 * Request id: always generated here. A client's x-request-id is kept apart, as
 * `clientRequestId` (sanitised, 64 characters at most), never as the id of record.
 */
export function requestMetaFrom(headers: HeaderSource, trustedProxies = getEnv().TRUSTED_PROXY_COUNT): RequestMeta {
  const clientRequestId = headers.get("x-request-id")?.replace(/[^\w.:-]/g, "").slice(0, 64);
  return {
    ip: clientIp(headers.get("x-forwarded-for"), trustedProxies),
    userAgent: headers.get("user-agent"),
    requestId: randomUUID(),
    ...(clientRequestId ? { clientRequestId } : {}),
  };
}

export function clientIp(forwardedFor: string | null, trustedProxies: number): string | null {
  if (trustedProxies < 1 || !forwardedFor) return null;
  const hops = forwardedFor.split(",").map((h) => h.trim());
  const hop = hops[hops.length - trustedProxies];
  return hop && isIP(stripPort(hop)) ? stripPort(hop) : null;
}

/** "203.0.113.7:51234" and "[2001:db8::1]:443" → the address alone. */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1]!;
  return /^[\d.]+:\d+$/.test(hop) ? hop.slice(0, hop.lastIndexOf(":")) : hop;
}
