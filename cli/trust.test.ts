import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "./main";
import { takePolicies } from "./trust";

const DATA = join(import.meta.dirname, "../lib/trust/testdata");
const POLICIES = join(DATA, "policies");
const REPO = join(DATA, "repo");
const CLASSIC = '{"use_default":true,"use_immutable_subject":false}';

let out: string[];
let err: string[];

function capture(): void {
  out = [];
  err = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
}

afterEach(() => vi.restoreAllMocks());

async function json(args: string[]): Promise<{ code: number; report: Record<string, unknown> & { trusts: Record<string, unknown>[]; errors: unknown[] } }> {
  capture();
  const code = await main(["trust", ...args, "--format", "json"]);
  return { code, report: JSON.parse(out.join("")) };
}

describe("gatehouse trust --format json", () => {
  it("writes exactly the documented contract", async () => {
    const { code, report } = await json(["--policies", POLICIES, "--repo", "acme/app", "--sub-template", CLASSIC, REPO]);
    expect(code).toBe(0);
    expect(Object.keys(report)).toEqual(["schemaVersion", "trusts", "errors"]);
    expect(report.schemaVersion).toBe(1);
    expect(report.errors).toEqual([]);
    for (const t of report.trusts) {
      expect(Object.keys(t)).toEqual(["id", "provider", "name", "matches", "outsideTokens", "findings"]);
      for (const m of t.matches as Record<string, unknown>[]) expect(Object.keys(m)).toEqual(["repo", "path", "job", "sub", "decision", "uses"]);
      for (const f of t.findings as Record<string, unknown>[]) expect(Object.keys(f)).toEqual(["rule", "severity", "message"]);
    }
    const byName = Object.fromEntries(report.trusts.map((t) => [t.name, t]));
    expect(byName.deploy).toMatchObject({
      id: "arn:aws:iam::123456789012:role/deploy",
      provider: "aws",
      matches: [{ repo: "acme/app", path: ".github/workflows/deploy.yml", job: "deploy", sub: "repo:acme/app:environment:production", decision: "yes" }],
      outsideTokens: "no",
    });
    expect(byName.anyone).toMatchObject({ outsideTokens: "yes", findings: expect.arrayContaining([expect.objectContaining({ rule: "trust-any-repository", severity: "critical" })]) });
    expect((byName["ci-broad"]?.findings as { rule: string }[]).map((f) => f.rule)).toContain("trust-wildcard-repo");
    expect(byName["lambda-exec"]).toBeUndefined();
    expect(Object.keys(byName).sort()).toEqual(["acme", "anyone", "ci", "ci-broad", "deploy", "gh-main"]);
  });

  it("takes several .json files after one --policies; without a template the format stays open", async () => {
    const { report } = await json(["--policies", join(POLICIES, "deploy-role.json"), join(POLICIES, "azure.json"), "--repo", "acme/app", REPO]);
    expect(report.trusts.map((t) => t.name)).toEqual(["deploy", "gh-main"]);
    expect((report.trusts[0]?.matches as { decision: string }[])[0]?.decision).toBe("possibly");
  });

  it("reports a broken policy file in errors and still evaluates the others", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gatehouse-trust-"));
    writeFileSync(join(dir, "broken.json"), JSON.stringify({ Role: { RoleName: "x", Arn: "arn", AssumeRolePolicyDocument: { Statement: { Effect: "Allow", Action: 5 } } } }));
    const { code, report } = await json(["--policies", join(dir, "broken.json"), "--policies", join(POLICIES, "deploy-role.json"), "--repo", "acme/app", REPO]);
    expect(code).toBe(0);
    expect(report.errors).toEqual([{ path: join(dir, "broken.json"), message: expect.stringContaining("Role.AssumeRolePolicyDocument.Statement[0].Action") }]);
    expect(report.trusts).toHaveLength(1);
  });

  it("exits 1 with --fail-on when a finding is at or above it", async () => {
    capture();
    expect(await main(["trust", "--policies", POLICIES, "--repo", "acme/app", "--fail-on", "critical", "--format", "json", REPO])).toBe(1);
    capture();
    expect(await main(["trust", "--policies", join(POLICIES, "deploy-role.json"), "--repo", "acme/app", "--sub-template", CLASSIC, "--fail-on", "high", "--format", "json", REPO])).toBe(0);
  });
});

describe("gatehouse trust --format table", () => {
  it("lists each trust with who can match, findings and their fixes", async () => {
    capture();
    expect(await main(["trust", "--policies", POLICIES, "--repo", "acme/app", REPO])).toBe(0);
    const text = out.join("");
    expect(text).toContain("note: the subject format (classic or immutable) is not known");
    expect(text).toContain("aws  anyone  arn:aws:iam::123456789012:role/anyone");
    expect(text).toContain("critical trust-any-repository");
    expect(text).toContain("fix: Pin the owner and repository");
    expect(text).toMatch(/6 trusts, \d+ findings, 0 errors\n$/);
  });
});

describe("gatehouse trust usage errors (exit 2)", () => {
  const usage = async (args: string[], message: RegExp) => {
    capture();
    expect(await main(["trust", ...args])).toBe(2);
    expect(err.join("")).toMatch(message);
  };
  it("says what is missing or malformed", async () => {
    await usage(["--repo", "acme/app", REPO], /needs --policies/);
    await usage(["--policies", POLICIES, REPO], /needs --repo/);
    await usage(["--policies", POLICIES, "--repo", "acme/app"], /at least one workflow path/);
    await usage(["--policies", POLICIES, "--repo", "acme", REPO], /OWNER\/REPO or OWNER@OWNER_ID\/REPO@REPO_ID/);
    await usage(["--policies", join(DATA, "missing.json"), "--repo", "acme/app", REPO], /cannot read --policies/);
    await usage(["--policies", POLICIES, "--repo", "acme/app", "--sub-template", '{"use_default":false}', REPO], /include_claim_keys/);
    await usage(["--policies", POLICIES, "--repo", "acme/app", "--sub-template", '{"sub_claim_prefix":"repo:other/app"}', REPO], /names other\/app/);
    await usage(["--policies", POLICIES, "--repo", "acme/app", "--issuer", "http://x", REPO], /--issuer must be an https/);
    await usage(["--policies", POLICIES, "--repo", "acme/app", join(DATA, "nope")], /cannot read/);
  });
});

describe("gatehouse trust with a Buildkite pipeline file", () => {
  it("matches the step's token against a role trusting agent.buildkite.com; --buildkite-org and --buildkite-pipeline settle it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gatehouse-trust-bk-"));
    const role = {
      Role: {
        RoleName: "bk-deploy",
        Arn: "arn:aws:iam::123456789012:role/bk-deploy",
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/agent.buildkite.com" },
              Action: "sts:AssumeRoleWithWebIdentity",
              Condition: { StringEquals: { "agent.buildkite.com:aud": "sts.amazonaws.com" }, StringLike: { "agent.buildkite.com:sub": "organization:acme:pipeline:app:ref:refs/heads/main:*" } },
            },
          ],
        },
      },
    };
    writeFileSync(join(dir, "bk-deploy.json"), JSON.stringify(role));
    writeFileSync(join(dir, "pipeline.yml"), "steps:\n  - key: deploy\n    branches: main\n    command: buildkite-agent oidc request-token --audience sts.amazonaws.com\n");
    const args = ["--policies", join(dir, "bk-deploy.json"), "--repo", "acme/app", join(dir, "pipeline.yml")];
    const decision = (report: { trusts: Record<string, unknown>[] }) => (report.trusts[0]?.matches as { decision: string }[])[0]?.decision;
    expect(decision((await json(args)).report)).toBe("possibly");
    expect(decision((await json([...args, "--buildkite-org", "acme", "--buildkite-pipeline", "app"])).report)).toBe("yes");
    expect((await json([...args, "--buildkite-org", "acme", "--buildkite-pipeline", "web"])).report.trusts[0]?.matches).toEqual([]);
  });
});

describe("takePolicies", () => {
  it("takes the first value always and further ones while they end in .json", () => {
    expect(takePolicies(["--policies", "dir", "a.json", "--repo", "x", "wf"])).toEqual({ policies: ["dir", "a.json"], rest: ["--repo", "x", "wf"] });
    expect(takePolicies(["--policies=a.json", "b.json", "wf"])).toEqual({ policies: ["a.json"], rest: ["b.json", "wf"] });
    expect(() => takePolicies(["--policies", "--repo"])).toThrow(/needs a file or directory/);
  });
});
