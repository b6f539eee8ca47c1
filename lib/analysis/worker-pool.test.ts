import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { repoContextSchema, type RepoContext } from "./context";
import { analyzeFiles } from "./index";
import type { SourceFile } from "./types";
import { describeWithCorpus } from "@/lib/testing/corpus";
import { createAnalysisPool, type PoolEvent } from "./worker-pool";
import { corpusRepos, REAL_WORLD_CORPUS, yamlFilesUnder } from "./test-support";

const CORPUS = REAL_WORLD_CORPUS;
const BOOTSTRAP = join(import.meta.dirname, "analysis-worker.mjs");

/** A corpus repository's workflows and composite actions, as the sync hands them over (text). */
function loadRepo(repo: string): SourceFile[] {
  const root = join(CORPUS, repo);
  return yamlFilesUnder(join(root, ".github"))
    .map((p) => relative(root, p))
    .filter((p) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(p) || /^\.github\/actions\/.+\/action\.ya?ml$/.test(p))
    .sort()
    .map((path) => ({ path, content: readFileSync(join(root, path), "utf8") }));
}

const context: RepoContext = repoContextSchema.parse({
  repository: "acme/app",
  defaultWorkflowPermissions: "write",
  secrets: [
    { name: "NPM_TOKEN", scope: "repo", updatedAt: "2021-01-01T00:00:00Z" },
    { name: "GITHUB_TOKEN", scope: "org", updatedAt: "2025-01-01T00:00:00Z", visibility: "all" },
  ],
  environments: [{ name: "production", protectionRules: { requiredReviewers: 0, waitTimer: 0, branchPolicy: null } }],
  now: "2026-01-01T00:00:00Z",
});

// Test bootstraps: the real worker behind a listener that kills the thread on a task naming
// crash.yml — always, or only the first time (a marker file remembers it across workers) — and
// one that hangs once the worker says it is analysing slow.yml.
const scratch = mkdtempSync(join(tmpdir(), "analysis-pool-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
function crashingBootstrap(name: string, once: boolean): string {
  const marker = join(scratch, `${name}.crashed`);
  const file = join(scratch, `${name}.mjs`);
  writeFileSync(
    file,
    `import { existsSync, writeFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
parentPort.on("message", (task) => {
  if (!task.files.some((f) => f.path.endsWith("/crash.yml"))) return;
  if (${once} && existsSync(${JSON.stringify(marker)})) return;
  writeFileSync(${JSON.stringify(marker)}, "");
  process.exit(7);
});
await import(${JSON.stringify(pathToFileURL(BOOTSTRAP).href)});
`,
  );
  return file;
}

function hangingBootstrap(): string {
  const file = join(scratch, "hang.mjs");
  writeFileSync(
    file,
    `import { parentPort } from "node:worker_threads";
const post = parentPort.postMessage.bind(parentPort);
parentPort.postMessage = (message) => {
  post(message);
  if (message.type === "progress" && message.path?.endsWith("/slow.yml")) for (;;);
};
await import(${JSON.stringify(pathToFileURL(BOOTSTRAP).href)});
`,
  );
  return file;
}

const crashFile: SourceFile = { path: ".github/workflows/crash.yml", content: "on: push\njobs:\n  a: { runs-on: x, steps: [{ run: make }] }\n" };
const malformed: SourceFile = { path: ".github/workflows/bad.yml", content: "on: push\njobs:\n  a: [unclosed\n" };
const slowFile: SourceFile = { path: ".github/workflows/slow.yml", content: "on: push\njobs:\n  s: { runs-on: x, steps: [{ run: sleep }] }\n" };

/** A small repository of its own (no corpus needed): two workflows, a composite action, secrets. */
const repoFiles: SourceFile[] = [
  {
    path: ".github/workflows/release.yml",
    content: [
      "on: [push, pull_request_target]",
      "permissions: { contents: write, id-token: write }",
      "jobs:",
      "  publish:",
      "    runs-on: ubuntu-latest",
      "    environment: production",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "      - uses: ./.github/actions/setup",
      "        with: { token: '${{ secrets.NPM_TOKEN }}' }",
      "      - run: npm publish",
      "        env: { NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' }",
      "      - uses: aws-actions/configure-aws-credentials@v4",
      "        with: { role-to-assume: 'arn:aws:iam::123456789012:role/deploy' }",
    ].join("\n"),
  },
  { path: ".github/workflows/ci.yml", content: "on: pull_request\njobs:\n  test: { runs-on: ubuntu-latest, steps: [{ uses: actions/checkout@v4 }, { run: make test }] }\n" },
  {
    path: ".github/actions/setup/action.yml",
    content: "name: setup\ninputs: { token: { required: true } }\nruns:\n  using: composite\n  steps:\n    - run: echo x\n      shell: bash\n      env: { T: '${{ inputs.token }}' }\n",
  },
];

describeWithCorpus(CORPUS, "analysis worker pool on the real-world corpus", () => {
  it("gives exactly the results of analyzeFiles on the real-world corpus, with and without context", async () => {
    const pool = createAnalysisPool({ size: 2 });
    try {
      const repos = corpusRepos();
      expect(repos).toHaveLength(21);
      const runs = repos.flatMap((repo) => [undefined, context].map((ctx) => ({ files: loadRepo(repo), ctx, root: repo })));
      const fromWorkers = await Promise.all(runs.map((r) => pool.analyze(r.files, r.ctx, { root: r.root })));
      expect(pool.mode).toBe("worker");
      runs.forEach((r, i) => expect(fromWorkers[i]).toStrictEqual(analyzeFiles(r.files, r.ctx, { root: r.root })));
      expect(fromWorkers.reduce((n, r) => n + r.workflows.length, 0)).toBe(2 * 407);
    } finally {
      await pool.close();
    }
  }, 120_000);
});

describe("analysis worker pool", () => {
  it("gives exactly the results of analyzeFiles", async () => {
    const pool = createAnalysisPool({ size: 1 });
    try {
      const result = await pool.analyze(repoFiles, context, { root: "r" });
      expect(result).toStrictEqual(analyzeFiles(repoFiles, context, { root: "r" }));
      expect(result.workflows).toHaveLength(2);
      expect(result.errors).toEqual([]);
      expect(pool.mode).toBe("worker");
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("answers a malformed workflow with its parse error and keeps the worker", async () => {
    const events: PoolEvent[] = [];
    const pool = createAnalysisPool({ size: 1, onEvent: (e) => events.push(e) });
    try {
      const bad = await pool.analyze([malformed], context);
      expect(bad).toStrictEqual(analyzeFiles([malformed], context));
      expect(bad.errors[0]?.message).toMatch(/invalid YAML/);
      expect(bad.findings.map((f) => f.rule)).toContain("parse-error");
      const good = await pool.analyze([crashFile], context);
      expect(good.workflows).toHaveLength(1);
      expect(events).toEqual([]);
      expect(pool.mode).toBe("worker");
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("replaces a worker that dies and analyses its tasks again", async () => {
    const events: PoolEvent[] = [];
    const pool = createAnalysisPool({ size: 1, entry: crashingBootstrap("once", true), onEvent: (e) => events.push(e) });
    try {
      const inputs = [[crashFile], [malformed], repoFiles];
      const results = await Promise.all(inputs.map((files) => pool.analyze(files, context)));
      inputs.forEach((files, i) => expect(results[i]).toStrictEqual(analyzeFiles(files, context)));
      expect(events.map((e) => e.type)).toEqual(["worker-died"]);
      expect(pool.mode).toBe("worker");
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("stops, never reruns in this thread, a task that kills its worker twice; tasks waiting behind it are analysed", async () => {
    const events: PoolEvent[] = [];
    const pool = createAnalysisPool({ size: 1, entry: crashingBootstrap("always", false), onEvent: (e) => events.push(e) });
    try {
      const files = [crashFile, ...repoFiles];
      const [killer, waiting] = await Promise.all([pool.analyze(files, context), pool.analyze(repoFiles, context)]);
      // The worker died before it named a file: every workflow of the task is stopped, none analysed.
      const message = killer.errors[0]?.message ?? "";
      expect(message).toMatch(/^Analysis stopped: the file is too large or too slow to analyse \(twice: exit code 7\)/);
      const stopped = Object.fromEntries(files.filter((f) => f.path.includes("/workflows/")).map((f) => [f.path, message]));
      expect(killer).toStrictEqual(analyzeFiles(files, context, { stopped }));
      expect(killer.workflows).toEqual([]);
      expect(killer.findings.filter((f) => f.rule === "parse-error").map((f) => f.path).sort()).toEqual(Object.keys(stopped).sort());
      expect(waiting).toStrictEqual(analyzeFiles(repoFiles, context));
      expect(events.map((e) => e.type)).toEqual(["worker-died", "worker-died", "file-stopped"]);
      // Workers still serve other tasks.
      expect(await pool.analyze([malformed])).toStrictEqual(analyzeFiles([malformed]));
      expect(pool.mode).toBe("worker");
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("stops the file a task overruns its deadline on, twice, and analyses the rest of the repository", async () => {
    const events: PoolEvent[] = [];
    const pool = createAnalysisPool({ size: 1, entry: hangingBootstrap(), deadlineMs: 1_500, onEvent: (e) => events.push(e) });
    try {
      const files = [...repoFiles, slowFile];
      const started = performance.now();
      const result = await pool.analyze(files, context, { root: "r" });
      expect(performance.now() - started).toBeLessThan(20_000);
      const message = result.errors.find((e) => e.path === slowFile.path)?.message ?? "";
      expect(message).toMatch(/^Analysis stopped: the file is too large or too slow to analyse \(twice: took longer than 1\.5 s\)/);
      expect(result).toStrictEqual(analyzeFiles(files, context, { root: "r", stopped: { [slowFile.path]: message } }));
      expect(result.workflows.map((w) => w.path).sort()).toEqual([".github/workflows/ci.yml", ".github/workflows/release.yml"]);
      expect(events).toEqual([
        { type: "worker-died", reason: "took longer than 1.5 s" },
        { type: "worker-died", reason: "took longer than 1.5 s" },
        { type: "file-stopped", path: slowFile.path, reason: "took longer than 1.5 s" },
      ]);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("falls back to this thread, once and for good, when workers cannot start", async () => {
    const broken = join(scratch, "broken.mjs");
    writeFileSync(broken, `throw new Error("no loader here");\n`);
    for (const entry of [join(scratch, "missing.mjs"), broken]) {
      const events: PoolEvent[] = [];
      const pool = createAnalysisPool({ size: 1, entry, onEvent: (e) => events.push(e) });
      const results = await Promise.all([pool.analyze(repoFiles, context), pool.analyze([malformed])]);
      expect(results).toStrictEqual([analyzeFiles(repoFiles, context), analyzeFiles([malformed])]);
      expect(await pool.analyze([crashFile])).toStrictEqual(analyzeFiles([crashFile]));
      expect(pool.mode).toBe("inline");
      expect(events).toHaveLength(1);
      expect(events[0]?.type).toBe("fallback");
      await pool.close();
    }
  }, 60_000);

  it("in this thread, refuses files over its size limit before parsing, and bounds deeply nested YAML", async () => {
    const pool = createAnalysisPool({ size: 1, entry: join(scratch, "missing.mjs"), inlineMaxBytes: 64 * 1024 });
    const big: SourceFile = { path: ".github/workflows/big.yml", content: `on: push\njobs:\n  a: { runs-on: x, steps: [{ run: make }] }\n# ${"x".repeat(1024 * 1024 - 64)}\n` };
    const nested: SourceFile[] = [
      { path: ".github/workflows/seq.yml", content: `${"- ".repeat(30_000)}x\n` },
      { path: ".github/workflows/flow.yml", content: `on: push\nx: ${"[".repeat(20_000)}\n` },
      { path: ".github/workflows/map.yml", content: `on: push\n${Array.from({ length: 350 }, (_, i) => `${" ".repeat(i)}k${i}:\n`).join("")}` },
    ];
    const started = performance.now();
    const result = await pool.analyze([big, ...nested, ...repoFiles], context);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(pool.mode).toBe("inline");
    expect(result.errors.find((e) => e.path === big.path)?.message).toMatch(/^Not analysed: the file is larger than 64 KB, the limit while analysis runs in the server's main thread/);
    // Block nesting that fits in the limit parses; deeper nesting is refused by the parse limits.
    expect(result.errors.map((e) => e.path).sort()).toEqual([big.path, ".github/workflows/flow.yml", ".github/workflows/seq.yml"]);
    expect(result.errors.find((e) => e.path.endsWith("flow.yml"))?.message).toMatch(/nested too deeply/);
    expect(result.findings.filter((f) => f.rule === "parse-error")).toHaveLength(3);
    expect(result.workflows.map((w) => w.path)).toEqual(expect.arrayContaining([".github/workflows/ci.yml", ".github/workflows/release.yml"]));
    await pool.close();
  }, 60_000);
});
