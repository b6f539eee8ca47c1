import { describe, expect, it } from "vitest";
import { safeCallback } from "./safe-callback";

const ORIGIN = "https://gatehouse.example.com";

describe("safeCallback", () => {
  it.each([
    ["/\\evil.example", "a backslash, which browsers read as a slash"],
    ["//evil.example", "a protocol-relative URL"],
    ["\\\\evil.example", "two backslashes"],
    ["/\t/evil.example", "a tab between the slashes (browsers drop it)"],
    ["/\n\\evil.example", "a newline before a backslash"],
    ["\t//evil.example", "a leading tab"],
    [" //evil.example", "a leading space"],
    ["https://evil.example", "an absolute URL elsewhere"],
    ["https://evil.example/orgs/acme", "an absolute URL elsewhere with a path"],
    ["http://gatehouse.example.com/orgs", "the same host over another scheme"],
    ["https://gatehouse.example.com@evil.example/", "user-info that looks like our host"],
    ["javascript:alert(document.cookie)", "a javascript: URL"],
    ["JavaScript:alert(1)", "a javascript: URL in mixed case"],
    ["data:text/html,<script>alert(1)</script>", "a data: URL"],
    ["", "an empty string"],
  ])("%j (%s) goes home", (raw) => {
    expect(safeCallback(raw, ORIGIN)).toBe("/");
  });

  it.each(["/.//evil.example", "/a/..//evil.example", "/./\\evil.example"])(
    "%j (dot segments) never becomes a protocol-relative URL",
    (raw) => {
      const out = safeCallback(raw, ORIGIN);
      expect(out).not.toMatch(/^\/[\\/]/);
      expect(new URL(out, ORIGIN).origin).toBe(ORIGIN);
    },
  );

  it("nothing given goes home", () => {
    expect(safeCallback(undefined, ORIGIN)).toBe("/");
  });

  it.each([
    ["/orgs/acme", "/orgs/acme"],
    ["/orgs/acme/workflows?q=deploy&sort=risk#top", "/orgs/acme/workflows?q=deploy&sort=risk#top"],
    ["/orgs/acme/blast-radius?type=action&id=actions%2Fcheckout%40v4", "/orgs/acme/blast-radius?type=action&id=actions%2Fcheckout%40v4"],
    // Encoded separators stay encoded: they are part of one path segment, not a new host.
    ["/%5Cevil.example", "/%5Cevil.example"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/%09/evil.example", "/%09/evil.example"],
    // Our own absolute URL is reduced to its path.
    ["https://gatehouse.example.com/orgs/acme?x=1#y", "/orgs/acme?x=1#y"],
  ])("%j stays on the site as %j", (raw, expected) => {
    const out = safeCallback(raw, ORIGIN);
    expect(out).toBe(expected);
    // Whatever comes out, a browser resolves it to our origin.
    expect(new URL(out, ORIGIN).origin).toBe(ORIGIN);
  });
});
