import { describe, expect, it } from "vitest";
import { readCel } from "./cel";

describe("readCel", () => {
  it("reads the event and the target branch of a plain expression", () => {
    const r = readCel('event == "pull_request" && target_branch == "main"');
    expect(r.events).toEqual(["pull_request"]);
    expect(r.branches).toEqual({ pull_request: ["main"] });
    expect(r.anyEvent).toBe(false);
    expect(r.parsed).toBe(true);
  });

  it("keeps each side of a disjunction with its own branches", () => {
    const r = readCel(
      '(event == "pull_request" && target_branch == "main" && ( !has(body.pull_request) || !body.pull_request.draft) ) || (event == "push" && target_branch.startsWith("gh-readonly-queue/main/") && body.head_commit != "null" )',
    );
    expect(r.events.sort()).toEqual(["pull_request", "push"]);
    expect(r.branches).toEqual({ pull_request: ["main"], push: ["gh-readonly-queue/main/*"] });
  });

  it("reads `\"x\" == event`, `event in [...]` and the GitHub event header", () => {
    expect(readCel('"push" == event').events).toEqual(["push"]);
    expect(readCel('event in ["push", "incoming"]').events.sort()).toEqual(["incoming", "push"]);
    expect(readCel("headers['x-github-event'] == 'push'").events).toEqual(["push"]);
  });

  it("treats `event != x` as every other event", () => {
    expect(readCel('event != "push"').events.sort()).toEqual(["incoming", "pull_request"]);
  });

  it("says when the expression never tests the event", () => {
    const r = readCel('target_branch == "main" && "docs/*.md".pathChanged()');
    expect(r.anyEvent).toBe(true);
    expect(r.events.sort()).toEqual(["incoming", "pull_request", "push"]);
    expect(r.branches.pull_request).toEqual(["main"]);
  });

  it("leaves the branch unfiltered when one side of an or has no branch", () => {
    const r = readCel('event == "push" && (target_branch == "main" || body.created == true)');
    expect(r.branches).toEqual({});
  });

  it("reports fields the pull request's author chooses, unless the expression compares source_url", () => {
    expect(readCel('event == "pull_request" && source_branch.startsWith("release-")').authorGates).toEqual(["source_branch"]);
    expect(readCel('event == "pull_request" && event_title.startsWith("[DOWNSTREAM]")').authorGates).toEqual(["event_title"]);
    expect(readCel('event == "pull_request" && source_branch == "main" && source_url == target_url').authorGates).toEqual([]);
  });

  it("reads what it cannot parse as matching everything", () => {
    for (const bad of ['event == "push" &&', "((", '"unterminated', ""]) {
      const r = readCel(bad);
      expect(r.parsed, bad).toBe(false);
      expect(r.anyEvent, bad).toBe(true);
    }
  });

  it("reads a ternary as an unknown condition", () => {
    const r = readCel('event == "push" && (x ? y : z)');
    expect(r.events).toEqual(["push"]);
  });

  it("stays bounded on deep nesting and long expressions", () => {
    const deep = `${"(".repeat(5000)}event == "push"${")".repeat(5000)}`;
    const started = performance.now();
    expect(readCel(deep).parsed).toBe(false);
    expect(readCel(`${'event == "push" || '.repeat(20000)}true`).parsed).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
