import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { describeWithCorpus } from "@/lib/testing/corpus";
import { main, scan } from "./main";

let repo: string;
let out: string[];
let err: string[];

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "gatehouse-cli-"));
  mkdirSync(join(repo, ".github/workflows"), { recursive: true });
  mkdirSync(join(repo, ".github/actions/release"), { recursive: true });
  writeFileSync(
    join(repo, ".github/workflows/release.yml"),
    `on: push
permissions: {}
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/release
        with:
          token: \${{ secrets.NPM_TOKEN }}
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: \${{ secrets.AWS_ACCESS_KEY_ID }}
          aws-secret-access-key: \${{ secrets.AWS_SECRET_ACCESS_KEY }}
`,
  );
  writeFileSync(
    join(repo, ".github/actions/release/action.yml"),
    "name: r\ninputs:\n  token: {}\nruns:\n  using: composite\n  steps:\n    - uses: some/publisher@v1\n      with:\n        t: ${{ inputs.token }}\n",
  );
  writeFileSync(join(repo, ".github/workflows/broken.yml"), "on: [push\n");
  writeFileSync(join(repo, "context.json"), JSON.stringify({ defaultWorkflowPermissions: "maybe", secrets: [{ name: "A", scope: "repo" }] }));
  writeFileSync(join(repo, "good-context.json"), JSON.stringify({ defaultWorkflowPermissions: "read", now: "2026-01-01T00:00:00Z", secrets: [{ name: "NPM_TOKEN", scope: "repo", updatedAt: "2020-01-01T00:00:00Z" }] }));
});

function capture(): void {
  out = [];
  err = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
}

afterEach(() => vi.restoreAllMocks());

describe("gatehouse scan", () => {
  it("writes the JSON contract for a repository root, following local composite actions", async () => {
    capture();
    expect(await main(["scan", repo, "--format", "json"])).toBe(0);
    const result = JSON.parse(out.join(""));
    expect(result).toMatchObject({ schemaVersion: 1, tool: { name: "gatehouse" } });
    expect(result.workflows.map((w: { path: string }) => w.path)).toEqual([".github/workflows/release.yml"]);
    expect(result.workflows[0].root).toBe(repo);
    expect(result.errors).toEqual([{ root: repo, path: ".github/workflows/broken.yml", message: expect.stringContaining("invalid YAML") }]);
    const rules = result.findings.map((f: { rule: string }) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(["parse-error", "long-lived-credential", "secret-to-unpinned-action"]));
    const job = result.workflows[0].jobs[0];
    expect(job.secrets).toContainEqual(expect.objectContaining({ name: "NPM_TOKEN", action: ".github/actions/release/action.yml" }));
  });

  it("exits 1 with --fail-on when a finding is at or above the threshold", async () => {
    capture();
    expect(await main(["scan", repo, "--fail-on", "high", "--format", "json"])).toBe(1);
    capture();
    expect(await main(["scan", join(repo, ".github/workflows/release.yml"), "--fail-on", "critical", "--format", "json"])).toBe(0);
  });

  it("scans a single file with the file as root", async () => {
    capture();
    const file = join(repo, ".github/workflows/release.yml");
    await main(["scan", file, "--format", "json"]);
    const result = JSON.parse(out.join(""));
    expect(result.workflows).toEqual([expect.objectContaining({ root: file, path: "release.yml" })]);
  });

  it("writes SARIF 2.1.0 with rules and locations", async () => {
    capture();
    await main(["scan", repo, "--format", "sarif"]);
    const sarif = JSON.parse(out.join(""));
    expect(sarif.version).toBe("2.1.0");
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.length).toBeGreaterThan(25);
    expect(run.tool.driver.rules[0].properties["security-severity"]).toMatch(/^\d+\.\d$/);
    expect(run.results.length).toBeGreaterThan(0);
    for (const r of run.results) {
      expect(r.locations[0].physicalLocation.artifactLocation.uri).toMatch(/\.github\/workflows\/\w+\.yml$/);
      expect(r.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
      expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    }
    expect(run.invocations[0].toolExecutionNotifications).toHaveLength(1);
  });

  it("writes markdown and an uncoloured table when stdout is not a terminal", async () => {
    capture();
    await main(["scan", repo, "--format", "markdown"]);
    expect(out.join("")).toMatch(/^# Gatehouse scan/);
    expect(out.join("")).toContain("| high | `long-lived-credential` |");
    capture();
    await main(["scan", repo]);
    const table = out.join("");
    expect(table).toContain("long-lived-credential");
    expect(table).not.toContain("\x1b[");
    expect(table).toMatch(/1 workflows, 1 jobs, \d+ findings .*1 errors/);
  });

  it("scans Buildkite pipelines beside workflows and counts each system in the table", async () => {
    const mixed = mkdtempSync(join(tmpdir(), "gatehouse-cli-bk-"));
    mkdirSync(join(mixed, ".github/workflows"), { recursive: true });
    mkdirSync(join(mixed, ".buildkite"), { recursive: true });
    writeFileSync(join(mixed, ".github/workflows/ci.yml"), "on: push\npermissions: {}\njobs:\n  t: { runs-on: x, steps: [{ run: make }] }\n");
    writeFileSync(join(mixed, ".buildkite/pipeline.yml"), "steps:\n  - key: pr\n    if: build.pull_request.id != null\n    secrets: [NPM_TOKEN]\n    command: make\n");
    writeFileSync(join(mixed, ".buildkite/docker-compose.yml"), "services:\n  app: { image: node }\n");
    capture();
    await main(["scan", mixed, "--format", "json"]);
    const result = JSON.parse(out.join(""));
    expect(result.workflows.map((w: { path: string; system: string }) => [w.path, w.system])).toEqual([
      [".buildkite/pipeline.yml", "buildkite"],
      [".github/workflows/ci.yml", "github-actions"],
    ]);
    capture();
    await main(["scan", mixed]);
    expect(out.join("")).toContain("buildkite-secrets-untrusted-step");
    expect(out.join("")).toMatch(/2 workflows \(1 buildkite, 1 github-actions\), 2 jobs, /);
  });

  it("validates --context and names what is wrong", async () => {
    capture();
    expect(await main(["scan", repo, "--context", join(repo, "context.json")])).toBe(2);
    const message = err.join("");
    expect(message).toContain("defaultWorkflowPermissions");
    expect(message).toContain("secrets.0.updatedAt");
  });

  it("applies context rules with a valid --context", async () => {
    capture();
    await main(["scan", repo, "--format", "json", "--context", join(repo, "good-context.json")]);
    const rules = JSON.parse(out.join("")).findings.map((f: { rule: string }) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(["secret-stale", "secret-missing"]));
  });

  it("rejects bad usage with exit code 2", async () => {
    capture();
    expect(await main(["scan"])).toBe(2);
    expect(await main(["scan", repo, "--format", "xml"])).toBe(2);
    expect(await main(["scan", repo, "--fail-on", "severe"])).toBe(2);
    expect(await main(["frobnicate"])).toBe(2);
    expect(await main(["scan", join(repo, "does-not-exist")])).toBe(2);
    expect(err.join("")).toContain("--format must be one of");
  });
});

describe("gatehouse rules, --help, --version", () => {
  it("prints the catalog", async () => {
    capture();
    expect(await main(["rules"])).toBe(0);
    expect(out.join("")).toContain("untrusted-checkout-privileged  (critical)");
    capture();
    await main(["rules", "--format", "json"]);
    expect(JSON.parse(out.join("")).map((r: { id: string }) => r.id)).toContain("secret-stale");
  });

  it("prints help and version", async () => {
    capture();
    expect(await main(["--help"])).toBe(0);
    expect(out.join("")).toContain("gatehouse scan <path...>");
    capture();
    expect(await main(["--version"])).toBe(0);
    expect(out.join("")).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

const CORPUS = join(import.meta.dirname, "../../shared/corpus/real-world");

describeWithCorpus(CORPUS, "the real-world corpus through the CLI's file discovery", () => {
  it("reports all 407 workflow files with no errors", () => {
    const roots = readdirSync(CORPUS).map((d) => join(CORPUS, d)).filter((d) => existsSync(join(d, ".github")));
    const result = scan(roots, {});
    expect(result.workflows).toHaveLength(407);
    expect(result.errors).toEqual([]);
  }, 60_000);
});

describe("bin.mjs under plain node", () => {
  it("runs `gatehouse --version` without tsx on the command line", () => {
    const stdout = execFileSync(process.execPath, [join(import.meta.dirname, "bin.mjs"), "--version"], { encoding: "utf8" });
    expect(stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  }, 30_000);
});
