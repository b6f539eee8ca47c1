import type { AnalysisResult, Severity } from "../lib/analysis/index";
import { SEVERITIES } from "../lib/analysis/index";

const COLOURS: Record<Severity, string> = { critical: "\x1b[1;31m", high: "\x1b[31m", medium: "\x1b[33m", low: "\x1b[36m", info: "\x1b[2m" };
const RESET = "\x1b[0m";
const DIM = "\x1b[2m";

export function location(root: string, path: string): string {
  if (path === "") return root === "" ? "(repository)" : `${root} (repository)`;
  if (root === "" || root === ".") return path;
  if (root.endsWith(path)) return root;
  return `${root.replace(/\/$/, "")}/${path}`;
}

export function summary(result: AnalysisResult): string {
  const counts = SEVERITIES.map((s) => `${result.findings.filter((f) => f.severity === s).length} ${s}`).join(", ");
  const jobs = result.workflows.reduce((n, w) => n + w.jobs.length, 0);
  // Other CI systems' pipelines are counted apart; a GitHub-only scan reads as it always has.
  const bySystem = new Map<string, number>();
  for (const w of result.workflows) bySystem.set(w.system, (bySystem.get(w.system) ?? 0) + 1);
  const systems = [...bySystem].some(([s]) => s !== "github-actions") ? ` (${[...bySystem].map(([s, n]) => `${n} ${s}`).join(", ")})` : "";
  return `${result.workflows.length} workflows${systems}, ${jobs} jobs, ${result.findings.length} findings (${counts}), ${result.errors.length} errors`;
}

export function formatTable(result: AnalysisResult, colour: boolean): string {
  const paint = (code: string, s: string): string => (colour ? `${code}${s}${RESET}` : s);
  const lines: string[] = [];
  let current = "";
  for (const f of result.findings) {
    const where = location(f.root, f.path);
    if (where !== current) {
      if (current !== "") lines.push("");
      lines.push(paint("\x1b[1m", where));
      current = where;
    }
    const sev = paint(COLOURS[f.severity], f.severity.padEnd(8));
    const pos = `${f.line}`.padStart(5);
    lines.push(`${pos}  ${sev}  ${f.rule.padEnd(36)} ${f.job !== null ? paint(DIM, `[${f.job}] `) : ""}${f.message}`);
  }
  if (result.errors.length > 0) {
    lines.push("", paint("\x1b[1;31m", "errors"));
    for (const e of result.errors) lines.push(`  ${location(e.root, e.path)}: ${e.message}`);
  }
  lines.push("", summary(result));
  return `${lines.join("\n")}\n`;
}
