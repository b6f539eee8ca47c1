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
