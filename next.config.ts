import type { NextConfig } from "next";
import { API_CONTENT_SECURITY_POLICY, STATIC_SECURITY_HEADERS } from "./lib/security/headers";

const config: NextConfig = {
  // Native/wasm database and queue packages stay outside the bundle (stack notes, item 11).
  serverExternalPackages: ["@electric-sql/pglite", "pg-boss", "oidc-provider"],
  poweredByHeader: false,
  // `npm test` type-checks the whole project with tsc; the build need not do it twice.
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
  // The same for every response; API answers also get the policy that lets nothing run (set
  // here, not in proxy.ts, so the API's hot paths skip the proxy). A page's Content-Security-
  // Policy (a nonce per page) and HSTS (it depends on AUTH_URL, read at run time) are set by
  // proxy.ts; HSTS on the pages covers the whole host.
  async headers() {
    return [
      { source: "/:path*", headers: [...STATIC_SECURITY_HEADERS] },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
    ];
  },
};

export default config;
