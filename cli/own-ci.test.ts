// Gatehouse's own CI must pass Gatehouse's own scanner: nothing above low, a read-only token,
// every action pinned to a full commit SHA.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scan } from "./main";

const github = fileURLToPath(new URL("../.github", import.meta.url));
const ABOVE_LOW = new Set(["critical", "high", "medium"]);

describe("gatehouse scan .github (our own CI)", () => {
  const result = scan([github], {});

  it("reads every workflow without error", () => {
    expect(result.workflows.map((w) => w.path)).toContain("workflows/ci.yml");
    expect(result.errors).toEqual([]);
  });

  it("reports no finding above low", () => {
    const serious = result.findings.filter((f) => ABOVE_LOW.has(f.severity));
    expect(serious.map((f) => `${f.rule} ${f.path}:${f.line}`)).toEqual([]);
  });

  it("holds a read-only token and pins every action to a commit SHA", () => {
    for (const w of result.workflows) {
      for (const job of w.jobs) {
        expect(Object.values(job.permissions ?? {}).every((level) => level !== "write")).toBe(true);
      }
    }
    const uses = [...readFileSync(`${github}/workflows/ci.yml`, "utf8").matchAll(/uses:\s*(\S+)/g)].map((m) => m[1]!);
    expect(uses.length).toBeGreaterThan(0);
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  });
});
