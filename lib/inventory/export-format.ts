// The export's file formats, written a page at a time so an export never holds the whole file:
// `head`, then `page(lines)` for each keyset page, then `tail`. Concatenated, they are the file.
// Cells hold text from workflow files, CODEOWNERS and custom properties, which anyone who can
// push to a repository controls: every cell is made inert for the program that opens the file.

import type { CiSystem } from "@/lib/analysis/types";

export const EXPORT_FORMATS = ["csv", "md", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * One line of the credential inventory: Workflow | Secrets or identities | External systems |
 * Rotation owner | CI system. The CI system column came last (issue 14) so every earlier column
 * keeps its position for the sheets and scripts that read them by index; in JSON it sits beside
 * the workflow, as `system` (the name of `workflow.system` and the `system=` filter).
 */
export interface InventoryLine {
  workflow: string;
  /** The workflow's CI system: `github-actions`, `buildkite` or `tekton`. */
  system: CiSystem;
  credentials: string[];
  systems: string[];
  owner: string;
}

export interface ExportEncoder {
  contentType: string;
  extension: string;
  head(): string;
  /** The text of one page of lines; `first` is true for the first non-empty page. */
  page(lines: readonly InventoryLine[], first: boolean): string;
  /** `any` is false when no line was written at all. */
  tail(any: boolean): string;
}

const HEADER = ["Workflow", "Secrets or identities", "External systems", "Rotation owner", "CI system"];
const cells = (l: InventoryLine) => [l.workflow, l.credentials.join("; "), l.systems.join("; "), l.owner, l.system];

/**
 * A spreadsheet reads a cell starting with = + - @ (or their full-width forms) as a formula, and
 * some strip a leading tab or carriage return first: such a cell gets a leading apostrophe.
 */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * A Markdown table cell showing `v` as plain text: HTML is written as entities (`<` `>` `&`, which
 * also stops `<https://…>` autolinks), and the inline syntax a cell can hold — links and images
 * (`[ ] !`), emphasis, code, strike-through, the table's `|`, and `\` itself — is backslash-
 * escaped, so no cell renders a link whose target differs from its text, an image that calls out,
 * or markup. (Block syntax such as `#` or `-` means nothing inside a table cell.) A bare URL may
 * still be shown as a link by some renderers: its text is its target.
 */
export function mdCell(v: string): string {
  const text = v
    .replace(/\r\n?|\n/g, " ")
    .replace(/[\\`*_[\]!|~]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
  return text || "—";
}

function csvEncoder(): ExportEncoder {
  const row = (r: string[]) => `${r.map(csvCell).join(",")}\r\n`;
  return {
    contentType: "text/csv; charset=utf-8",
    extension: "csv",
    head: () => row(HEADER),
    page: (lines) => lines.map((l) => row(cells(l))).join(""),
    tail: () => "",
  };
}

function markdownEncoder(title: string): ExportEncoder {
  return {
    contentType: "text/markdown; charset=utf-8",
    extension: "md",
    head: () => `# ${mdCell(title)}\n\n| ${HEADER.join(" | ")} |\n| ${HEADER.map(() => "---").join(" | ")} |\n`,
    page: (lines) => lines.map((l) => `| ${cells(l).map(mdCell).join(" | ")} |\n`).join(""),
    tail: () => "",
  };
}

/** Byte for byte `JSON.stringify({ title, lines }, null, 2) + "\n"`, written a page at a time. */
function jsonEncoder(title: string): ExportEncoder {
  const item = (l: InventoryLine) => `\n    ${JSON.stringify(l, null, 2).replace(/\n/g, "\n    ")}`;
  return {
    contentType: "application/json",
    extension: "json",
    head: () => `{\n  "title": ${JSON.stringify(title)},\n  "lines": [`,
    page: (lines, first) => lines.map((l, i) => `${first && i === 0 ? "" : ","}${item(l)}`).join(""),
    tail: (any) => (any ? "\n  ]\n}\n" : "]\n}\n"),
  };
}

export function exportEncoder(format: ExportFormat, title: string): ExportEncoder {
  if (format === "csv") return csvEncoder();
  if (format === "md") return markdownEncoder(title);
  return jsonEncoder(title);
}
