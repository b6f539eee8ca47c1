import { describe, expect, it } from "vitest";
import type { TrustMatch } from "@/lib/trust/types";
import { aggregateTrust, type TrustEntry } from "./aggregate";

const match = (repo: string, job: string, uses: TrustMatch["uses"]): TrustMatch => ({ repo, path: ".github/workflows/deploy.yml", job, sub: `repo:${repo}:environment:production`, decision: "yes", uses });
const entry = (repo: string, e: Partial<TrustEntry>): TrustEntry => ({ id: "arn", provider: "aws", name: "deploy", matches: [], outsideTokens: "no", findings: [], repo, ...e });
const unused = { rule: "trust-unused", severity: "low" as const, message: "No job in the given workflows…" };

describe("an organisation's verdict from per-repository entries", () => {
  it("is unused only when no repository matches, said of the organisation", () => {
    const v = aggregateTrust("AWS role deploy", "acme", [entry("acme/a", { findings: [unused] }), entry("acme/b", { findings: [unused] })]);
    expect(v.findings).toEqual([{ rule: "trust-unused", severity: "low", message: "No job in acme's workflows can get a token AWS role deploy accepts." }]);
    const used = aggregateTrust("AWS role deploy", "acme", [entry("acme/a", { findings: [unused] }), entry("acme/b", { matches: [match("acme/b", "deploy", "yes")] })]);
    expect(used.findings).toEqual([]);
  });

  it("rebuilds broader-than-use from every repository's jobs that do not name the trust (not the unknown ones)", () => {
    const v = aggregateTrust("AWS role deploy", "acme", [
      entry("acme/a", { matches: [match("acme/a", "deploy", "yes"), match("acme/a", "lint", "no")] }),
      entry("acme/b", { matches: [match("acme/b", "ship", "no"), match("acme/b", "x", "unknown")] }),
    ]);
    expect(v.matches).toHaveLength(4);
    expect(v.findings).toEqual([
      { rule: "trust-broader-than-use", severity: "medium", message: "2 job(s) can get a token AWS role deploy accepts without using it: acme/a/.github/workflows/deploy.yml:lint (yes), acme/b/.github/workflows/deploy.yml:ship (yes)." },
    ]);
  });

  it("keeps other rules once, from the repository whose job names the trust, severity first, counting the others", () => {
    const nameBased = (repo: string) => ({ rule: "trust-name-based", severity: "medium" as const, message: `trusts ${repo} by name only` });
    const v = aggregateTrust("AWS role deploy", "acme", [
      entry("acme/a", { findings: [nameBased("acme/a")] }),
      entry("acme/b", { matches: [match("acme/b", "deploy", "yes")], findings: [nameBased("acme/b"), { rule: "trust-pull-request", severity: "high", message: "accepts pull-request tokens of pr.yml:test." }] }),
    ]);
    expect(v.findings).toEqual([
      { rule: "trust-pull-request", severity: "high", message: "acme/b: accepts pull-request tokens of pr.yml:test." },
      { rule: "trust-name-based", severity: "medium", message: "trusts acme/b by name only (Also in 1 other repositories.)" },
    ]);
  });

  it("answers outside tokens with the worst repository's answer", () => {
    expect(aggregateTrust("x", "acme", [entry("a", { outsideTokens: "no" }), entry("b", { outsideTokens: "possibly" })]).outsideTokens).toBe("possibly");
    expect(aggregateTrust("x", "acme", [entry("a", { outsideTokens: "yes" }), entry("b", { outsideTokens: "possibly" })]).outsideTokens).toBe("yes");
    expect(aggregateTrust("x", "acme", []).outsideTokens).toBe("no");
  });
});
