import { randomUUID } from "node:crypto";
import type { RequestMeta } from "@/lib/audit/record";

type HeaderSource = { get(name: string): string | null };

/**
 * IP, user agent and request id for the audit log. The IP is the first x-forwarded-for
 * hop when a reverse proxy sets it (Gatehouse is meant to run behind one), else x-real-ip.
 */
export function requestMetaFrom(headers: HeaderSource): RequestMeta {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const requestId = headers.get("x-request-id")?.slice(0, 100) || randomUUID();
  return {
    ip: forwarded || headers.get("x-real-ip") || null,
    userAgent: headers.get("user-agent"),
    requestId,
  };
}
