import type { Severity } from "../lib/analysis/index";
import { TRUST_RULES, type TrustReport } from "../lib/trust/index";

// Human-readable `gatehouse trust` output: per trust, who can match and what is wrong.

const COLOURS: Record<Severity, string> = { critical: "\x1b[1;31m", high: "\x1b[31m", medium: "\x1b[33m", low: "\x1b[36m", info: "\x1b[2m" };
const RESET = "\x1b[0m";
const BOLD = "\x1b[1m";
const DIM = "\x1b[2m";

export function formatTrustTable(report: TrustReport, colour: boolean, note: string | null): string {
  const paint = (code: string, s: string): string => (colour ? `${code}${s}${RESET}` : s);
  const fixes = new Map<string, string>(TRUST_RULES.map((r) => [r.id, r.fix]));
  const lines: string[] = [];
  if (note !== null) lines.push(paint(DIM, `note: ${note}`), "");
  for (const t of report.trusts) {
    lines.push(paint(BOLD, `${t.provider}  ${t.name}`) + paint(DIM, `  ${t.id}`));
    lines.push(`  tokens of other owners: ${t.outsideTokens}`);
    if (t.matches.length === 0) lines.push("  no job can match");
    for (const m of t.matches) lines.push(`  ${m.decision.padEnd(9)} ${m.path} [${m.job}]  ${paint(DIM, m.sub)}`);
    for (const f of t.findings) {
      lines.push(`  ${paint(COLOURS[f.severity], f.severity.padEnd(8))} ${f.rule}: ${f.message}`);
      const fix = fixes.get(f.rule);
      if (fix !== undefined) lines.push(paint(DIM, `           fix: ${fix}`));
    }
    lines.push("");
  }
  if (report.errors.length > 0) {
    lines.push(paint("\x1b[1;31m", "errors"));
    for (const e of report.errors) lines.push(`  ${e.path}: ${e.message}`);
    lines.push("");
  }
  const findings = report.trusts.reduce((n, t) => n + t.findings.length, 0);
  lines.push(`${report.trusts.length} trusts, ${findings} findings, ${report.errors.length} errors`);
  return `${lines.join("\n")}\n`;
}
