import { describe, expect, it } from "vitest";
import type { EnvironmentFacts, OrgSecretFacts, RepoSummary } from "@/lib/github/facts";
import { awsAccountOf, findingFingerprint, resolveIdentifier, resolveSecret, visibleToRepo } from "./resolve";

const repo = (visibility: RepoSummary["visibility"], githubId = 7): RepoSummary => ({
  githubId,
  name: "web",
  fullName: "acme/web",
  visibility,
  archived: false,
  fork: false,
  defaultBranch: "main",
  pushedAt: null,
});

const orgSecret = (name: string, visibility: OrgSecretFacts["visibility"], ids: number[] | null = null): OrgSecretFacts => ({
  name,
  visibility,
  selectedRepositoryIds: ids,
  createdAt: "2024-01-01T00:00:00Z",
  updatedAt: "2024-01-01T00:00:00Z",
});

const env = (name: string, secrets: string[], variables: Record<string, string> = {}): EnvironmentFacts => ({
  name,
  protection: { requiredReviewers: [], preventSelfReview: false, waitTimerMinutes: 0, branchPolicy: null },
  secrets: secrets.map((s) => ({ name: s, createdAt: "2024-01-01T00:00:00Z", updatedAt: "2024-01-01T00:00:00Z" })),
  variables: Object.entries(variables).map(([n, value]) => ({ name: n, value, createdAt: "2024-01-01T00:00:00Z", updatedAt: "2024-01-01T00:00:00Z" })),
});

describe("visibleToRepo", () => {
  const secrets = [orgSecret("ALL", "all"), orgSecret("PRIV", "private"), orgSecret("SEL", "selected", [7])];
  it("public repositories see only `all` and their selected secrets", () => {
    expect(visibleToRepo(secrets, repo("public")).map((s) => s.name)).toEqual(["ALL", "SEL"]);
  });
  it("private and internal repositories also see `private` secrets", () => {
    expect(visibleToRepo(secrets, repo("internal", 8)).map((s) => s.name)).toEqual(["ALL", "PRIV"]);
  });
});

describe("resolveSecret", () => {
  const facts = {
    secrets: [{ name: "NPM_TOKEN", createdAt: "", updatedAt: "" }, { name: "DEPLOY_KEY", createdAt: "", updatedAt: "" }],
    environments: [env("production", ["DEPLOY_KEY"])],
  };
  const org = [orgSecret("SLACK_WEBHOOK", "all")];
  it("environment beats repository beats organisation", () => {
    expect(resolveSecret("DEPLOY_KEY", "env", "production", facts, org)).toEqual({ resolution: "environment", environment: "production" });
    expect(resolveSecret("DEPLOY_KEY", "env", null, facts, org)).toEqual({ resolution: "repo" });
    expect(resolveSecret("slack_webhook", "with", null, facts, org)).toEqual({ resolution: "org" });
  });
  it("GITHUB_TOKEN is the job's token; unknown names are missing; toJSON(secrets) is all", () => {
    expect(resolveSecret("GITHUB_TOKEN", "with", null, facts, org).resolution).toBe("github-token");
    expect(resolveSecret("NOPE", "env", null, facts, org).resolution).toBe("missing");
    expect(resolveSecret("*", "all", null, facts, org).resolution).toBe("all");
  });
});

describe("resolveIdentifier", () => {
  const scope = {
    environment: env("production", [], { AWS_ROLE: "arn:aws:iam::111122223333:role/prod-deploy" }),
    repo: [{ name: "AWS_ROLE", value: "arn:aws:iam::444455556666:role/ci" }, { name: "REGION", value: "eu-west-1" }],
    org: [],
  };
  it("resolves vars.X through environment, repository and organisation", () => {
    expect(resolveIdentifier("vars.AWS_ROLE", true, scope)).toEqual({ id: "arn:aws:iam::111122223333:role/prod-deploy", symbolic: false });
    expect(resolveIdentifier("vars.AWS_ROLE", true, { ...scope, environment: undefined })).toEqual({ id: "arn:aws:iam::444455556666:role/ci", symbolic: false });
  });
  it("resolves templates and keeps secrets symbolic", () => {
    expect(resolveIdentifier("projects/${{ vars.REGION }}/x", true, scope)).toEqual({ id: "projects/eu-west-1/x", symbolic: false });
    expect(resolveIdentifier("secrets.ROLE", true, scope)).toEqual({ id: "secrets.ROLE", symbolic: true });
    expect(resolveIdentifier("vars.UNKNOWN", true, scope)).toEqual({ id: "vars.UNKNOWN", symbolic: true });
  });
  it("reads the AWS account off a role ARN", () => {
    expect(awsAccountOf("arn:aws:iam::111122223333:role/prod-deploy")).toBe("111122223333");
    expect(awsAccountOf("vars.AWS_ROLE")).toBeNull();
  });
});

describe("findingFingerprint", () => {
  const f = { rule: "secret-stale", path: ".github/workflows/ci.yml", job: "build", message: "NPM_TOKEN was last rotated 400 days ago" };
  it("does not move with numbers in the message, but does with the credential", () => {
    expect(findingFingerprint(1, f)).toBe(findingFingerprint(1, { ...f, message: "NPM_TOKEN was last rotated 401 days ago" }));
    expect(findingFingerprint(1, f)).not.toBe(findingFingerprint(1, { ...f, message: "PYPI_TOKEN was last rotated 400 days ago" }));
    expect(findingFingerprint(1, f)).not.toBe(findingFingerprint(2, f));
  });
});
