import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import {
  STRICT_TRANSPORT_SECURITY,
  newNonce,
  originOf,
  pageContentSecurityPolicy,
} from "@/lib/security/headers";

/**
 * Per-request security headers (Next 16's proxy, formerly middleware). A page gets a
 * Content-Security-Policy with a fresh nonce, set on the request too: Next reads the nonce from
 * the request's header while rendering and puts it on its scripts, which is why every page is
 * rendered per request (the root layout waits for the connection). API answers do not come
 * here: their static policy, which lets nothing run, is in next.config.ts, so the API's hot
 * paths pay nothing for the proxy.
 */
export function proxy(request: NextRequest): NextResponse {
  const env = getEnv();
  const https = env.AUTH_URL?.startsWith("https://") ?? false;
  const signInOrigins = [
    ...(env.AUTH_OIDC_ISSUER ? [originOf(env.AUTH_OIDC_ISSUER)] : []),
    ...(env.AUTH_GITHUB_ID ? [env.AUTH_GITHUB_ENTERPRISE_URL ? originOf(env.AUTH_GITHUB_ENTERPRISE_URL) : "https://github.com"] : []),
  ];
  const policy = pageContentSecurityPolicy({ nonce: newNonce(), development: env.NODE_ENV === "development", https, signInOrigins });
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  if (https) response.headers.set("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
  return response;
}

export const config = {
  // Not the API (next.config.ts sets its policy) nor the build's static files: they are the same
  // bytes for everyone and carry no document.
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico).*)"],
};
