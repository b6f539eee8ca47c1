import { describe, expect, it } from "vitest";
import { analyze } from "../analysis/test-support";
import { evaluateTrusts, type TrustOptions } from "./evaluate";
import { vaultRole } from "./parse-providers";
import { allow, awsRole, GITHUB } from "./test-support";
import type { GcpTrust, Trust, TrustEntry } from "./types";

const SUB = "token.actions.githubusercontent.com:sub";
const AUD = "token.actions.githubusercontent.com:aud";

const WORKFLOWS = analyze(
  `name: deploy
on: { push: { branches: [main] } }
permissions: { id-token: write, contents: read }
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: 'arn:aws:iam::123456789012:role/deploy', aws-region: eu-west-1 }
  lint:
    runs-on: ubuntu-latest
    steps: [{ run: make lint }]
`,
  { path: ".github/workflows/deploy.yml" },
).workflows;

const OPTIONS: TrustOptions = {
  repo: { owner: "acme", name: "app", ownerId: "65", repoId: "74" },
  subject: { keys: null, formats: ["classic"] },
  issuer: GITHUB,
  defaultBranch: "main",
};

function run(trust: Trust, options: Partial<TrustOptions> = {}): TrustEntry {
  return evaluateTrusts([trust], WORKFLOWS, { ...OPTIONS, ...options })[0] as TrustEntry;
}

const rules = (e: TrustEntry) => e.findings.map((f) => f.rule);
function role(sub: string | null, name = "deploy", op = "StringLike"): Trust {
  const condition: Record<string, Record<string, string>> = { StringEquals: { [AUD]: "sts.amazonaws.com" } };
  if (sub !== null) condition[op] = { ...condition[op], [SUB]: sub };
  return awsRole([allow(condition)], name);
}

describe("per trust: matches, tokens of other owners, findings", () => {
  it("a role trusted by environment: only the deploying job, no outsider, but by name", () => {
    const e = run(role("repo:acme/app:environment:production", "deploy", "StringEquals"));
    expect(e.matches).toEqual([{ repo: "acme/app", path: ".github/workflows/deploy.yml", job: "deploy", sub: "repo:acme/app:environment:production", decision: "yes", uses: expect.any(String) }]);
    expect(e.outsideTokens).toBe("no");
    expect(rules(e)).toEqual(["trust-name-based"]);
  });
  it("repo:acme/*: every job of the owner, and other repositories", () => {
    const e = run(role("repo:acme/*", "ci-broad"));
    expect(e.matches.map((m) => [m.job, m.decision])).toEqual([["deploy", "yes"], ["lint", "yes"]]);
    expect(e.outsideTokens).toBe("no");
    expect(rules(e)).toEqual(["trust-wildcard-repo", "trust-pull-request", "trust-broader-than-use", "trust-name-based"]);
    expect(e.findings.find((f) => f.rule === "trust-broader-than-use")?.message).toContain(".github/workflows/deploy.yml:lint (yes)");
  });
  it("no subject condition: any repository", () => {
    const e = run(role(null, "anyone"));
    expect(e.outsideTokens).toBe("yes");
    expect(e.findings[0]).toMatchObject({ rule: "trust-any-repository", severity: "critical" });
    expect(rules(e)).not.toContain("trust-name-based");
  });
  it("owner wildcards: a prefix without '/', or any owner", () => {
    const prefix = run(role("repo:acme*"));
    expect(prefix.outsideTokens).toBe("yes");
    expect(prefix.findings.find((f) => f.rule === "trust-wildcard-owner")?.message).toContain("acme-<name>/app");
    const anyOwner = run(role("repo:*/app:*"));
    expect(anyOwner.findings.find((f) => f.rule === "trust-wildcard-owner")?.message).toContain("<any owner>/app");
    expect(rules(anyOwner)).not.toContain("trust-any-repository");
  });
  it("a production role on a branch, without an environment", () => {
    const e = run(role("repo:acme/app:ref:refs/heads/main", "prod-deploy", "StringEquals"));
    expect(e.matches.map((m) => m.job)).toEqual(["lint"]);
    expect(rules(e)).toContain("trust-no-environment");
    expect(rules(e)).toContain("trust-broader-than-use");
  });
  it("a trust nothing can match any more", () => {
    const e = run(role("repo:acme/retired:*", "old"));
    expect(e.matches).toEqual([]);
    expect(rules(e)).toEqual(["trust-unused"]);
  });
});

describe("ids, audiences, reusable workflows", () => {
  const gcp = (condition: string, extra: Partial<GcpTrust> = {}): GcpTrust => ({
    provider: "gcp",
    id: "projects/1/locations/global/workloadIdentityPools/gh/providers/acme",
    name: "acme",
    disabled: false,
    state: "ACTIVE",
    issuer: GITHUB,
    allowedAudiences: [],
    attributeMapping: { "google.subject": "assertion.sub" },
    attributeCondition: condition,
    ...extra,
  });
  it("pinned by ids: no outsider, not name-based; unknown ids leave outsiders possible", () => {
    const e = run(gcp("assertion.repository_owner_id == '65' && assertion.repository_id == '74'"));
    expect(e.outsideTokens).toBe("no");
    expect(rules(e)).not.toContain("trust-name-based");
    expect(run(gcp("assertion.repository_owner_id == '65'"), { repo: { ...OPTIONS.repo, ownerId: null, repoId: null } }).outsideTokens).toBe("possibly");
  });
  it("GitHub's default audience where the provider expects its own", () => {
    const e = run(gcp("assertion.repository == 'acme/app'", { allowedAudiences: ["https://github.com/acme", "https://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/providers/acme"] }));
    expect(e.findings.find((f) => f.rule === "trust-audience-default")?.message).toContain("https://github.com/acme");
    expect(rules(run(gcp("assertion.repository == 'acme/app'")))).not.toContain("trust-audience-default");
  });
  it("a shared reusable workflow pinned by job_workflow_ref: other owners possibly (if they can call it)", () => {
    const v = vaultRole({ data: { role_type: "jwt", user_claim: "repository", bound_audiences: ["https://github.com/acme"], bound_claims: { job_workflow_ref: "acme/shared/.github/workflows/deploy.yml@refs/heads/main" } } }, "shared");
    const e = run(v);
    expect(e.outsideTokens).toBe("possibly");
    expect(e.matches).toEqual([]);
  });
  it("pull-request tokens of the repository, with no pull_request workflow given", () => {
    expect(run(role("repo:acme/app:*", "app")).findings.find((f) => f.rule === "trust-pull-request")?.message).toContain("any pull_request workflow in acme/app");
  });
});

describe("jobs named by reference and by call", () => {
  const workflows = analyze(
    `on: { push: { branches: [main] } }
permissions: { id-token: write }
jobs:
  symbolic:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: '\${{ vars.ROLE }}' }
  call:
    uses: ./.github/workflows/release.yml
`,
    {
      path: ".github/workflows/main.yml",
      files: [{ path: ".github/workflows/release.yml", content: "on: workflow_call\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    environment: release\n    steps: [{ run: echo }]\n" }],
    },
  ).workflows;
  it("a symbolic role reference is not counted as not using the trust; a called job is caller/called", () => {
    const [e] = evaluateTrusts([role("repo:acme/app:*", "app")], workflows, OPTIONS);
    expect(e?.matches.map((m) => [m.job, m.sub])).toEqual([
      ["symbolic", "repo:acme/app:ref:refs/heads/main"],
      ["call/publish", "repo:acme/app:environment:release"],
    ]);
    expect(e?.findings.find((f) => f.rule === "trust-broader-than-use")?.message).toBe(
      "1 job(s) can get a token AWS role app accepts without using it: .github/workflows/main.yml:call/publish (yes).",
    );
  });
});
