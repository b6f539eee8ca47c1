import { describe, expect, it } from "vitest";
import { periodChanges, type Lifecycle, type PeriodEvent } from "./review-period";
import type { FindingEventType } from "@/lib/db/schema/findings";

const ev = (findingId: string, ...types: FindingEventType[]): PeriodEvent[] => types.map((type) => ({ findingId, type }));
const before = (entries: [string, Lifecycle][]) => new Map(entries);

describe("periodChanges", () => {
  it("counts where each finding stood at either end", () => {
    const c = periodChanges(
      before([
        ["fixed-now", "opened"],
        ["back", "fixed"],
        ["back-after-regress", "regressed"],
      ]),
      [...ev("brand-new", "opened"), ...ev("fixed-now", "fixed"), ...ev("back", "regressed"), ...ev("back-after-regress", "fixed")],
    );
    expect(c).toEqual({ new: ["brand-new"], fixed: ["fixed-now", "back-after-regress"], regressed: ["back"], expired: [] });
  });

  it("a finding opened and fixed inside the period is neither new nor fixed; fixed and back again is nothing", () => {
    const c = periodChanges(before([["flapping", "opened"]]), [...ev("blip", "opened", "fixed"), ...ev("flapping", "fixed", "regressed")]);
    expect(c).toEqual({ new: [], fixed: [], regressed: [], expired: [] });
  });

  it("an opened-fixed-regressed finding that did not exist before is new", () => {
    expect(periodChanges(before([]), ev("x", "opened", "fixed", "regressed")).new).toEqual(["x"]);
  });

  it("an expired exception counts for a finding present at the end that is neither new nor regressed", () => {
    const c = periodChanges(
      before([
        ["open", "opened"],
        ["gone", "opened"],
        ["was-fixed", "fixed"],
      ]),
      [...ev("open", "exception_expired"), ...ev("gone", "exception_expired", "fixed"), ...ev("was-fixed", "regressed", "exception_expired"), ...ev("noise", "triaged", "excepted")],
    );
    expect(c).toEqual({ new: [], fixed: ["gone"], regressed: ["was-fixed"], expired: ["open"] });
  });
});
