import { describe, expect, it } from "vitest";
import { contentHash, stableJson } from "./content-hash";

describe("contentHash", () => {
  it("does not depend on key order at any depth (jsonb reorders keys)", () => {
    expect(contentHash({ a: 1, b: { y: [1, { q: 1, p: 2 }], x: null } })).toBe(contentHash({ b: { x: null, y: [1, { p: 2, q: 1 }] }, a: 1 }));
  });

  it("tells apart values that differ, including array order, null against absent, and strings against numbers", () => {
    const base = contentHash({ a: [1, 2], b: null });
    expect(contentHash({ a: [2, 1], b: null })).not.toBe(base);
    expect(contentHash({ a: [1, 2] })).not.toBe(base);
    expect(contentHash({ a: ["1", 2], b: null })).not.toBe(base);
  });

  it("leaves out undefined members as JSON does, and writes dates as ISO text", () => {
    expect(stableJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(stableJson({ at: new Date("2030-01-01T00:00:00Z") })).toBe('{"at":"2030-01-01T00:00:00.000Z"}');
  });
});
