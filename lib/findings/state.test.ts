import { describe, expect, it } from "vitest";
import { findingState, severityRank } from "./state";

const at = (h: number) => new Date(Date.UTC(2026, 10, 2, h));
const base = { fixedAt: null, regressedAt: null, triageState: "open" as const, triagedAt: null, excepted: false };

describe("findingState", () => {
  it("is what a person set while nothing else holds", () => {
    expect(findingState(base)).toBe("open");
    expect(findingState({ ...base, triageState: "acknowledged", triagedAt: at(1) })).toBe("acknowledged");
  });

  it("fixed wins over everything, then an exception in force", () => {
    expect(findingState({ ...base, fixedAt: at(2), excepted: true, regressedAt: at(1) })).toBe("fixed");
    expect(findingState({ ...base, excepted: true, regressedAt: at(3), triageState: "acknowledged", triagedAt: at(1) })).toBe("accepted");
  });

  it("regressed until someone triages it after it came back", () => {
    expect(findingState({ ...base, regressedAt: at(2) })).toBe("regressed");
    expect(findingState({ ...base, regressedAt: at(2), triageState: "acknowledged", triagedAt: at(1) })).toBe("regressed");
    expect(findingState({ ...base, regressedAt: at(2), triageState: "acknowledged", triagedAt: at(3) })).toBe("acknowledged");
    expect(findingState({ ...base, regressedAt: at(2), triageState: "open", triagedAt: at(3) })).toBe("open");
  });

  it("ranks severities worst first, unknown last", () => {
    expect(["low", "critical", "weird", "high", "info", "medium"].sort((a, b) => severityRank(a) - severityRank(b))).toEqual(["critical", "high", "medium", "low", "info", "weird"]);
  });
});
