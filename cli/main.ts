import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  analyzeFiles,
  createAnalysisCache,
  DEFAULT_MAX_BYTES,
  mergeResults,
  parseRepoContext,
  RULES,
  SEVERITIES,
  type AnalysisResult,
  type RepoContext,
  type Severity,
} from "../lib/analysis/index";
import { collect, type ScanRoot } from "./collect";
import { formatMarkdown } from "./format-markdown";
import { formatSarif } from "./format-sarif";
import { formatTable } from "./format-table";
import { runTrust, TRUST_HELP, TrustUsageError } from "./trust";

// Exit codes: 0 done (no finding at or above --fail-on), 1 findings at or above --fail-on,
// 2 usage error or unreadable input path.

const FORMATS = ["table", "json", "sarif", "markdown"] as const;
type Format = (typeof FORMATS)[number];

const HELP = `gatehouse — what can a compromised CI workflow deploy, publish, read or leak?

Usage:
  gatehouse scan <path...> [--format table|json|sarif|markdown] [--fail-on <severity>] [--context <file.json>]
  gatehouse trust --policies <file-or-dir...> --repo OWNER/REPO [--sub-template JSON] [--format json|table] <workflow path...>
  gatehouse rules [--format table|json]
  gatehouse --help | --version

Paths may be repository roots (their .github/workflows and the local actions they use),
directories of workflow files, or single files.

Options:
  --format    output format (default: table; colour only on a terminal)
  --fail-on   exit with 1 when a finding has this severity or worse
              (${SEVERITIES.join(", ")})
  --context   repository context JSON (default token permission, secrets, variables,
              environments, now) enabling the context rules
  --max-bytes refuse files larger than this (default ${DEFAULT_MAX_BYTES})

${TRUST_HELP}`;

export function version(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  return typeof pkg === "object" && pkg !== null && "version" in pkg && typeof pkg.version === "string" ? pkg.version : "0.0.0";
}

class UsageError extends Error {}

function out(s: string): void {
  process.stdout.write(s);
}

function loadContext(file: string): RepoContext {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read --context ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = parseRepoContext(raw);
  if (!parsed.ok) throw new UsageError(`--context ${file} is not a valid repository context:\n${parsed.problems.map((p) => `  - ${p}`).join("\n")}`);
  return parsed.context;
}

export function scan(paths: string[], options: { context?: RepoContext; maxBytes?: number }): AnalysisResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const cache = createAnalysisCache();
  const v = version();
  const roots: ScanRoot[] = paths.map((p) => {
    try {
      return collect(p, maxBytes);
    } catch (err) {
      throw new UsageError(`cannot read ${p}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return mergeResults(
    roots.map((r) => analyzeFiles(r.files, options.context, { root: r.root, cache, version: v, limits: { maxBytes } })),
    v,
  );
}

function render(result: AnalysisResult, format: Format, colour: boolean): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(result, null, 2)}\n`;
    case "sarif":
      return formatSarif(result, process.cwd());
    case "markdown":
      return formatMarkdown(result);
    case "table":
      return formatTable(result, colour);
  }
}

function renderRules(format: string): string {
  if (format === "json") return `${JSON.stringify(RULES, null, 2)}\n`;
  return RULES.map((r) => `${r.id}  (${r.severity}${r.needsContext ? ", needs --context" : ""})\n  ${r.title}\n  why: ${r.why}\n  example: ${r.example}\n  fix: ${r.fix}\n`).join("\n");
}

/** How the terminal wants its output, read once by the entry point (bin.mjs). */
export interface Terminal {
  /** Colour the table: stdout is a terminal and NO_COLOR is unset. */
  colour: boolean;
}

export async function main(argv: string[], terminal: Terminal = { colour: false }): Promise<number> {
  try {
    if (argv[0] === "trust" && !argv.includes("--help") && !argv.includes("-h")) {
      const run = runTrust(argv.slice(1), (paths) => scan(paths, {}), terminal.colour);
      out(run.output);
      return run.exitCode;
    }
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: "string", short: "f" },
        "fail-on": { type: "string" },
        context: { type: "string", short: "c" },
        "max-bytes": { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
    if (values.version) {
      out(`${version()}\n`);
      return 0;
    }
    const [command, ...rest] = positionals;
    if (values.help || command === undefined || command === "help") {
      out(HELP);
      return values.help || command === "help" ? 0 : 2;
    }
    if (command === "rules") {
      out(renderRules(values.format ?? "table"));
      return 0;
    }
    if (command !== "scan") throw new UsageError(`unknown command ${command}`);
    if (rest.length === 0) throw new UsageError("scan needs at least one path");
    const format = (values.format ?? "table") as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}`);
    const failOn = values["fail-on"] as Severity | undefined;
    if (failOn !== undefined && !SEVERITIES.includes(failOn)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(", ")}`);
    const maxBytes = values["max-bytes"] !== undefined ? Number(values["max-bytes"]) : undefined;
    if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes <= 0)) throw new UsageError("--max-bytes must be a positive integer");
    const context = values.context !== undefined ? loadContext(values.context) : undefined;
    const result = scan(rest, { ...(context ? { context } : {}), ...(maxBytes ? { maxBytes } : {}) });
    out(render(result, format, terminal.colour));
    if (failOn === undefined) return 0;
    const threshold = SEVERITIES.indexOf(failOn);
    return result.findings.some((f) => SEVERITIES.indexOf(f.severity) <= threshold) ? 1 : 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof TrustUsageError || (err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS"))) {
      process.stderr.write(`gatehouse: ${err.message}\n\n${HELP}`);
      return 2;
    }
    throw err;
  }
}
