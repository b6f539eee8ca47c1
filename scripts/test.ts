// `npm test`: everything — lint, types, unit, integration against PostgreSQL (and again on
// PGlite), unit and integration again under the current Node LTS, browser tests — then one
// summary. Every step runs even if one before it failed, so a single run shows all that is
// broken.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { testEnv } from "../lib/testing/test-env";

interface Step {
  name: string;
  cmd: string[];
  env?: Record<string, string>;
  /** JSON report to read test counts from. */
  report?: { file: string; kind: "vitest" | "playwright" };
}

const bin = (name: string) => path.resolve("node_modules/.bin", name);
mkdirSync("test-results", { recursive: true });

const vitest = (project: string, file: string, env?: Record<string, string>, node?: string): Step => ({
  name: `${project}${env?.TEST_DB ? " (PGlite)" : ""}${node ? ` (Node ${LTS})` : ""}`,
  cmd: [
    ...(node ? [node, path.resolve("node_modules/vitest/vitest.mjs")] : [bin("vitest")]),
    ...["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=test-results/${file}`],
  ],
  env,
  report: { file: `test-results/${file}`, kind: "vitest" },
});

// The current Node LTS, fetched from the npm registry (the `node` package) into npm's cache:
// the suite must pass on it as well as on the machine's own Node (package.json "engines").
const LTS = "24";
const CI = testEnv().ci;
const ltsNode = findLtsNode();

const steps: Step[] = [
  { name: "lint", cmd: [bin("eslint"), "--max-warnings=0", "."] },
  // Dead files, exports and dependencies (knip.json): unused code is removed, not left behind.
  { name: "knip", cmd: [bin("knip"), "--no-config-hints"] },
  { name: "types", cmd: [bin("tsc"), "--noEmit"] },
  vitest("unit", "unit.json"),
  vitest("integration", "integration.json"),
  vitest("integration", "integration-pglite.json", { TEST_DB: "pglite" }),
  ...(ltsNode.path
    ? [vitest("unit", "unit-lts.json", undefined, ltsNode.path), vitest("integration", "integration-lts.json", undefined, ltsNode.path)]
    : []),
  { name: "chromium", cmd: [bin("tsx"), "scripts/ensure-chromium.ts"] },
  { name: "e2e", cmd: [bin("playwright"), "test"], report: { file: "test-results/e2e.json", kind: "playwright" } },
];

let passed = 0;
let failed = 0;
const lines: string[] = [];
// Node LTS missing: said in the summary; a failure under CI=true, a note elsewhere.
if (!ltsNode.path && !ltsNode.current) lines.push(`${CI ? "FAIL" : "skip"} ${`Node ${LTS}`.padEnd(22)} ${ltsNode.why}`);
for (const step of steps) {
  if (step.report) rmSync(step.report.file, { force: true });
  process.stdout.write(`\n━━ ${step.name} ━━ ${step.cmd.map((c) => path.basename(c)).join(" ")}\n`);
  const started = Date.now();
  const r = spawnSync(step.cmd[0]!, step.cmd.slice(1), { stdio: "inherit", env: { ...process.env, ...step.env } });
  const ok = r.status === 0;
  const counts = step.report ? readCounts(step.report) : null;
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
  } else if (!ok) {
    failed += 1;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  lines.push(`${ok ? "ok  " : "FAIL"} ${step.name.padEnd(22)} ${counts ? `${counts.passed} passed, ${counts.failed} failed` : ok ? "clean" : `exit ${r.status}`} (${seconds} s)`);
}

process.stdout.write(`\n━━ summary ━━\n${lines.join("\n")}\n\n${passed} passed, ${failed} failed\n`);
process.exit(lines.some((l) => l.startsWith("FAIL")) || failed > 0 ? 1 : 0);

function findLtsNode(): { path: string | null; current?: boolean; why: string } {
  if (process.versions.node.split(".")[0] === LTS) return { path: null, current: true, why: "" };
  const r = spawnSync("npm", ["exec", "--yes", `--package=node@${LTS}`, "--", "node", "-p", "process.execPath"], { encoding: "utf8" });
  const found = r.status === 0 ? r.stdout.trim().split("\n").at(-1) : undefined;
  if (found && existsSync(found)) return { path: found, why: "" };
  return {
    path: null,
    why: `Could not get Node ${LTS} from the npm registry (npm exec --package=node@${LTS}): ${r.stderr?.trim().split("\n").at(-1) ?? "no answer"}. Its unit and integration runs are skipped${CI ? ", which fails under CI=true" : ""}.`,
  };
}

function readCounts(report: NonNullable<Step["report"]>): { passed: number; failed: number } | null {
  if (!existsSync(report.file)) return null;
  const json = JSON.parse(readFileSync(report.file, "utf8")) as Record<string, unknown>;
  if (report.kind === "vitest") {
    return { passed: Number(json.numPassedTests ?? 0), failed: Number(json.numFailedTests ?? 0) };
  }
  const stats = json.stats as { expected?: number; unexpected?: number; flaky?: number } | undefined;
  return { passed: Number(stats?.expected ?? 0), failed: Number(stats?.unexpected ?? 0) + Number(stats?.flaky ?? 0) };
}
