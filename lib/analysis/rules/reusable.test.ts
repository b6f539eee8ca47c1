import { describe, expect, it } from "vitest";
import { analyze, findings } from "../test-support";

// Default token permissions in reusable (workflow_call) workflows, followed to their callers in
// the same repository; token-inherits-default covers every other trigger.

const RULE = "reusable-workflow-default-permissions";
const CALLED = "on: workflow_call\njobs:\n  build:\n    runs-on: x\n    steps: [{ run: make }]\n";
const caller = (perms: string) => `on: push\n${perms}\njobs:\n  call:\n    uses: ./.github/workflows/build.yml\n`;

function run(callerYaml?: string, context?: { defaultWorkflowPermissions: "read" | "write" }) {
  const r = analyze(CALLED, {
    path: ".github/workflows/build.yml",
    ...(callerYaml !== undefined ? { files: [{ path: ".github/workflows/release.yml", content: callerYaml }] } : {}),
    ...(context ? { context } : {}),
  });
  expect(r.errors).toEqual([]);
  return r;
}

describe("reusable-workflow-default-permissions", () => {
  it("follows a local caller without permissions to the repository default", () => {
    const [f] = findings(run(caller("")), RULE);
    expect(f?.severity).toBe("medium");
    expect(f?.path).toBe(".github/workflows/build.yml");
    expect(f?.line).toBe(3);
    expect(f?.message).toContain("job call of .github/workflows/release.yml calls it without permissions");
    expect(f?.message).toContain("repository default GITHUB_TOKEN");
  });

  it("reports a reusable workflow with no caller in sight at low severity", () => {
    const [f] = findings(run(), RULE);
    expect(f?.severity).toBe("low");
    expect(f?.message).toContain("whatever GITHUB_TOKEN each caller holds");
  });

  it("is quiet when every local caller sets permissions", () => {
    expect(findings(run(caller("permissions: { contents: read }")), RULE)).toEqual([]);
  });

  it("is quiet when the reusable workflow sets permissions", () => {
    const r = analyze("on: workflow_call\npermissions: {}\njobs:\n  build: { runs-on: x, steps: [{ run: make }] }\n", { path: ".github/workflows/build.yml" });
    expect(findings(r, RULE)).toEqual([]);
  });

  it("is quiet when the repository default is read-only", () => {
    expect(findings(run(caller(""), { defaultWorkflowPermissions: "read" }), RULE)).toEqual([]);
  });

  it("leaves the calling workflow to token-inherits-default", () => {
    const r = run(caller(""));
    expect(findings(r, "token-inherits-default").map((f) => f.path)).toEqual([".github/workflows/release.yml"]);
  });
});
