import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { goGlob, literalPattern, matchPattern, prefixPattern, starPattern, starQuestionPattern } from "./glob";
import { cat, DIGITS, hole, lit, notName, OWNER_CHARS, SEGMENT } from "./symbolic";

describe("matchPattern on known values", () => {
  it("`*` spans any run, also `/` and `:` and nothing; `?` is one character (IAM condition operators)", () => {
    const like = (p: string, v: string) => matchPattern(starQuestionPattern(p), lit(v));
    expect(like("repo:acme/*", "repo:acme/app:ref:refs/heads/main")).toBe("yes");
    expect(like("repo:acme/app:*", "repo:acme/app:")).toBe("yes");
    expect(like("repo:acme/ap?:*", "repo:acme/app:x")).toBe("yes");
    expect(like("repo:acme/ap?:*", "repo:acme/ap:x")).toBe("no");
    expect(like("repo:acme*", "repo:acme-evil/x:ref:refs/heads/main")).toBe("yes");
  });
  it("a literal pattern is equality; ignoring case only when asked", () => {
    expect(matchPattern(literalPattern("repo:acme/app:*"), lit("repo:acme/app:ref:refs/heads/main"))).toBe("no");
    expect(matchPattern(literalPattern("Repo:ACME/app"), lit("repo:acme/app"))).toBe("no");
    expect(matchPattern(literalPattern("Repo:ACME/app"), lit("repo:acme/app"), { ignoreCase: true })).toBe("yes");
  });
});

describe("matchPattern on partly known values", () => {
  const anyBranch = cat("repo:acme/app:ref:refs/heads/", hole("branch"));
  it("yes when every value matches, no when none can, possibly otherwise", () => {
    expect(matchPattern(starQuestionPattern("repo:acme/app:*"), anyBranch)).toBe("yes");
    expect(matchPattern(literalPattern("repo:acme/app:ref:refs/heads/main"), anyBranch)).toBe("possibly");
    expect(matchPattern(literalPattern("repo:acme/app:pull_request"), anyBranch)).toBe("no");
    expect(matchPattern(starQuestionPattern("repo:other/*"), anyBranch)).toBe("no");
  });
  it("respects what an unknown part can hold", () => {
    const segment = cat("refs/heads/release/", hole("branch", SEGMENT));
    expect(matchPattern(literalPattern("refs/heads/release/1/2"), segment)).toBe("no");
    expect(matchPattern(literalPattern("refs/heads/release/1.2"), segment)).toBe("possibly");
    expect(matchPattern(literalPattern("1234"), hole("id", DIGITS))).toBe("possibly");
    expect(matchPattern(literalPattern("12a4"), hole("id", DIGITS))).toBe("no");
  });
  it("an owner that is not ours can match a wildcard but never our name", () => {
    const other = cat("repo:", notName("acme", "owner", OWNER_CHARS), "/app:ref:refs/heads/main");
    expect(matchPattern(starQuestionPattern("repo:acme/*"), other)).toBe("no");
    expect(matchPattern(literalPattern("repo:ACME/app:ref:refs/heads/main"), other, { ignoreCase: true })).toBe("no");
    expect(matchPattern(starQuestionPattern("repo:acme*"), other)).toBe("possibly");
    expect(matchPattern(starQuestionPattern("repo:*/app:*"), other)).toBe("yes");
    expect(matchPattern(literalPattern("65"), notName("65", "id", DIGITS))).toBe("no");
    expect(matchPattern(starQuestionPattern("6?"), notName("65", "id", DIGITS))).toBe("possibly");
  });
  it("prefix patterns (startsWith)", () => {
    expect(matchPattern(prefixPattern("refs/tags/"), cat("refs/tags/", hole("tag")))).toBe("yes");
    expect(matchPattern(prefixPattern("refs/tags/"), cat("refs/heads/", hole("branch")))).toBe("no");
  });
});

describe("Vault glob", () => {
  // ryanuber/go-glob README examples, and Vault's `bound_claims_type=glob` (api-docs/auth/jwt).
  it("behaves as go-glob", () => {
    expect(goGlob("*", "anything")).toBe(true);
    expect(goGlob("repo:acme/*", "repo:acme/app:ref:refs/heads/main")).toBe(true);
    expect(goGlob("*:ref:refs/heads/main", "repo:acme/app:ref:refs/heads/main")).toBe(true);
    expect(goGlob("repo:acme/?pp", "repo:acme/app")).toBe(false);
    expect(goGlob("a*a", "a")).toBe(false);
    expect(goGlob("", "")).toBe(true);
  });
  it("the automaton agrees with go-glob on known values", () => {
    const chars = fc.constantFrom("a", "b", ":", "/", "*");
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 8 }), fc.string({ unit: fc.constantFrom("a", "b", ":", "/"), maxLength: 10 }), (p, s) => {
        expect(matchPattern(starPattern(p), lit(s)) === "yes").toBe(goGlob(p, s));
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});

describe("soundness on unknown parts", () => {
  it("yes and no hold for every value an unknown part stands for", () => {
    const unit = fc.constantFrom("a", "b", "/");
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "b", "/", "*", "?"), maxLength: 7 }), fc.string({ unit, maxLength: 3 }), fc.string({ unit, maxLength: 3 }), fc.array(fc.string({ unit, maxLength: 4 }), { minLength: 1, maxLength: 6 }), (p, head, tail, fills) => {
        const d = matchPattern(starQuestionPattern(p), cat(head, hole("x", () => true), tail));
        const each = fills.map((f) => matchPattern(starQuestionPattern(p), lit(head + f + tail)));
        if (d === "yes") expect(each.every((e) => e === "yes")).toBe(true);
        if (d === "no") expect(each.every((e) => e === "no")).toBe(true);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});
