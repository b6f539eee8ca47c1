import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeFiles } from "./index";
import { findings } from "./test-support";

function analyseOne(content: string | Uint8Array) {
  return analyzeFiles([{ path: ".github/workflows/bad.yml", content }], undefined, { root: "r" });
}

function expectRefused(content: string | Uint8Array, message: RegExp) {
  const started = performance.now();
  const r = analyseOne(content);
  const elapsed = performance.now() - started;
  expect(r.errors).toEqual([{ root: "r", path: ".github/workflows/bad.yml", message: expect.stringMatching(message) }]);
  expect(findings(r, "parse-error")).toHaveLength(1);
  expect(findings(r, "parse-error")[0]).toMatchObject({ severity: "high", path: ".github/workflows/bad.yml", line: 1 });
  expect(r.workflows).toEqual([]);
  expect(elapsed).toBeLessThan(2000);
}

const BOMB = [
  "a: &a [x, x, x, x, x, x, x, x, x]",
  "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
  "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
  "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]",
  "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]",
  "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]",
  "on: push",
  "jobs:",
  "  x:",
  "    runs-on: ubuntu-latest",
  "    steps: [{ run: echo }]",
  "    env: { BOMB: *h }",
].join("\n");

describe("bad input is refused fast and becomes an error plus a parse-error finding", () => {
  it("YAML alias bomb", () => expectRefused(BOMB, /alias bomb/));
  it("file over the size limit", () => expectRefused(`on: push\n# ${"x".repeat(1024 * 1024)}\n`, /larger than the 1048576-byte limit/));
  it("file over the size limit as bytes", () => expectRefused(new Uint8Array(1024 * 1024 + 1).fill(0x61), /larger than/));
  it("invalid UTF-8", () => expectRefused(new Uint8Array([0x6f, 0x6e, 0x3a, 0x20, 0xff, 0xfe, 0x0a]), /not valid UTF-8/));
  it("binary content", () => expectRefused(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]), /binary/));
  it("non-mapping document (sequence)", () => expectRefused("- a\n- b\n", /top level must be a mapping/));
  it("non-mapping document (scalar)", () => expectRefused("just a string\n", /top level must be a mapping/));
  it("empty document", () => expectRefused("", /top level must be a mapping/));
  it("invalid YAML", () => expectRefused("on: [push\njobs: {", /invalid YAML/));
  it("deep nesting", () => expectRefused(`${"[".repeat(50_000)}${"]".repeat(50_000)}`, /nested too deeply/));

  it("keeps analysing the other files", () => {
    const r = analyzeFiles(
      [
        { path: ".github/workflows/bad.yml", content: new Uint8Array([0xff]) },
        { path: ".github/workflows/good.yml", content: "on: push\njobs:\n  a: { runs-on: x, steps: [{ run: make }] }\n" },
      ],
      undefined,
      { root: "r" },
    );
    expect(r.errors.map((e) => e.path)).toEqual([".github/workflows/bad.yml"]);
    expect(r.workflows.map((w) => w.path)).toEqual([".github/workflows/good.yml"]);
  });

  it("accepts anchors and aliases of normal size", () => {
    const r = analyseOne("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env: &env { A: '${{ secrets.A }}' }\n    steps: [{ run: make }]\n  b:\n    runs-on: ubuntu-latest\n    env: *env\n    steps: [{ run: make }]\n");
    expect(r.errors).toEqual([]);
    expect(r.workflows[0]?.jobs.map((j) => j.secrets.map((s) => s.name))).toEqual([["A"], ["A"]]);
  });

  it("caches by content hash", async () => {
    const { createAnalysisCache } = await import("./cache");
    const cache = createAnalysisCache();
    const files = [{ path: ".github/workflows/a.yml", content: "on: push\njobs:\n  a: { runs-on: x, steps: [{ run: make }] }\n" }];
    const first = analyzeFiles(files, undefined, { cache, root: "one" });
    expect(cache.size).toBe(1);
    const second = analyzeFiles(files, undefined, { cache, root: "two" });
    expect(cache.size).toBe(1);
    expect(second.workflows[0]?.root).toBe("two");
    expect(second.workflows[0]?.jobs).toBe(first.workflows[0]?.jobs);
  });
});

const STEP_PARTS = [
  "- uses: actions/checkout@v4",
  "- uses: aws-actions/configure-aws-credentials@v4\n  with: { role-to-assume: '${{ vars.R }}' }",
  "- run: echo ${{ secrets.X }} ${{ github.event.issue.title }}",
  "- run: npm publish\n  env: { NODE_AUTH_TOKEN: '${{ secrets.NPM }}' }",
  "- uses: ./.github/actions/x",
  "- uses: docker/login-action@v3\n  with: { password: '${{ toJSON(secrets) }}' }",
  "- if: ${{ secrets.A }}\n  run: x",
];

const workflowArb = fc.record({
  on: fc.constantFrom("push", "pull_request_target", "[issue_comment, pull_request]", "workflow_call", "{}", "7"),
  perms: fc.constantFrom("", "permissions: write-all\n", "permissions: {}\n", "permissions: { id-token: write }\n", "permissions: 3\n"),
  steps: fc.array(fc.constantFrom(...STEP_PARTS), { maxLength: 6 }),
  runsOn: fc.constantFrom("ubuntu-latest", "[self-hosted]", "${{ matrix.os }}", "{ group: g }"),
});

describe("property: the analyser never throws", () => {
  it("on generated workflows", () => {
    fc.assert(
      fc.property(workflowArb, (w) => {
        const steps = w.steps.map((s) => s.split("\n").map((l) => `      ${l}`).join("\n")).join("\n");
        const yaml = `on: ${w.on}\n${w.perms}jobs:\n  j:\n    runs-on: ${w.runsOn}\n    steps:\n${steps || "      - run: x"}\n`;
        const r = analyseOne(yaml);
        expect(r.workflows.length + r.errors.length).toBe(1);
      }),
      { numRuns: 200 },
    );
  });

  it("on mutated workflows (random edits of a real-looking file)", () => {
    const base = `on: [push, pull_request_target]\npermissions: { contents: read }\njobs:\n  a:\n    runs-on: ubuntu-latest\n    environment: prod\n    steps:\n      - uses: actions/checkout@v4\n        with: { ref: '\${{ github.event.pull_request.head.sha }}' }\n      - run: echo \${{ secrets.T }}\n  c:\n    uses: o/r/.github/workflows/x.yml@v1\n    secrets: inherit\n`;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length), fc.nat(8), fc.string({ maxLength: 6 })), { maxLength: 8 }), (edits) => {
        let s = base;
        for (const [at, del, ins] of edits) s = s.slice(0, at) + ins + s.slice(at + del);
        const r = analyseOne(s);
        expect(r.workflows.length + r.errors.length).toBe(1);
        for (const f of r.findings) expect(f.line).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it("on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = analyseOne(bytes);
        expect(r.workflows.length + r.errors.length).toBe(1);
      }),
      { numRuns: 200 },
    );
  });
});
