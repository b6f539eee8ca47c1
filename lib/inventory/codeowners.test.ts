import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ownersOf, parseCodeowners } from "./codeowners";

const FILE = `
# default owners
*                         @acme/engineering
*.yml                     @acme/yaml-people
/.github/                 @acme/platform
/.github/workflows/release.yml @acme/release @alice
docs/                     @acme/docs
/.github/workflows/unowned.yml
`;

describe("CODEOWNERS", () => {
  const rules = parseCodeowners(FILE);

  it("the last matching rule wins", () => {
    expect(ownersOf(rules, ".github/workflows/release.yml")?.owners).toEqual(["@acme/release", "@alice"]);
    expect(ownersOf(rules, ".github/workflows/ci.yml")?.owners).toEqual(["@acme/platform"]);
  });

  it("an unanchored pattern matches at any depth; a directory owns its contents", () => {
    expect(ownersOf(rules, "src/deep/config.yml")?.owners).toEqual(["@acme/yaml-people"]);
    expect(ownersOf(rules, "site/docs/intro.md")?.owners).toEqual(["@acme/docs"]);
    expect(ownersOf(rules, "README.md")?.owners).toEqual(["@acme/engineering"]);
  });

  it("a rule without owners un-owns the path, and reports its line", () => {
    expect(ownersOf(rules, ".github/workflows/unowned.yml")).toEqual({ owners: [], line: 8 }); // FILE starts with a blank line
  });

  it("no rules, no owner", () => {
    expect(ownersOf(parseCodeowners("# nothing\n"), "a.yml")).toBeNull();
  });

  it("** crosses directories", () => {
    const r = parseCodeowners("/.github/**/action.yml @acme/actions\n");
    expect(ownersOf(r, ".github/actions/deploy/action.yml")?.owners).toEqual(["@acme/actions"]);
    expect(ownersOf(r, "action.yml")).toBeNull();
  });
});

describe("CODEOWNERS patterns, as gitignore reads them", () => {
  const owner = (text: string, path: string) => ownersOf(parseCodeowners(text), path)?.owners ?? null;

  it("a trailing / owns a directory's contents, not a file of that name", () => {
    expect(owner("docs/ @d\n", "docs/a/b.md")).toEqual(["@d"]);
    expect(owner("docs/ @d\n", "x/docs/b.md")).toEqual(["@d"]);
    expect(owner("docs/ @d\n", "docs")).toBeNull();
    expect(owner("/docs/** @d\n", "docs/a.md")).toEqual(["@d"]);
  });

  it("* and ? stay within one segment; a pattern with an inner / is anchored", () => {
    expect(owner("/.github/*.yml @p\n", ".github/a.yml")).toEqual(["@p"]);
    expect(owner("/.github/*.yml @p\n", ".github/workflows/a.yml")).toBeNull();
    expect(owner(".github/workflows/ @p\n", "sub/.github/workflows/a.yml")).toBeNull();
    expect(owner("ci-?.yml @p\n", "x/ci-1.yml")).toEqual(["@p"]);
    expect(owner("ci-?.yml @p\n", "x/ci-12.yml")).toBeNull();
  });

  it("**/ matches zero or more whole directories, never part of a name", () => {
    const r = "/.github/**/action.yml @a\n";
    expect(owner(r, ".github/action.yml")).toEqual(["@a"]);
    expect(owner(r, ".github/a/b/c/action.yml")).toEqual(["@a"]);
    expect(owner(r, ".github/a/myaction.yml")).toBeNull();
    expect(owner("**/deploy/ @a\n", "x/y/deploy/z.yml")).toEqual(["@a"]);
  });

  it("characters other than * and ? are literal (GitHub has no ranges or escapes)", () => {
    expect(owner("[ab].yml @p\n", "[ab].yml")).toEqual(["@p"]);
    expect(owner("[ab].yml @p\n", "a.yml")).toBeNull();
    expect(owner("a+b.(yml) @p\n", "a+b.(yml)")).toEqual(["@p"]);
  });

  it("an owner list after a # comment is ignored; a # inside a pattern is not a comment", () => {
    expect(owner("*.yml @p # @q\n", "a.yml")).toEqual(["@p"]);
    expect(owner("a#b @p\n", "a#b")).toEqual(["@p"]);
  });
});

// Patterns come from repositories Gatehouse reads: they are hostile input, matched on the
// sync's thread. The matcher must take time proportional to pattern × path, never exponential.
describe("CODEOWNERS on hostile input", () => {
  it("12 wildcards against a 200-character path take under 50 ms", () => {
    const rules = parseCodeowners(`${"*a".repeat(12)}b @x\n/${"*a".repeat(6)}/**/${"*a".repeat(6)}b @y\n`);
    const paths = ["a".repeat(200), `${"a".repeat(40)}/`.repeat(5).slice(0, 200)];
    const started = performance.now();
    for (const path of paths) expect(ownersOf(rules, path)).toBeNull();
    expect(performance.now() - started).toBeLessThan(50);
  });

  it("a CODEOWNERS over GitHub's 3 MB limit is ignored, as GitHub ignores it", () => {
    const big = "* @everyone\n" + "x".repeat(3 * 1024 * 1024);
    expect(parseCodeowners(big)).toEqual([]);
  });

  it("huge lines and many rules parse and match in bounded time", () => {
    const line = `${"*a".repeat(100_000)} @x\n`; // one 200 KB pattern
    const many = Array.from({ length: 50_000 }, (_, i) => `/dir${i}/**/*a*a*a*a*a*a*b @t${i}`).join("\n"); // ~2 MB
    const noComment = `${" #".repeat(500_000)}\r.\n`; // comment markers a backtracking strip would rescan to the end of the line
    const started = performance.now();
    const rules = [...parseCodeowners(line), ...parseCodeowners(many), ...parseCodeowners(noComment)];
    for (let i = 0; i < 20; i++) ownersOf(rules, `.github/workflows/${"a".repeat(150)}${i}.yml`);
    expect(rules).toHaveLength(50_001);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

// The matcher against the rules written out as a regular expression, on short generated
// patterns and paths (where a regular expression is still fast).
describe("CODEOWNERS matching agrees with the gitignore rules as a regular expression", () => {
  const segRe = (seg: string) => seg.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*+/g, "[^/]*").replace(/\?/g, "[^/]");
  /** The path matches, or one of its directories does; the path is tested with a "/" after it. */
  function reference(pattern: string, path: string): boolean {
    let p = pattern;
    const anchored = p.startsWith("/") || p.slice(0, -1).includes("/");
    if (p.startsWith("/")) p = p.slice(1);
    let dirOnly = p.endsWith("/");
    if (dirOnly) p = p.slice(0, -1);
    if (p === "") return true;
    const parts = p.split("/");
    if (parts.length > 1 && parts.at(-1) === "**") {
      parts.pop();
      dirOnly = true;
    }
    if (!anchored) parts.unshift("**");
    const n = path.split("/").length;
    if (parts.every((x) => x === "**")) return dirOnly ? n >= 2 : true;
    const body = parts.map((x) => (x === "**" ? "(?:[^/]*/)*" : `${segRe(x)}/`)).join("");
    return new RegExp(`^${body}${dirOnly ? ".+" : ".*"}$`).test(`${path}/`);
  }
  const patternArb = fc.array(fc.constantFrom("a", "b", "ab", "*", "?", "/", "**", "**/", "."), { minLength: 1, maxLength: 7 }).map((t) => t.join(""));
  const pathArb = fc.array(fc.array(fc.constantFrom("a", "b", "."), { minLength: 1, maxLength: 4 }).map((c) => c.join("")), { minLength: 1, maxLength: 4 }).map((s) => s.join("/"));

  it("on generated patterns and paths", () => {
    fc.assert(
      fc.property(patternArb, pathArb, (pattern, path) => {
        if (pattern.startsWith("!") || pattern.startsWith("#")) return;
        const matched = ownersOf(parseCodeowners(`${pattern} @x\n`), path) !== null;
        expect({ pattern, path, matched }).toEqual({ pattern, path, matched: reference(pattern, path) });
      }),
      { numRuns: 20_000, seed: 11 },
    );
  });
});
