import { describe, expect, it } from "vitest";
import { periodChanges, stoodBefore, type Lifecycle, type PeriodEvent } from "./review-period";
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

  it("where a finding stood at since, implied by its first lifecycle event after, gives what its last one before gives", () => {
    // Every history the lifecycle can write (opened first, then fixed and back in turn), cut at every point.
    const life: Lifecycle[] = ["opened", "fixed", "regressed", "fixed", "regressed", "fixed"];
    for (let end = 1; end <= life.length; end++) {
      for (let cut = 0; cut < end; cut++) {
        const [first, ...rest] = life.slice(cut, end) as [Lifecycle, ...Lifecycle[]];
        const period = ev("f", first, ...rest);
        const implied = stoodBefore(first);
        const last = life[cut - 1];
        expect(periodChanges(before(implied ? [["f", implied]] : []), period)).toEqual(periodChanges(before(last ? [["f", last]] : []), period));
      }
    }
    expect([stoodBefore("opened"), stoodBefore("fixed"), stoodBefore("regressed")]).toEqual([undefined, "opened", "fixed"]);
  });
});
