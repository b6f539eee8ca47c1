import { describe, expect, it } from "vitest";
import { calendarDaysBetween } from "./dates";

describe("calendarDaysBetween", () => {
  it("counts UTC calendar days, so the start of a day and an instant later that day agree", () => {
    const updated = Date.parse("2025-10-08T23:00:00Z");
    // The analysis' clock (the start of the day) and a page's (01:30 that day) give the same age.
    expect(calendarDaysBetween(updated, Date.parse("2026-12-02T00:00:00Z"))).toBe(420);
    expect(calendarDaysBetween(updated, Date.parse("2026-12-02T01:30:00Z"))).toBe(420);
    expect(calendarDaysBetween(updated, Date.parse("2025-10-08T23:59:59Z"))).toBe(0);
    expect(calendarDaysBetween(updated, Date.parse("2025-10-09T00:00:00Z"))).toBe(1);
  });
});
