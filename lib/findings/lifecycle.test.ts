import { describe, expect, it } from "vitest";
import { findingTransitions } from "./lifecycle";

const row = (fingerprint: string, fixed = false) => ({ id: `id-${fingerprint}`, fingerprint, fixed });

describe("findingTransitions", () => {
  it("opens what was never stored, regresses what was fixed, fixes what is gone", () => {
    const t = findingTransitions([row("kept"), row("gone"), row("back", true), row("still-fixed", true)], new Set(["kept", "back", "new"]));
    expect(t.opened).toEqual(["new"]);
    expect(t.regressed).toEqual(["back"]);
    expect(t.fixed.map((f) => f.fingerprint)).toEqual(["gone"]);
  });

  it("changes nothing when the snapshot sees what is stored open", () => {
    expect(findingTransitions([row("a"), row("b"), row("old", true)], new Set(["a", "b"]))).toEqual({ opened: [], regressed: [], fixed: [] });
  });

  it("a first snapshot opens everything; an empty one fixes everything open", () => {
    expect(findingTransitions([], new Set(["a", "b"])).opened).toEqual(["a", "b"]);
    expect(findingTransitions([row("a"), row("b", true)], new Set()).fixed.map((f) => f.id)).toEqual(["id-a"]);
  });
});
