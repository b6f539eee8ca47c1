import { describe, expect, it } from "vitest";
import { API_CONTENT_SECURITY_POLICY, newNonce, pageContentSecurityPolicy } from "./headers";

const directives = (policy: string) => new Map(policy.split("; ").map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)]));

describe("the page Content-Security-Policy", () => {
  const prod = directives(pageContentSecurityPolicy({ nonce: "abc", development: false, https: true, signInOrigins: ["https://login.example.com"] }));

  it("runs only scripts carrying the response's nonce (and what they load), never inline code or eval", () => {
    expect(prod.get("script-src")).toEqual(["'self'", "'nonce-abc'", "'strict-dynamic'"]);
    expect(prod.get("default-src")).toEqual(["'self'"]);
    expect(prod.get("object-src")).toEqual(["'none'"]);
  });

  it("allows style elements by nonce only; style attributes (the graph's positions) are allowed", () => {
    expect(prod.get("style-src-elem")).toEqual(["'self'", "'nonce-abc'"]);
    expect(prod.get("style-src")).toEqual(["'self'", "'nonce-abc'"]);
    expect(prod.get("style-src-attr")).toEqual(["'unsafe-inline'"]);
  });

  it("cannot be framed, rebased, or post forms anywhere but here and the sign-in provider; upgrades http on https", () => {
    expect(prod.get("frame-ancestors")).toEqual(["'none'"]);
    expect(prod.get("base-uri")).toEqual(["'none'"]);
    expect(prod.get("form-action")).toEqual(["'self'", "https://login.example.com"]);
    expect(prod.has("upgrade-insecure-requests")).toBe(true);
  });

  it("under next dev allows eval and unnonced styles (the dev server needs them), and never upgrades plain http", () => {
    const dev = directives(pageContentSecurityPolicy({ nonce: "abc", development: true, https: false, signInOrigins: [] }));
    expect(dev.get("script-src")).toContain("'unsafe-eval'");
    expect(dev.get("style-src-elem")).toContain("'unsafe-inline'");
    expect(dev.has("upgrade-insecure-requests")).toBe(false);
    expect(dev.get("form-action")).toEqual(["'self'"]);
  });

  it("nonces are 128 random bits, different every time", () => {
    const a = newNonce();
    expect(Buffer.from(a, "base64")).toHaveLength(16);
    expect(newNonce()).not.toBe(a);
  });

  it("API answers may run and load nothing", () => {
    expect(directives(API_CONTENT_SECURITY_POLICY).get("default-src")).toEqual(["'none'"]);
  });
});
