import { describe, expect, it } from "vitest";
import { trendPoints, type TrendRun } from "./trend";

const run = (id: string, minute: number): TrendRun => ({ id, finishedAt: new Date(Date.UTC(2026, 0, 5, 9, minute)), trigger: "schedule", status: "succeeded" });

describe("trendPoints", () => {
  it("starts from the base and adds each later sync's net change per severity", () => {
    const runs = [run("a", 0), run("b", 10), run("c", 20)];
    const points = trendPoints(
      new Map([["high", 3], ["info", 5]]),
      runs,
      [
        { runId: "b", severity: "high", delta: -2 },
        { runId: "b", severity: "critical", delta: 1 },
        { runId: "c", severity: "high", delta: 1 },
        { runId: "c", severity: "info", delta: -5 },
      ],
    );
    expect(points.map((p) => p.counts)).toEqual([
      { critical: 0, high: 3, medium: 0, low: 0, info: 5 },
      { critical: 1, high: 1, medium: 0, low: 0, info: 5 },
      { critical: 1, high: 2, medium: 0, low: 0, info: 0 },
    ]);
    expect(points.map((p) => p.total)).toEqual([8, 7, 3]);
    expect(points[1]).toMatchObject({ runId: "b", at: "2026-01-05T09:10:00.000Z", trigger: "schedule", status: "succeeded" });
  });

  it("ignores the first run's own deltas (already in the base) and unknown severities", () => {
    const points = trendPoints(new Map([["medium", 2], ["bogus", 9]]), [run("a", 0)], [{ runId: "a", severity: "medium", delta: 4 }]);
    expect(points).toHaveLength(1);
    expect(points[0]!.counts).toEqual({ critical: 0, high: 0, medium: 2, low: 0, info: 0 });
    expect(points[0]!.total).toBe(2);
  });

  it("has no points without syncs", () => {
    expect(trendPoints(new Map([["high", 1]]), [], [])).toEqual([]);
  });
});
