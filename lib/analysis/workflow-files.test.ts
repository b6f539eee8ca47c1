import { describe, expect, it } from "vitest";
import { analyzeFiles, isActionFile } from "./index";

// Which files are workflows: GitHub runs every YAML file directly inside .github/workflows/
// as a workflow, whatever its name — `action.yml` there included.

const WORKFLOW = "on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n";
const COMPOSITE = "name: a\nruns:\n  using: composite\n  steps:\n    - run: make\n      shell: bash\n";

describe("isActionFile", () => {
  it("treats action.yml and action.yaml directly inside .github/workflows/ as workflows", () => {
    expect(isActionFile(".github/workflows/action.yml")).toBe(false);
    expect(isActionFile(".github/workflows/action.yaml", COMPOSITE)).toBe(false);
    expect(isActionFile("repo/.github/workflows/action.yml")).toBe(false);
  });

  it("keeps action manifests elsewhere as actions", () => {
    expect(isActionFile(".github/actions/setup/action.yml")).toBe(true);
    expect(isActionFile("action.yaml")).toBe(true);
    expect(isActionFile("action.yml", COMPOSITE)).toBe(true);
    expect(isActionFile(".github/workflows/nested/action.yml")).toBe(true);
    expect(isActionFile(".github/workflows/release.yml")).toBe(false);
  });

  it("reads a bare action.yml (a scan of the workflows directory itself) by its content", () => {
    expect(isActionFile("action.yml", WORKFLOW)).toBe(false);
    expect(isActionFile("action.yml", new TextEncoder().encode(WORKFLOW))).toBe(false);
  });
});

describe("analyzeFiles on a workflow named action.yml", () => {
  it("analyses .github/workflows/action.yml as a workflow with its findings", () => {
    const r = analyzeFiles([{ path: ".github/workflows/action.yml", content: "on: push\njobs:\n  j: { runs-on: x, steps: [{ run: make }] }\n" }]);
    expect(r.errors).toEqual([]);
    expect(r.workflows.map((w) => w.path)).toEqual([".github/workflows/action.yml"]);
    expect(r.findings.map((f) => f.rule)).toContain("token-inherits-default");
  });

  it("still inlines a composite action from .github/actions", () => {
    const caller = "on: push\npermissions: {}\njobs:\n  j:\n    runs-on: x\n    steps:\n      - uses: ./.github/actions/a\n";
    const r = analyzeFiles([
      { path: ".github/workflows/ci.yml", content: caller },
      { path: ".github/actions/a/action.yml", content: COMPOSITE },
    ]);
    expect(r.workflows.map((w) => w.path)).toEqual([".github/workflows/ci.yml"]);
  });
});
