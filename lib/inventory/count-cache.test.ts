import { describe, expect, it } from "vitest";
import { cachedTotal } from "./count-cache";

describe("cachedTotal", () => {
  it("counts once per version, again when the version moves or the entry is 30 s old", async () => {
    let calls = 0;
    const count = async () => ++calls * 10;
    const t0 = 1_000_000;
    expect(await cachedTotal("org-a", "k", "v1", count, t0)).toBe(10);
    expect(await cachedTotal("org-a", "k", "v1", count, t0 + 1_000)).toBe(10);
    expect(calls).toBe(1);
    // A sync run wrote (its row moved): counted again.
    expect(await cachedTotal("org-a", "k", "v2", count, t0 + 2_000)).toBe(20);
    // Same version, but older than the backstop.
    expect(await cachedTotal("org-a", "k", "v2", count, t0 + 2_000 + 30_000)).toBe(30);
    // Another org or another filter never shares an entry.
    expect(await cachedTotal("org-b", "k", "v2", count, t0 + 40_000)).toBe(40);
    expect(await cachedTotal("org-a", "k2", "v2", count, t0 + 40_000)).toBe(50);
    expect(calls).toBe(5);
  });
});
