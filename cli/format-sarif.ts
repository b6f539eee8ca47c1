import { hash } from "node:crypto";
import { relative, resolve, sep } from "node:path";
import type { AnalysisResult, Severity } from "../lib/analysis/index";
import { RULES } from "../lib/analysis/index";

// SARIF 2.1.0 as GitHub code scanning ingests it: one run, rules with security-severity,
// one physical location per result, URIs relative to the working directory.

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", info: "1.0" };

function uri(root: string, path: string, cwd: string): string {
  const full = path === "" ? resolve(cwd, root) : root.endsWith(path) ? resolve(cwd, root) : resolve(cwd, root, path);
  return relative(cwd, full).split(sep).join("/");
}

export function formatSarif(result: AnalysisResult, cwd: string): string {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "gatehouse",
            version: result.tool.version,
            informationUri: "https://github.com/gatehouse/gatehouse",
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.why },
              help: { text: `${r.why}\n\nExample: ${r.example}\n\nFix: ${r.fix}`, markdown: `${r.why}\n\n**Example:** ${r.example}\n\n**Fix:** ${r.fix}` },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { "security-severity": SECURITY_SEVERITY[r.severity], tags: ["security", "ci", "credentials"], precision: "high" },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: result.errors.map((e) => ({
              level: "error",
              message: { text: e.message },
              locations: [{ physicalLocation: { artifactLocation: { uri: uri(e.root, e.path, cwd) } } }],
            })),
          },
        ],
        results: result.findings
          .filter((f) => f.path !== "")
          .map((f) => ({
            ruleId: f.rule,
            ruleIndex: ruleIndex.get(f.rule) ?? 0,
            level: LEVEL[f.severity],
            message: { text: `${f.message}. Fix: ${f.fix}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: uri(f.root, f.path, cwd) },
                  region: { startLine: Math.max(1, f.line) },
                },
              },
            ],
            partialFingerprints: { "gatehouseFinding/v1": hash("sha256", `${f.rule}\0${f.job ?? ""}\0${f.path}\0${f.message}`) },
            properties: { "security-severity": SECURITY_SEVERITY[f.severity], ...(f.job !== null ? { job: f.job } : {}) },
          })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
