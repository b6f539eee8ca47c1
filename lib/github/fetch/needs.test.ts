import { describe, expect, it } from "vitest";
import type { RepoFile } from "../facts";
import { decideSkips, describeSkips, runsOnLabels } from "./needs";

const wf = (text: string, name = "ci.yml"): RepoFile => ({ path: `.github/workflows/${name}`, oid: `oid-${name}`, text });
const skipped = (files: RepoFile[] | null, hasWorkflows = true) => [...decideSkips(files, hasWorkflows).keys()].sort();

const HOSTED_PINNED = `on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps: [{ run: make }]
`;

describe("runsOnLabels", () => {
  it("reads scalar, flow, block and flow-mapping forms; expressions and groups are unknown", () => {
    const text = [
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-24.04 # comment",
      "  b:",
      '    runs-on: [self-hosted, "linux", x64]',
      "  c:",
      "    runs-on:",
      "      - self-hosted",
      "      - gpu",
      "  d:",
      "    runs-on: ${{ matrix.os }}",
      "  e:",
      "    runs-on:",
      "      group: larger",
      "      labels: ubuntu-latest-16",
      "  f: { runs-on: macos-14, steps: [] }",
      "  g:",
      "    runs-on:",
      "    - windows-2022",
      "    steps: []",
    ].join("\n");
    expect(runsOnLabels(text)).toEqual([["ubuntu-24.04"], ["self-hosted", "linux", "x64"], ["self-hosted", "gpu"], null, null, ["macos-14"], ["windows-2022"]]);
  });
});

describe("decideSkips", () => {
  it("a workflow with hosted runners, top-level permissions, no id-token and no vars skips all four", () => {
    expect(skipped([wf(HOSTED_PINNED)])).toEqual(["defaultWorkflowPermissions", "environments.variables", "oidcSubTemplate", "runners", "variables"]);
  });

  it("each use brings its call back", () => {
    expect(skipped([wf(HOSTED_PINNED.replace("contents: read", "contents: read\n  id-token: write"))])).not.toContain("oidcSubTemplate");
    expect(skipped([wf(HOSTED_PINNED.replace("contents: read", "{ id-token: 'write' }").replace("permissions:\n", "permissions: "))])).not.toContain("oidcSubTemplate");
    expect(skipped([wf(HOSTED_PINNED.replace("permissions:\n  contents: read", "permissions: write-all"))])).not.toContain("oidcSubTemplate");
    expect(skipped([wf(HOSTED_PINNED.replace("ubuntu-latest", "[self-hosted, linux]"))])).not.toContain("runners");
    expect(skipped([wf(HOSTED_PINNED.replace("ubuntu-latest", "ubuntu-gpu"))])).not.toContain("runners");
    expect(skipped([wf(HOSTED_PINNED.replace("make", "echo ${{ vars.ROLE }}"))])).not.toContain("variables");
    expect(skipped([wf(HOSTED_PINNED.replace("make", "echo ${{ toJSON(vars) }}"))])).not.toContain("environments.variables");
    // One workflow without top-level permissions is enough for a job to inherit the default.
    expect(skipped([wf(HOSTED_PINNED), wf(HOSTED_PINNED.replace("permissions:\n  contents: read\n", ""), "other.yml")])).not.toContain("defaultWorkflowPermissions");
    // Job-level permissions are not enough (conservative).
    expect(skipped([wf(HOSTED_PINNED.replace("permissions:\n  contents: read\n", "").replace("    steps", "    permissions: {}\n    steps"))])).not.toContain("defaultWorkflowPermissions");
  });

  it("a composite action counts like a workflow", () => {
    const action: RepoFile = { path: ".github/actions/login/action.yml", oid: "a1", text: "runs:\n  using: composite\n  steps:\n    - run: echo ${{ vars.X }}\n      shell: bash\n" };
    expect(skipped([wf(HOSTED_PINNED), action])).not.toContain("variables");
    // CODEOWNERS and other files are not read.
    expect(skipped([wf(HOSTED_PINNED), { path: "CODEOWNERS", oid: "c", text: "* @vars" }])).toContain("variables");
  });

  it("another repository's reusable workflow may read vars and run on self-hosted runners", () => {
    const caller = "on: push\npermissions: {}\njobs:\n  call:\n    uses: acme/platform/.github/workflows/build.yml@v1\n";
    expect(skipped([wf(caller)])).toEqual(["defaultWorkflowPermissions", "oidcSubTemplate"]);
    // A local one is in the files already.
    expect(skipped([wf(caller.replace("acme/platform/", "./").replace("@v1", ""))])).toContain("runners");
  });

  it("unknown text skips nothing; no workflow files skips every Actions part", () => {
    expect(skipped(null)).toEqual([]);
    expect(skipped([wf(HOSTED_PINNED), { path: ".github/workflows/big.yml", oid: "b", text: null, skipped: "too-large" }])).toEqual([]);
    expect(describeSkips(decideSkips(null, false))).toEqual([
      "workflows: no workflow files",
      "defaultWorkflowPermissions: no workflow files",
      "oidcSubTemplate: no workflow files",
      "runners: no workflow files",
      "variables: no workflow files",
      "environments.variables: no workflow files",
    ]);
  });
});
