import type { NextConfig } from "next";
import { STATIC_SECURITY_HEADERS } from "./lib/security/headers";

const config: NextConfig = {
  // Native/wasm database and queue packages stay outside the bundle (stack notes, item 11).
  serverExternalPackages: ["@electric-sql/pglite", "pg-boss", "oidc-provider"],
  poweredByHeader: false,
  // `npm test` type-checks the whole project with tsc; the build need not do it twice.
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
  // The same for every response; the Content-Security-Policy (a nonce per page) and HSTS (it
  // depends on AUTH_URL, read at run time) are set by proxy.ts.
  async headers() {
    return [{ source: "/:path*", headers: [...STATIC_SECURITY_HEADERS] }];
  },
};

export default config;
