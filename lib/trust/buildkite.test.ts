import { describe, expect, it } from "vitest";
import { analyzeFiles } from "../analysis";
import { buildkiteJobTokens } from "./buildkite-jobs";
import { evaluateTrusts, matchingTrustIds, type TrustOptions } from "./evaluate";
import { loadPolicy } from "./load";
import { gcpProvider, vaultRole } from "./parse-providers";
import { display } from "./symbolic";
import { allow, awsRole, GITHUB } from "./test-support";
import type { GcpTrust, Trust, TrustEntry } from "./types";

// Buildkite's OIDC tokens against the four providers, with the trust shapes Buildkite documents
// (pages/pipelines/security/oidc/aws.md, the gcp-workload-identity-federation plugin's README;
// cloud-trust.md §6.3).

const BK_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/agent.buildkite.com";
const BK_SUB = "agent.buildkite.com:sub";
const BK_AUD = "agent.buildkite.com:aud";

const PIPELINE = `steps:
  - label: test
    key: test
    command: make test
  - label: deploy
    key: deploy
    branches: main
    plugins:
      - aws-assume-role-with-web-identity#v1.4.0:
          role-arn: arn:aws:iam::123456789012:role/payments-deploy
    command: ./deploy.sh
  - label: release notes
    if: build.branch == "main"
    command: buildkite-agent oidc request-token --audience https://vault.acme.example --claim organization_id
`;

const WORKFLOWS = analyzeFiles([
  { path: ".buildkite/pipeline.yml", content: PIPELINE },
  {
    path: ".github/workflows/deploy.yml",
    content: `on: { push: { branches: [main] } }
permissions: { id-token: write }
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps: [{ uses: aws-actions/configure-aws-credentials@v4, with: { role-to-assume: 'arn:aws:iam::123456789012:role/payments-deploy', aws-region: eu-west-1 } }]
`,
  },
]).workflows;

const BASE: TrustOptions = {
  repo: { owner: "acme", name: "payments-service", ownerId: "65", repoId: "74" },
  subject: { keys: null, formats: ["classic"] },
  issuer: GITHUB,
  defaultBranch: "main",
};
const KNOWN: TrustOptions = { ...BASE, buildkite: { orgSlug: "acme", pipelineSlugs: ["payments-service"] } };

function bkRole(condition: Record<string, Record<string, unknown>>, name = "payments-deploy"): Trust {
  return awsRole([{ Effect: "Allow", Principal: { Federated: BK_PROVIDER }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }], name);
}

// Buildkite's AWS guide, sub-pattern form.
const MAIN_ROLE = bkRole({ StringEquals: { [BK_AUD]: "sts.amazonaws.com" }, StringLike: { [BK_SUB]: "organization:acme:pipeline:payments-service:ref:refs/heads/main:*" } });

function entry(trust: Trust, options: TrustOptions): TrustEntry {
  return evaluateTrusts([trust], WORKFLOWS, options)[0] as TrustEntry;
}

function decisionOf(e: TrustEntry, job: string): string {
  return e.matches.find((m) => m.path === ".buildkite/pipeline.yml" && m.job === job)?.decision ?? "no";
}

describe("Buildkite tokens", () => {
  it("builds the documented sub and claims for a step on its filtered branch", () => {
    const jobs = buildkiteJobTokens(WORKFLOWS, KNOWN.buildkite);
    expect(jobs.map((j) => j.job)).toEqual(["deploy", "release notes"]);
    const branchRun = jobs[0]!.variants[0]!.alternatives[0]!;
    expect(display(branchRun.claims.sub!.v)).toBe("organization:acme:pipeline:payments-service:ref:refs/heads/main:commit:<commit>:step:deploy");
    expect(display(branchRun.claims.aud!.v)).toBe("sts.amazonaws.com");
    expect(display(branchRun.claims.iss!.v)).toBe("https://agent.buildkite.com");
    expect(display(branchRun.claims.build_branch!.v)).toBe("main");
    // A step without a key, with no --audience… here given: its own audience and the optional claim.
    const notes = jobs[1]!.variants[0]!.alternatives[0]!;
    expect(display(notes.claims.aud!.v)).toBe("https://vault.acme.example");
    expect(notes.claims.organization_id).toBeDefined();
    expect(notes.claims.step_key).toBeUndefined();
    expect(display(notes.claims.sub!.v)).toMatch(/:ref:refs\/heads\/main:commit:<commit>:step:$/);
  });

  it("without --audience the token carries https://buildkite.com/ORG, the org unknown unless given", () => {
    const wf = analyzeFiles([{ path: ".buildkite/pipeline.yml", content: "steps:\n  - key: x\n    command: buildkite-agent oidc request-token\n" }]).workflows;
    expect(display(buildkiteJobTokens(wf, undefined)[0]!.variants[0]!.alternatives[0]!.claims.aud!.v)).toBe("https://buildkite.com/<organization>");
    expect(display(buildkiteJobTokens(wf, { orgSlug: "acme" })[0]!.variants[0]!.alternatives[0]!.claims.aud!.v)).toBe("https://buildkite.com/acme");
  });
});

describe("AWS role trusting agent.buildkite.com (Buildkite's AWS guide)", () => {
  it("yes for the step on main with the organization and pipeline known", () => {
    const e = entry(MAIN_ROLE, KNOWN);
    expect(decisionOf(e, "deploy")).toBe("yes");
    expect(e.matches.find((m) => m.job === "deploy")?.sub).toBe("organization:acme:pipeline:payments-service:ref:refs/heads/main:commit:<commit>:step:deploy");
    expect(e.matches.find((m) => m.job === "deploy")?.uses).toBe("yes");
    // Its audience is Vault's: refused.
    expect(decisionOf(e, "release notes")).toBe("no");
  });
  it("possibly when the organization or the pipeline is unknown", () => {
    expect(decisionOf(entry(MAIN_ROLE, BASE), "deploy")).toBe("possibly");
    expect(decisionOf(entry(MAIN_ROLE, { ...BASE, buildkite: { orgSlug: "acme" } }), "deploy")).toBe("possibly");
    expect(decisionOf(entry(MAIN_ROLE, { ...BASE, buildkite: { pipelineSlugs: ["payments-service"] } }), "deploy")).toBe("possibly");
  });
  it("no for another pipeline or another organization", () => {
    expect(decisionOf(entry(MAIN_ROLE, { ...KNOWN, buildkite: { orgSlug: "acme", pipelineSlugs: ["payments-deploy"] } }), "deploy")).toBe("no");
    expect(decisionOf(entry(MAIN_ROLE, { ...KNOWN, buildkite: { orgSlug: "other", pipelineSlugs: ["payments-service"] } }), "deploy")).toBe("no");
  });
  it("several pipelines build the repository: one of them runs the file, so they must agree", () => {
    expect(decisionOf(entry(MAIN_ROLE, { ...KNOWN, buildkite: { orgSlug: "acme", pipelineSlugs: ["payments-service", "payments-deploy"] } }), "deploy")).toBe("possibly");
  });
  it("a step filtered to main cannot be refused by a main-only trust, but a trust of another branch refuses it", () => {
    const release = bkRole({ StringEquals: { [BK_AUD]: "sts.amazonaws.com" }, StringLike: { [BK_SUB]: "organization:acme:pipeline:payments-service:ref:refs/heads/release/*" } });
    expect(decisionOf(entry(release, KNOWN), "deploy")).toBe("no");
  });
  it("a trust that does not pin the organization accepts any Buildkite organization", () => {
    const open = bkRole({ StringEquals: { [BK_AUD]: "sts.amazonaws.com" } });
    const e = entry(open, KNOWN);
    expect(e.outsideTokens).toBe("yes");
    expect(e.findings.map((f) => f.rule)).toContain("trust-any-buildkite-organization");
    expect(entry(MAIN_ROLE, KNOWN).outsideTokens).toBe("no");
    expect(entry(MAIN_ROLE, KNOWN).findings.map((f) => f.rule)).not.toContain("trust-any-buildkite-organization");
  });
  it("a GitHub trust never matches a Buildkite step, and a Buildkite trust never a GitHub job", () => {
    const github = awsRole([allow({ StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } })], "payments-deploy");
    const e = entry(github, KNOWN);
    expect(e.matches.map((m) => m.path)).toEqual([".github/workflows/deploy.yml"]);
    const bk = bkRole({ StringEquals: { [BK_AUD]: "sts.amazonaws.com" } });
    expect(entry(bk, KNOWN).matches.map((m) => m.path)).toEqual([".buildkite/pipeline.yml"]);
  });
  it("the loader keeps roles trusting agent.buildkite.com", () => {
    const doc = { Role: { RoleName: "bk", Arn: "arn:aws:iam::123456789012:role/bk", AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: BK_PROVIDER }, Action: "sts:AssumeRoleWithWebIdentity" }] } } };
    expect(loadPolicy({ path: "bk.json", content: JSON.stringify(doc) }, GITHUB).trusts).toHaveLength(1);
  });
  it("matchingTrustIds sees Buildkite steps too", () => {
    expect([...matchingTrustIds([MAIN_ROLE], WORKFLOWS, KNOWN)]).toEqual([MAIN_ROLE.id]);
  });
});

describe("Google Cloud provider for Buildkite (the gcp-workload-identity-federation plugin's README)", () => {
  const NAME = "projects/123456/locations/global/workloadIdentityPools/buildkite/providers/acme";
  const provider = (condition: string): GcpTrust =>
    gcpProvider(
      {
        name: NAME,
        state: "ACTIVE",
        oidc: { issuerUri: "https://agent.buildkite.com" },
        attributeMapping: {
          "google.subject": 'assertion.sub.split(":")[1] + ":" + assertion.sub.split(":")[3]',
          "attribute.pipeline_slug": "assertion.pipeline_slug",
          "attribute.build_branch": "assertion.build_branch",
        },
        attributeCondition: condition,
      },
      "",
    ) as GcpTrust;
  const wf = analyzeFiles([
    {
      path: ".buildkite/pipeline.yml",
      content: `steps:
  - key: upload
    branches: main
    command: buildkite-agent oidc request-token --audience //iam.googleapis.com/${NAME}
`,
    },
  ]).workflows;
  const decide = (p: GcpTrust, options: TrustOptions): string => evaluateTrusts([p], wf, options)[0]!.matches[0]?.decision ?? "no";

  it("a condition on pipeline_slug: yes for that pipeline, no for another, possibly when unknown", () => {
    const p = provider("assertion.organization_slug == 'acme' && attribute.pipeline_slug == 'payments-service'");
    expect(decide(p, KNOWN)).toBe("yes");
    expect(decide(p, { ...KNOWN, buildkite: { orgSlug: "acme", pipelineSlugs: ["web"] } })).toBe("no");
    expect(decide(p, BASE)).toBe("possibly");
  });
  it("the branch attribute narrows further", () => {
    expect(decide(provider("attribute.pipeline_slug == 'payments-service' && attribute.build_branch == 'main'"), KNOWN)).toBe("yes");
    expect(decide(provider("attribute.pipeline_slug == 'payments-service' && attribute.build_branch == 'dev'"), KNOWN)).toBe("no");
  });
  it("a GitHub provider never matches the Buildkite step", () => {
    expect(decide({ ...provider("true"), issuer: GITHUB }, KNOWN)).toBe("no");
  });
});

describe("Vault: the mount's issuer", () => {
  const role = (issuer?: string) => ({ ...vaultRole({ data: { role_type: "jwt", user_claim: "sub", bound_audiences: ["https://vault.acme.example"], bound_claims: { organization_slug: "acme" } } }, "notes"), ...(issuer ? { issuer } : {}) });
  it("a role of a Buildkite mount matches the Buildkite step; a role read without its mount's issuer is GitHub's", () => {
    expect(decisionOf(entry(role("https://agent.buildkite.com"), KNOWN), "release notes")).toBe("yes");
    expect(decisionOf(entry(role(), KNOWN), "release notes")).toBe("no");
  });
});
