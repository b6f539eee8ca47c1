import { describe, expect, it } from "vitest";
import { pairMovedFindings, type WorkflowMoves } from "./finding-moves";

const f = (path: string, job: string, message = "actions/setup-node@v4 is not pinned to a commit SHA", rule = "unpinned-action") => ({ path, job, message, rule });
const moves = (renamed: [string, string][], vanished: string[], added: string[]): WorkflowMoves => ({ renamed: new Map(renamed), vanished: new Set(vanished), added: new Set(added) });

describe("pairMovedFindings", () => {
  it("a renamed file's findings pair with the new file's (same rule, job, subject; the numbers may move)", () => {
    const out = pairMovedFindings(
      [{ id: "1", ...f("a.yml", "lint") }, { id: "2", ...f("a.yml", "test", "job runs 3 steps") }],
      [{ fingerprint: "x", ...f("b.yml", "lint") }, { fingerprint: "y", ...f("b.yml", "test", "job runs 4 steps") }],
      moves([["a.yml", "b.yml"]], ["a.yml"], ["b.yml"]),
    );
    expect(Object.fromEntries(out)).toEqual({ x: "1", y: "2" });
  });

  it("an edited-and-moved file pairs by a key only one vanished and one new finding share", () => {
    const out = pairMovedFindings([{ id: "1", ...f("a.yml", "lint") }], [{ fingerprint: "x", ...f("b.yml", "lint") }], moves([], ["a.yml"], ["b.yml"]));
    expect(Object.fromEntries(out)).toEqual({ x: "1" });
  });

  it("two workflows with the same job and subject are never collapsed: an ambiguous key pairs nothing", () => {
    const out = pairMovedFindings(
      [{ id: "1", ...f("a.yml", "lint") }, { id: "2", ...f("c.yml", "lint") }],
      [{ fingerprint: "x", ...f("b.yml", "lint") }],
      moves([], ["a.yml", "c.yml"], ["b.yml"]),
    );
    expect(out.size).toBe(0);
  });

  it("the inventory's rename decides between two candidates; the other stays unpaired", () => {
    const out = pairMovedFindings(
      [{ id: "1", ...f("a.yml", "lint") }],
      [{ fingerprint: "x", ...f("b.yml", "lint") }, { fingerprint: "y", ...f("d.yml", "lint") }],
      moves([["a.yml", "d.yml"]], ["a.yml"], ["b.yml", "d.yml"]),
    );
    expect(Object.fromEntries(out)).toEqual({ y: "1" });
  });

  it("a finding of a file still present, or one appearing in a file that existed, does not move", () => {
    const out = pairMovedFindings([{ id: "1", ...f("a.yml", "lint") }], [{ fingerprint: "x", ...f("b.yml", "lint") }], moves([], [], ["b.yml"]));
    expect(out.size).toBe(0);
    expect(pairMovedFindings([{ id: "1", ...f("a.yml", "lint") }], [{ fingerprint: "x", ...f("b.yml", "lint") }], moves([], ["a.yml"], [])).size).toBe(0);
  });

  it("a different job or rule is a different finding", () => {
    const out = pairMovedFindings([{ id: "1", ...f("a.yml", "lint") }], [{ fingerprint: "x", ...f("b.yml", "build") }], moves([["a.yml", "b.yml"]], ["a.yml"], ["b.yml"]));
    expect(out.size).toBe(0);
  });
});
