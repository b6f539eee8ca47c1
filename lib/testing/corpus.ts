import { existsSync } from "node:fs";
import { describe, it } from "vitest";
import { testEnv } from "./test-env";

// Suites that read ../shared/corpus (beside the checkout; read in place, never copied). On a
// developer's machine without it they are skipped and say so in their name; under CI=true a
// missing corpus fails, so a green CI run has always run them.

export function describeWithCorpus(dir: string, name: string, body: () => void): void {
  if (existsSync(dir)) {
    describe(name, body);
  } else if (testEnv().ci) {
    describe(name, () => {
      it("has its corpus", () => {
        throw new Error(`${dir} is missing: CI runs with shared/ beside the checkout (../shared/corpus); restore it rather than skip these tests`);
      });
    });
  } else {
    describe.skip(`${name} — skipped: ${dir} is missing`, body);
  }
}
