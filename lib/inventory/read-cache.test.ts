import { describe, expect, it } from "vitest";
import { cachedTotal, createVersionedCache } from "./read-cache";

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

describe("createVersionedCache", () => {
  it("shares one computation between concurrent reads of a key", async () => {
    const cache = createVersionedCache<string>(10, 60_000);
    let calls = 0;
    let release: (v: string) => void = () => {};
    const compute = () => {
      calls++;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const a = cache.get("org", "k", "v1", compute, 0);
    const b = cache.get("org", "k", "v1", compute, 1);
    release("done");
    expect(await Promise.all([a, b])).toEqual(["done", "done"]);
    expect(calls).toBe(1);
  });

  it("does not keep a failed computation", async () => {
    const cache = createVersionedCache<number>(10, 60_000);
    await expect(cache.get("org", "k", "v1", () => Promise.reject(new Error("database gone")), 0)).rejects.toThrow("database gone");
    expect(await cache.get("org", "k", "v1", async () => 7, 1)).toBe(7);
    expect(cache.size).toBe(1);
  });

  it("holds at most maxEntries, dropping the least recently computed", async () => {
    const cache = createVersionedCache<number>(2, 60_000);
    let calls = 0;
    const compute = async () => ++calls;
    await cache.get("org", "a", "v", compute, 0);
    await cache.get("org", "b", "v", compute, 0);
    await cache.get("org", "c", "v", compute, 0);
    expect(cache.size).toBe(2);
    expect(await cache.get("org", "c", "v", compute, 1)).toBe(3);
    expect(await cache.get("org", "a", "v", compute, 1)).toBe(4);
  });
});
