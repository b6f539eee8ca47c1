import { describe, expect, it } from "vitest";
import { csvCell, exportEncoder, mdCell, type ExportFormat, type InventoryLine } from "./export-format";

const line = (n: number, extra: Partial<InventoryLine> = {}): InventoryLine => ({
  workflow: `acme/repo-${n}/.github/workflows/ci.yml`,
  system: "github-actions",
  credentials: [`secret NPM_TOKEN_${n}`, "aws-role arn:aws:iam::1:role/deploy (OIDC)"],
  systems: ["npm", `aws 1${n}`],
  owner: "@acme/platform",
  ...extra,
});

/** The whole file as the stream writes it: head, each page, tail. */
function write(format: ExportFormat, title: string, pages: InventoryLine[][]): string {
  const e = exportEncoder(format, title);
  let out = e.head();
  let any = false;
  for (const p of pages) {
    out += e.page(p, !any);
    any ||= p.length > 0;
  }
  return out + e.tail(any);
}

describe("CSV cells", () => {
  it.each(["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1", "\uFF1D1+1"])("%j cannot start a formula", (v) => {
    expect(csvCell(v).replace(/^"/, "")).toMatch(/^'/);
  });

  it("quotes commas, quotes and line breaks, and leaves plain text alone", () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("a\nb")).toBe('"a\nb"');
    expect(csvCell("\r=cmd")).toBe("\"'\r=cmd\"");
    expect(csvCell("acme/web/.github/workflows/ci.yml")).toBe("acme/web/.github/workflows/ci.yml");
  });
});

describe("Markdown cells", () => {
  it("cannot make a link, an image or HTML", () => {
    const cell = mdCell("[click](https://evil.example) ![x](https://evil.example/p.png) <img src=x onerror=alert(1)> <https://evil.example>");
    expect(cell).not.toMatch(/(^|[^\\])\[/);
    expect(cell).not.toMatch(/(^|[^\\])!/);
    expect(cell).not.toContain("<");
    expect(cell).not.toContain(">");
    expect(cell).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("escapes a backslash so it cannot un-escape what follows, and keeps the row one line", () => {
    expect(mdCell("\\[x]")).toBe("\\\\\\[x\\]");
    expect(mdCell("a|b\nc\r\nd")).toBe("a\\|b c d");
    expect(mdCell("&lt;")).toBe("&amp;lt;");
    expect(mdCell("")).toBe("—");
  });

  it("leaves ordinary credential text readable", () => {
    expect(mdCell("aws-role arn:aws:iam::1:role/deploy (OIDC)")).toBe("aws-role arn:aws:iam::1:role/deploy (OIDC)");
  });
});

describe("files written a page at a time", () => {
  const pipeline = line(5, { workflow: "acme/repo-5/.buildkite/pipeline.yml", system: "buildkite", credentials: ["secret NPM_TOKEN"], systems: ["npm"] });
  const pages = [[line(1), line(2)], [line(3)], [line(4, { credentials: [], systems: [] }), pipeline]];
  const lines = pages.flat();

  it("JSON is byte for byte the document the export wrote in one piece", () => {
    for (const split of [pages, [lines], lines.map((l) => [l])]) {
      expect(write("json", "Credential inventory of acme", split)).toBe(`${JSON.stringify({ title: "Credential inventory of acme", lines }, null, 2)}\n`);
    }
    expect(write("json", "t", [])).toBe(`${JSON.stringify({ title: "t", lines: [] }, null, 2)}\n`);
    // `system` sits beside the workflow it names.
    const json = JSON.parse(write("json", "t", pages)) as { lines: Record<string, unknown>[] };
    expect(Object.keys(json.lines[0]!)).toEqual(["workflow", "system", "credentials", "systems", "owner"]);
    expect(json.lines.at(-1)).toMatchObject({ workflow: "acme/repo-5/.buildkite/pipeline.yml", system: "buildkite" });
  });

  it("CSV has the inventory header and one CRLF row per line, however it is paged", () => {
    const csv = write("csv", "t", pages);
    expect(csv).toBe(write("csv", "t", [lines]));
    const rows = csv.split("\r\n");
    // The CI system came last: every earlier column keeps its position.
    expect(rows[0]).toBe("Workflow,Secrets or identities,External systems,Rotation owner,CI system");
    expect(rows[1]).toBe("acme/repo-1/.github/workflows/ci.yml,secret NPM_TOKEN_1; aws-role arn:aws:iam::1:role/deploy (OIDC),npm; aws 11,'@acme/platform,github-actions");
    expect(rows[5]).toBe("acme/repo-5/.buildkite/pipeline.yml,secret NPM_TOKEN,npm,'@acme/platform,buildkite");
    expect(rows).toHaveLength(lines.length + 2);
    expect(rows.at(-1)).toBe("");
  });

  it("Markdown has the title, the table header and one row per line", () => {
    const md = write("md", "Credential inventory of acme, 2026-01-01", pages);
    expect(md).toBe(write("md", "Credential inventory of acme, 2026-01-01", [lines]));
    const rows = md.split("\n");
    expect(rows.slice(0, 4)).toEqual([
      "# Credential inventory of acme, 2026-01-01",
      "",
      "| Workflow | Secrets or identities | External systems | Rotation owner | CI system |",
      "| --- | --- | --- | --- | --- |",
    ]);
    expect(rows[4]).toBe("| acme/repo-1/.github/workflows/ci.yml | secret NPM\\_TOKEN\\_1; aws-role arn:aws:iam::1:role/deploy (OIDC) | npm; aws 11 | @acme/platform | github-actions |");
    expect(rows[7]).toBe("| acme/repo-4/.github/workflows/ci.yml | — | — | @acme/platform | github-actions |");
    expect(rows[8]).toBe("| acme/repo-5/.buildkite/pipeline.yml | secret NPM\\_TOKEN | npm | @acme/platform | buildkite |");
  });
});
