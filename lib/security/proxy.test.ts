// proxy.ts with a production configuration behind https.
import { beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";

let proxy: typeof import("@/proxy").proxy;

beforeAll(async () => {
  Object.assign(process.env, {
    NODE_ENV: "production",
    AUTH_SECRET: "x".repeat(40),
    AUTH_URL: "https://gatehouse.example.com",
    AUTH_OIDC_ISSUER: "https://login.example.com/realms/acme",
    AUTH_OIDC_CLIENT_ID: "gatehouse",
    AUTH_OIDC_CLIENT_SECRET: "s3cret",
  });
  ({ proxy } = await import("@/proxy"));
});

const nonceOf = (policy: string | null) => /'nonce-([^']+)'/.exec(policy ?? "")?.[1];

describe("proxy", () => {
  it("gives a page a policy with a fresh nonce, and hands the same policy to Next on the request", () => {
    const first = proxy(new NextRequest("https://gatehouse.example.com/orgs/acme"));
    const second = proxy(new NextRequest("https://gatehouse.example.com/orgs/acme"));
    const policy = first.headers.get("content-security-policy");
    expect(nonceOf(policy)).toBeTruthy();
    expect(nonceOf(second.headers.get("content-security-policy"))).not.toBe(nonceOf(policy));
    // NextResponse.next({ request: { headers } }) passes request headers to the render this way.
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
    expect(policy).toContain("form-action 'self' https://login.example.com;");
    expect(policy).toContain("upgrade-insecure-requests");
    expect(first.headers.get("strict-transport-security")).toBe("max-age=31536000");
  });

  it("leaves API answers to next.config.ts, which gives them the policy that lets nothing run", async () => {
    const { config } = await import("@/proxy");
    const matcher = new RegExp(`^${config.matcher[0]!}$`);
    expect(matcher.test("/api/v1/orgs")).toBe(false);
    expect(matcher.test("/api/health")).toBe(false);
    expect(matcher.test("/orgs/acme/api-keys")).toBe(true);
    expect(matcher.test("/orgs/acme")).toBe(true);
    const { default: nextConfig } = await import("@/next.config");
    const rules = await nextConfig.headers!();
    const api = rules.find((r) => r.source === "/api/:path*");
    expect(api?.headers).toContainEqual({ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'" });
  });
});
