import { describe, expect, it } from "vitest";
import type { Finding } from "@/lib/analysis/types";
import { broadestToken, findingCountsByPath, splitUses, summarizeWorkflow } from "./workflow-summary";

const finding = (path: string, severity: Finding["severity"], message = "m"): Finding =>
  ({ rule: "r", severity, path, line: 1, job: null, message, fix: "" }) as unknown as Finding;

describe("workflow summary", () => {
  it("takes the broadest token: write-all > write (id-token too) > default > read > none", () => {
    expect(broadestToken([])).toBe("none");
    expect(broadestToken([{ contents: "read" }, "write-all"])).toBe("write-all");
    expect(broadestToken([{ "id-token": "write" }, null])).toBe("write");
    expect(broadestToken([{ contents: "read" }, null])).toBe("default");
    expect(broadestToken(["read-all", {}])).toBe("read");
    expect(broadestToken([{}])).toBe("none");
  });

  it("summarises jobs: highest phase, distinct secrets (keys upper-cased), identities and systems once, finding totals", () => {
    const s = summarizeWorkflow(
      [
        { job: { phase: "verify", permissions: { contents: "read" }, idToken: false }, secretNames: ["npm_token"], identities: [], systems: [] },
        {
          job: { phase: "publish", permissions: null, idToken: true },
          secretNames: ["NPM_TOKEN", "SLACK"],
          identities: [{ kind: "aws-role", identifier: "arn:aws:iam::1:role/x", oidc: true }],
          systems: [{ kind: "npm", identifier: null }],
        },
        { job: { phase: "verify", permissions: {}, idToken: false }, secretNames: [], identities: [{ kind: "aws-role", identifier: "arn:aws:iam::1:role/x", oidc: true }], systems: [{ kind: "npm", identifier: null }] },
      ],
      { critical: 0, high: 2, medium: 1, low: 0, info: 3 },
    );
    expect(s).toMatchObject({ phase: "publish", phases: ["verify", "publish"], token: "default", idToken: true, secretNames: ["NPM_TOKEN", "SLACK", "npm_token"], secretKeys: ["NPM_TOKEN", "SLACK"], openFindings: 6, maxSeverity: 4 });
    expect(s.identities).toEqual([{ kind: "aws-role", id: "arn:aws:iam::1:role/x", oidc: true }]);
    expect(s.systems).toEqual([{ kind: "npm", id: null }]);
    expect(summarizeWorkflow([])).toMatchObject({ phase: null, phases: [], token: "none", openFindings: 0, maxSeverity: 0 });
  });

  it("counts only jobs that get a GITHUB_TOKEN: Buildkite steps and Tekton tasks summarise to none", () => {
    const github = { phase: "publish", permissions: null, idToken: false } as const;
    const refs = { secretNames: [], identities: [], systems: [] };
    expect(summarizeWorkflow([{ job: { ...github, githubToken: false }, ...refs }]).token).toBe("none");
    // The same null permissions on a GitHub Actions job inherit the repository's default.
    expect(summarizeWorkflow([{ job: github, ...refs }]).token).toBe("default");
  });

  it("counts a finding once per fingerprint, per file", () => {
    const counts = findingCountsByPath([finding("a.yml", "high"), finding("a.yml", "high"), finding("a.yml", "low", "other"), finding("b.yml", "critical")], (f) => `${f.path}|${f.message}`);
    expect(counts.get("a.yml")).toEqual({ critical: 0, high: 1, medium: 0, low: 1, info: 0 });
    expect(counts.get("b.yml")?.critical).toBe(1);
  });

  it("splits uses at the first @, lower-casing the action but not the ref", () => {
    expect(splitUses("Actions/Checkout@V4")).toEqual({ action: "actions/checkout", ref: "V4" });
    expect(splitUses("./.github/actions/build")).toEqual({ action: "./.github/actions/build", ref: null });
    expect(splitUses("org/repo/.github/workflows/x.yml@refs/heads/main")).toEqual({ action: "org/repo/.github/workflows/x.yml", ref: "refs/heads/main" });
    expect(splitUses("x@")).toEqual({ action: "x", ref: null });
  });
});
