import type { AnalysisResult } from "../lib/analysis/index";
import { SEVERITIES } from "../lib/analysis/index";
import { location, summary } from "./format-table";

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function formatMarkdown(result: AnalysisResult): string {
  const out: string[] = ["# Gatehouse scan", "", summary(result), ""];
  out.push("| severity | count |", "|---|---|");
  for (const s of SEVERITIES) out.push(`| ${s} | ${result.findings.filter((f) => f.severity === s).length} |`);
  out.push("");
  if (result.findings.length > 0) {
    out.push("## Findings", "", "| severity | rule | location | job | message | fix |", "|---|---|---|---|---|---|");
    for (const f of result.findings) {
      out.push(`| ${f.severity} | \`${f.rule}\` | ${cell(location(f.root, f.path))}${f.line > 0 ? `:${f.line}` : ""} | ${f.job ?? ""} | ${cell(f.message)} | ${cell(f.fix)} |`);
    }
    out.push("");
  }
  if (result.errors.length > 0) {
    out.push("## Errors", "");
    for (const e of result.errors) out.push(`- ${cell(location(e.root, e.path))}: ${cell(e.message)}`);
    out.push("");
  }
  return out.join("\n");
}
