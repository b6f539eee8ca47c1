import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// describeWithCorpus, run by Vitest itself on a suite whose corpus is missing: skipped (and
// named so) on a developer's machine, a failure under CI=true.

const dir = mkdtempSync(join(import.meta.dirname, ".corpus-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, "needs-corpus.test.ts");
writeFileSync(
  file,
  `import { expect, it } from "vitest";
import { describeWithCorpus } from "../corpus";
describeWithCorpus("/nonexistent/shared/corpus", "a corpus suite", () => {
  it("reads the corpus", () => expect(true).toBe(true));
});
`,
);

function runVitest(ci: boolean): { code: number; out: string } {
  const env = { ...process.env, CI: ci ? "true" : "" };
  try {
    const out = execFileSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--project", "unit", file], { cwd: join(import.meta.dirname, "../.."), env, encoding: "utf8", stdio: "pipe" });
    return { code: 0, out };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { code: e.status, out: e.stdout + e.stderr };
  }
}

describe("suites that need ../shared/corpus", () => {
  it("are skipped, and say why, without CI", () => {
    const { code, out } = runVitest(false);
    expect(code).toBe(0);
    expect(out).toMatch(/1 skipped/);
  }, 120_000);

  it("fail under CI=true when the corpus is missing", () => {
    const { code, out } = runVitest(true);
    expect(code).not.toBe(0);
    expect(out).toMatch(/\/nonexistent\/shared\/corpus is missing/);
  }, 120_000);
});
