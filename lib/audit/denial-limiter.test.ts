import { describe, expect, it } from "vitest";
import { DenialLimiter } from "./denial-limiter";

describe("denial limiter", () => {
  it("records up to the limit, then one summary, then nothing until the window ends; the next window says how many were dropped", () => {
    let now = 1_000_000;
    const limiter = new DenialLimiter({ limit: 3, windowMs: 60_000, now: () => now });
    const kinds = Array.from({ length: 7 }, () => limiter.admit("u1").kind);
    expect(kinds).toEqual(["record", "record", "record", "summarise", "drop", "drop", "drop"]);
    // Another actor is not affected.
    expect(limiter.admit("u2")).toEqual({ kind: "record", suppressedBefore: 0 });
    now += 60_000;
    expect(limiter.admit("u1")).toEqual({ kind: "record", suppressedBefore: 3 });
    expect(limiter.admit("u1")).toEqual({ kind: "record", suppressedBefore: 0 });
  });

  it("the summary names when recording resumes", () => {
    const limiter = new DenialLimiter({ limit: 1, windowMs: 60_000, now: () => 0 });
    limiter.admit("u");
    expect(limiter.admit("u")).toEqual({ kind: "summarise", until: new Date(60_000) });
  });

  it("tracks a bounded number of actors", () => {
    let now = 0;
    const limiter = new DenialLimiter({ limit: 1, maxActors: 2, now: () => now });
    limiter.admit("a");
    limiter.admit("b");
    now += 1;
    limiter.admit("c"); // a (the oldest) is forgotten
    expect(limiter.admit("a").kind).toBe("record");
    expect(limiter.admit("c").kind).toBe("summarise");
  });
});
