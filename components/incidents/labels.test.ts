import { describe, expect, it } from "vitest";
import { percent, utc, utcInputToIso } from "./labels";

describe("incident labels", () => {
  it("reads a datetime-local value as UTC, whatever the machine's time zone", () => {
    expect(utcInputToIso("2025-03-14T16:00")).toBe("2025-03-14T16:00:00.000Z");
    expect(utcInputToIso("2025-03-14T16:00:30")).toBe("2025-03-14T16:00:30.000Z");
    expect(utcInputToIso("")).toBeNull();
    expect(utcInputToIso("2025-03-14")).toBeNull();
    expect(utcInputToIso("2025-13-40T99:00")).toBeNull();
    expect(utcInputToIso("2025-03-14T16:00+02:00")).toBeNull();
  });

  it("prints times in UTC the same way on the server and in the browser", () => {
    expect(utc("2025-03-14T16:02:11.123Z")).toBe("2025-03-14 16:02 UTC");
    expect(utc("2025-03-14T16:02:11.123Z", true)).toBe("2025-03-14 16:02:11 UTC");
    expect(utc(null)).toBe("—");
  });

  it("counts progress in whole percent; nothing to do is done", () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(2, 3)).toBe(67);
    expect(percent(0, 0)).toBe(100);
  });
});
