import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { repoContextSchema, type RepoContext } from "./context";
import { analyzeFiles } from "./index";
import type { SourceFile } from "./types";
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
// crash.yml — always, or only the first time (a marker file remembers it across workers).
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

const crashFile: SourceFile = { path: ".github/workflows/crash.yml", content: "on: push\njobs:\n  a: { runs-on: x, steps: [{ run: make }] }\n" };
const malformed: SourceFile = { path: ".github/workflows/bad.yml", content: "on: push\njobs:\n  a: [unclosed\n" };

describe.skipIf(!existsSync(CORPUS))("analysis worker pool", () => {
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
      const inputs = [[crashFile], [malformed], loadRepo("cli__cli")];
      const results = await Promise.all(inputs.map((files) => pool.analyze(files, context)));
      inputs.forEach((files, i) => expect(results[i]).toStrictEqual(analyzeFiles(files, context)));
      expect(events.map((e) => e.type)).toEqual(["worker-died"]);
      expect(pool.mode).toBe("worker");
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("analyses in this thread a task that kills its worker twice", async () => {
    const events: PoolEvent[] = [];
    const pool = createAnalysisPool({ size: 1, entry: crashingBootstrap("always", false), onEvent: (e) => events.push(e) });
    try {
      expect(await pool.analyze([crashFile], context)).toStrictEqual(analyzeFiles([crashFile], context));
      expect(events.map((e) => e.type)).toEqual(["worker-died", "worker-died"]);
      // Workers still serve other tasks.
      expect(await pool.analyze([malformed])).toStrictEqual(analyzeFiles([malformed]));
      expect(pool.mode).toBe("worker");
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
      const files = loadRepo("astral-sh__uv");
      const results = await Promise.all([pool.analyze(files, context), pool.analyze([malformed])]);
      expect(results).toStrictEqual([analyzeFiles(files, context), analyzeFiles([malformed])]);
      expect(await pool.analyze([crashFile])).toStrictEqual(analyzeFiles([crashFile]));
      expect(pool.mode).toBe("inline");
      expect(events).toHaveLength(1);
      expect(events[0]?.type).toBe("fallback");
      await pool.close();
    }
  }, 60_000);
});
