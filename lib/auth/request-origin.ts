import "server-only";
import { headers } from "next/headers";
import { getEnv } from "@/lib/env";

/**
 * The origin this request was addressed to: AUTH_URL when it is set (the public URL),
 * otherwise the Host header (or the proxy's X-Forwarded-Host). Used only to recognise our
 * own absolute URLs; redirects built from it are paths, so a forged header moves nobody.
 */
export async function requestOrigin(): Promise<string> {
  const env = getEnv();
  if (env.AUTH_URL) return new URL(env.AUTH_URL).origin;
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost";
  const proto = h.get("x-forwarded-proto") === "https" ? "https" : "http";
  return `${proto}://${host}`;
}
