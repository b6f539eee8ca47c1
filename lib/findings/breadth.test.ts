import { describe, expect, it } from "vitest";
import { breadthOf, broadest, countOverBroad, narrowingOf, type CredentialFacts, type JobRef } from "./breadth";

const job = (j: string, path = ".github/workflows/ci.yml", environment: string | null = null, repo = "acme/api"): JobRef => ({ repo, path, job: j, environment });

function facts(over: Partial<CredentialFacts>): CredentialFacts {
  return {
    kind: "secret", name: "NPM_TOKEN", scope: "repo", repo: "acme/api", environment: null, identityKind: null, environmentProtected: null,
    readers: 10, untrustedReaders: 0, users: 1, readableRepos: 1, visibility: null, userRepoCount: 1, userRepos: ["acme/api"],
    highAuthority: false, userJobs: [job("publish", ".github/workflows/publish.yml")], idleJobs: [], idleJobCount: 0, ...over,
  };
}

describe("breadthOf", () => {
  it("is 1 when every reader uses the credential, whatever the weights", () => {
    expect(breadthOf({ readers: 7, users: 7, untrustedReaders: 7, highAuthority: true })).toEqual({ ratio: 1, breadth: 1 });
    expect(breadthOf({ readers: 0, users: 0, untrustedReaders: 0, highAuthority: false })).toEqual({ ratio: 1, breadth: 1 });
  });

  it("is readers ÷ users without untrusted readers or authority", () => {
    expect(breadthOf({ readers: 12, users: 3, untrustedReaders: 0, highAuthority: false })).toEqual({ ratio: 4, breadth: 4 });
  });

  it("scales the excess by exposure (share of untrusted readers) and authority (publishes or deploys)", () => {
    // 1 + (4 − 1) × (1 + 6/12) = 5.5; × 2 for authority: 1 + 3 × 1.5 × 2 = 10
    expect(breadthOf({ readers: 12, users: 3, untrustedReaders: 6, highAuthority: false }).breadth).toBe(5.5);
    expect(breadthOf({ readers: 12, users: 3, untrustedReaders: 6, highAuthority: true }).breadth).toBe(10);
  });

  it("counts an unused credential as if one job used it", () => {
    expect(breadthOf({ readers: 9, users: 0, untrustedReaders: 0, highAuthority: false })).toEqual({ ratio: 9, breadth: 9 });
  });

  it("never lets users exceed readers", () => {
    expect(breadthOf({ readers: 2, users: 5, untrustedReaders: 0, highAuthority: false }).breadth).toBe(1);
  });
});

describe("narrowingOf", () => {
  it("says nothing when every reader uses it", () => {
    expect(narrowingOf(facts({ readers: 3, users: 3 }))).toBeNull();
    expect(narrowingOf(facts({ scope: "org", visibility: "selected", readableRepos: 3, userRepoCount: 3, readers: 4, users: 4 }))).toBeNull();
  });

  it("moves a repository secret to the environment its job names, restricted to its workflow", () => {
    const f = facts({ highAuthority: true, userJobs: [job("publish", ".github/workflows/publish.yml", "release")] });
    expect(narrowingOf(f)).toBe(
      "move NPM_TOKEN to environment release (with required reviewers) and restrict it to .github/workflows/publish.yml: add `environment: release` to job publish, then delete the repository secret",
    );
  });

  it("deletes a repository secret no job uses", () => {
    expect(narrowingOf(facts({ users: 0, userJobs: [] }))).toBe("delete repository secret NPM_TOKEN from acme/api: no job uses it");
  });

  it("shares an organisation secret with the repositories that use it instead of all", () => {
    const f = facts({ name: "SLACK_WEBHOOK", scope: "org", repo: null, visibility: "all", readableRepos: 214, readers: 900, users: 4, userRepoCount: 3, userRepos: ["acme/a", "acme/b", "acme/c"] });
    expect(narrowingOf(f)).toBe(
      "share SLACK_WEBHOOK with 3 repositories (acme/a, acme/b and acme/c) instead of all 214: Settings → Secrets → SLACK_WEBHOOK → Repository access → Selected repositories",
    );
  });

  it("counts the repositories beyond those named", () => {
    const f = facts({ scope: "org", visibility: "private", readableRepos: 50, readers: 200, users: 9, userRepoCount: 7, userRepos: ["a", "b", "c", "d", "e"] });
    expect(narrowingOf(f)).toContain("with 7 repositories (a, b, c, d and e and 2 more) instead of 50:");
  });

  it("protects an unprotected environment before anything else", () => {
    const f = facts({ scope: "environment", environment: "prod", environmentProtected: false, readers: 6, users: 1 });
    expect(narrowingOf(f)).toBe("protect environment prod of acme/api (required reviewers or a deployment branch policy): unprotected, any of its 6 jobs can name it and read NPM_TOKEN");
  });

  it("drops id-token: write from jobs that never request a token", () => {
    const f = facts({ kind: "identity", name: "id-token: write", scope: "id-token", readers: 2, users: 0, userJobs: [], idleJobs: [job("test")], idleJobCount: 1 });
    expect(narrowingOf(f)).toBe("drop id-token: write from job test in .github/workflows/ci.yml: it never requests a token");
  });

  it("restricts an OIDC role's trust policy to the environment its only users name", () => {
    const f = facts({ kind: "identity", name: "arn:aws:iam::1:role/deploy", scope: "oidc", identityKind: "aws-role", readers: 4, users: 1, userJobs: [job("deploy", ".github/workflows/deploy.yml", "prod")] });
    expect(narrowingOf(f)).toBe('restrict the trust policy of arn:aws:iam::1:role/deploy to sub "repo:acme/api:environment:prod": 3 other jobs with id-token: write can assume it');
  });
});

describe("broadest", () => {
  it("ranks broadest first, leaves out what nothing narrows, and keeps the limit", () => {
    const list = broadest([
      facts({ name: "EXACT", readers: 5, users: 5 }),
      facts({ name: "WIDE", readers: 40, users: 2 }),
      facts({ name: "WIDER", readers: 40, users: 1 }),
      facts({ name: "SMALL", readers: 3, users: 1 }),
    ], 2);
    expect(list.map((b) => [b.name, b.breadth, b.users, b.readers])).toEqual([["WIDER", 40, 1, 40], ["WIDE", 20, 2, 40]]);
    expect(list[0]).toMatchObject({ kind: "secret", scope: "repo acme/api" });
    expect(list.every((b) => b.narrowing !== null)).toBe(true);
  });

  it("lists unused credentials apart, most readers first, so an unused org secret shared with all does not drown the used ones", () => {
    const list = broadest([
      facts({ name: "SLACK_WEBHOOK", scope: "org", readers: 900, users: 0, readableRepos: 214, visibility: "all" }),
      facts({ name: "OLD_TOKEN", readers: 12, users: 0 }),
      facts({ name: "NPM_TOKEN", readers: 10, users: 1, highAuthority: true }),
      facts({ name: "SENTRY_DSN", readers: 8, users: 4 }),
    ], 20, 1);
    expect(list.map((b) => [b.name, b.unused])).toEqual([["NPM_TOKEN", false], ["SENTRY_DSN", false], ["SLACK_WEBHOOK", true]]);
    expect(list[2]!.narrowing).toBe("delete organisation secret SLACK_WEBHOOK: no job of the 214 repositories it is shared with uses it");
  });
});

describe("countOverBroad", () => {
  it("counts what something narrows, the unused among them, and per scope", () => {
    expect(countOverBroad([
      facts({ name: "EXACT", readers: 5, users: 5 }),
      facts({ name: "WIDE", readers: 40, users: 2 }),
      facts({ name: "GONE", readers: 3, users: 0 }),
      facts({ name: "SHARED", scope: "org", readers: 30, users: 0, readableRepos: 3, visibility: "all" }),
    ])).toEqual({ overBroad: 3, unused: 2, byScope: { repo: 2, org: 1 } });
    expect(countOverBroad([])).toEqual({ overBroad: 0, unused: 0, byScope: {} });
  });
});
