import { describe, expect, it } from "vitest";
import { clientIp, requestMetaFrom } from "./request-meta";

const headers = (h: Record<string, string>) => new Headers(h);

describe("request meta", () => {
  it("the IP is the hop our proxies appended, never what the client wrote before it", () => {
    // The client forges "1.1.1.1"; our one proxy appends the address it saw.
    expect(requestMetaFrom(headers({ "x-forwarded-for": "1.1.1.1, 203.0.113.7" }), 1).ip).toBe("203.0.113.7");
    // Two proxies: the client is the second entry from the right.
    expect(requestMetaFrom(headers({ "x-forwarded-for": "1.1.1.1, 203.0.113.7, 10.0.0.2" }), 2).ip).toBe("203.0.113.7");
    expect(clientIp("[2001:db8::1]:443", 1)).toBe("2001:db8::1");
    expect(clientIp("203.0.113.7:51234", 1)).toBe("203.0.113.7");
  });

  it("no trusted proxy, too few hops, or a hop that is not an address: unknown", () => {
    expect(requestMetaFrom(headers({ "x-forwarded-for": "203.0.113.7" }), 0).ip).toBeNull();
    expect(requestMetaFrom(headers({ "x-real-ip": "203.0.113.7" }), 0).ip).toBeNull();
    expect(clientIp("203.0.113.7", 2)).toBeNull();
    expect(clientIp("1.1.1.1, not-an-ip", 1)).toBeNull();
    expect(clientIp(null, 1)).toBeNull();
  });

  it("the request id is the server's; the client's is kept apart, sanitised and truncated", () => {
    const meta = requestMetaFrom(headers({ "x-request-id": `forged-id<script>${"x".repeat(200)}` }), 0);
    expect(meta.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.clientRequestId).toBe(`forged-idscript${"x".repeat(49)}`);
    expect(requestMetaFrom(headers({}), 0).clientRequestId).toBeUndefined();
  });
});
