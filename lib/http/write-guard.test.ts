import { describe, expect, it } from "vitest";
import { crossSite, expectedOrigin, isJsonContentType } from "./write-guard";

const h = (x: Record<string, string>) => new Headers(x);
const NO_URL = { AUTH_URL: undefined, AUTH_TRUST_HOST: undefined };

describe("the origin of record", () => {
  it("is AUTH_URL's origin when set, whatever the request says", () => {
    const env = { AUTH_URL: "https://gatehouse.example.com/", AUTH_TRUST_HOST: true };
    expect(expectedOrigin(h({ host: "evil.example", "x-forwarded-host": "evil.example" }), "http://evil.example/x", env)).toBe("https://gatehouse.example.com");
  });

  it("is X-Forwarded-Host only when AUTH_TRUST_HOST says a proxy sets it", () => {
    const headers = h({ host: "10.0.0.5:3000", "x-forwarded-host": "gatehouse.example.com", "x-forwarded-proto": "https" });
    expect(expectedOrigin(headers, "http://10.0.0.5:3000/api", { AUTH_URL: undefined, AUTH_TRUST_HOST: true })).toBe("https://gatehouse.example.com");
    expect(expectedOrigin(headers, "http://10.0.0.5:3000/api", NO_URL)).toBe("https://10.0.0.5:3000");
  });

  it("falls back to the request URL", () => {
    expect(expectedOrigin(h({}), "http://localhost:3000/api", NO_URL)).toBe("http://localhost:3000");
  });
});

describe("cross-site writes", () => {
  const env = { AUTH_URL: "https://gatehouse.example.com", AUTH_TRUST_HOST: true };
  it("same origin passes; Sec-Fetch-Site: same-origin passes", () => {
    expect(crossSite(h({ origin: "https://gatehouse.example.com" }), null, env)).toBeNull();
    expect(crossSite(h({ "sec-fetch-site": "same-origin" }), null, env)).toBeNull();
  });

  it("another site, a sibling subdomain, another scheme, Origin: null, no Origin at all: refused", () => {
    for (const origin of ["https://evil.example", "https://dev.example.com", "https://x.gatehouse.example.com", "http://gatehouse.example.com", "null"]) {
      expect(crossSite(h({ origin, "sec-fetch-site": "same-site" }), null, env)).toMatchObject({ origin });
    }
    expect(crossSite(h({}), null, env)).toMatchObject({ origin: null, expected: "https://gatehouse.example.com" });
  });
});

describe("content type", () => {
  it("JSON only", () => {
    expect(isJsonContentType("application/json")).toBe(true);
    expect(isJsonContentType("Application/JSON; charset=utf-8")).toBe(true);
    expect(isJsonContentType("application/x-www-form-urlencoded")).toBe(false);
    expect(isJsonContentType("text/plain")).toBe(false);
    expect(isJsonContentType("multipart/form-data; boundary=x")).toBe(false);
    expect(isJsonContentType(null)).toBe(false);
  });
});
