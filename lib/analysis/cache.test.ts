import { describe, expect, it } from "vitest";
import { createAnalysisCache } from "./cache";
import { repoContextSchema } from "./context";
import { analyzeFiles } from "./index";
import type { ParseOutcome } from "./parse";

const WORKFLOW = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: deploy\n        env: { T: '${{ secrets.DEPLOY_TOKEN }}' }\n";
const files = [{ path: ".github/workflows/ci.yml", content: WORKFLOW }];

describe("analysis cache", () => {
  it("parses a workflow shared by repositories with different contexts once, with the results of a fresh analysis", () => {
    const cache = createAnalysisCache();
    const contexts = [
      repoContextSchema.parse({ repository: "o/a", defaultWorkflowPermissions: "write", secrets: [{ name: "DEPLOY_TOKEN", scope: "repo", updatedAt: "2020-01-01T00:00:00Z" }], now: "2026-01-01T00:00:00Z" }),
      repoContextSchema.parse({ repository: "o/b", defaultWorkflowPermissions: "read" }),
    ];
    for (const context of contexts) {
      expect(analyzeFiles(files, context, { cache })).toStrictEqual(analyzeFiles(files, context));
    }
    expect(cache.getParsed("1048576|200000|.github/workflows/ci.yml", WORKFLOW)?.ok).toBe(true);
    // Results are per context; the parse is not.
    expect(cache.size).toBe(2);
  });

  it("never hands out a shared warnings array", () => {
    const cache = createAnalysisCache();
    const unknownKey = "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{ run: make, background: true }]\n";
    const one = analyzeFiles([{ path: ".github/workflows/w.yml", content: unknownKey }], repoContextSchema.parse({ repository: "o/a" }), { cache });
    const two = analyzeFiles([{ path: ".github/workflows/w.yml", content: unknownKey }], repoContextSchema.parse({ repository: "o/b" }), { cache });
    expect(one.workflows[0]?.warnings.length).toBeGreaterThan(0);
    expect(two.workflows[0]?.warnings).toEqual(one.workflows[0]?.warnings);
    expect(two.workflows[0]?.warnings).not.toBe(one.workflows[0]?.warnings);
  });

  it("keeps at most maxParses parses, dropping the least recently used", () => {
    const cache = createAnalysisCache(10, 2);
    const outcome = (message: string): ParseOutcome => ({ ok: false, message });
    cache.setParsed("k", "a", outcome("a"));
    cache.setParsed("k", "b", outcome("b"));
    expect(cache.getParsed("k", "a")).toEqual(outcome("a"));
    cache.setParsed("other", "c", outcome("c"));
    expect(cache.getParsed("k", "b")).toBeUndefined();
    expect(cache.getParsed("k", "a")).toEqual(outcome("a"));
    expect(cache.getParsed("other", "c")).toEqual(outcome("c"));
    cache.clear();
    expect(cache.getParsed("k", "a")).toBeUndefined();
  });
});
