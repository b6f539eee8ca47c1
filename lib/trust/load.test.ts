import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicy } from "./load";
import { GITHUB } from "./test-support";

const DIR = join(import.meta.dirname, "testdata/policies");
const file = (name: string) => ({ path: join(DIR, name), content: readFileSync(join(DIR, name)) });
const json = (value: unknown, path = "p.json") => ({ path, content: JSON.stringify(value) });

describe("loadPolicy recognises exports by shape", () => {
  it("reads every fixture, keeping only GitHub trusts", () => {
    const loaded = readdirSync(DIR).sort().map((n) => loadPolicy(file(n), GITHUB));
    expect(loaded.flatMap((l) => l.errors)).toEqual([]);
    expect(loaded.flatMap((l) => l.trusts.map((t) => [t.provider, t.name]))).toEqual([
      ["aws", "ci-broad"],
      ["aws", "anyone"],
      ["azure", "gh-main"],
      ["vault", "ci"],
      ["aws", "deploy"],
      ["gcp", "acme"],
    ]);
  });
  it("decodes a URL-encoded trust policy (what SDKs that do not decode return)", () => {
    const doc = { Statement: [{ Effect: "Allow", Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }, Action: "sts:AssumeRoleWithWebIdentity" }] };
    const l = loadPolicy(json({ Role: { RoleName: "r", Arn: "arn:aws:iam::123456789012:role/r", AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(doc)) } }), GITHUB);
    expect(l.errors).toEqual([]);
    expect(l.trusts[0]).toMatchObject({ provider: "aws", statements: [{ effect: "Allow", actions: ["sts:AssumeRoleWithWebIdentity"] }] });
  });
  it("accepts gcloud list output, Graph's value envelope and ARM's nested properties", () => {
    const provider = JSON.parse(readFileSync(join(DIR, "gcp-provider.json"), "utf8"));
    expect(loadPolicy(json([provider, { ...provider, oidc: undefined, aws: { accountId: "1" } }]), GITHUB).trusts).toHaveLength(1);
    const fic = { name: "n", issuer: GITHUB, subject: "repo:a/b:ref:refs/heads/main", audiences: ["api://AzureADTokenExchange"] };
    expect(loadPolicy(json({ value: [fic] }), GITHUB).trusts).toHaveLength(1);
    expect(loadPolicy(json([{ id: "/subscriptions/x", name: "n", properties: { issuer: GITHUB, subject: "s", audiences: ["a"] } }]), GITHUB).trusts[0]).toMatchObject({ provider: "azure", subject: "s" });
    expect(loadPolicy(json([{ ...fic, issuer: "https://gitlab.com" }]), GITHUB).trusts).toEqual([]);
  });
  it("names a Vault role after its file", () => {
    expect(loadPolicy(file("ci.json"), GITHUB).trusts[0]).toMatchObject({ id: "vault:ci", name: "ci", roleType: "jwt", boundClaimsType: "glob" });
  });
});

describe("loadPolicy says which file and which field is wrong", () => {
  it("a bad field deep inside", () => {
    const bad = { RoleDetailList: [{ RoleName: "r", Arn: "a", AssumeRolePolicyDocument: { Statement: [{ Effect: "Maybe" }] } }] };
    expect(loadPolicy(json(bad, "acct.json"), GITHUB).errors).toEqual([
      { path: "acct.json", message: expect.stringContaining("RoleDetailList[0].AssumeRolePolicyDocument.Statement[0].Effect") },
    ]);
  });
  it("not JSON, not a known shape, not UTF-8, too large", () => {
    expect(loadPolicy({ path: "x.json", content: "{" }, GITHUB).errors[0]?.message).toMatch(/is not JSON/);
    expect(loadPolicy(json({ hello: 1 }), GITHUB).errors[0]?.message).toMatch(/expected an `aws iam get-role`/);
    expect(loadPolicy({ path: "x.json", content: new Uint8Array([0xff, 0xfe, 0x00]) }, GITHUB).errors[0]?.message).toBe("is not UTF-8 text");
    expect(loadPolicy({ path: "x.json", content: "[]".padEnd(100) }, GITHUB, 10).errors[0]?.message).toMatch(/larger than 10 bytes/);
  });
  it("provider rules the export must follow", () => {
    const provider = JSON.parse(readFileSync(join(DIR, "gcp-provider.json"), "utf8"));
    expect(loadPolicy(json({ ...provider, attributeMapping: {} }), GITHUB).errors[0]?.message).toMatch(/attributeMapping: has no google.subject/);
    expect(loadPolicy(json([{ name: "n", issuer: GITHUB, audiences: ["a"] }]), GITHUB).errors[0]?.message).toMatch(/\[0\]: needs exactly one of subject and claimsMatchingExpression/);
    expect(loadPolicy(json({ data: { bound_audiences: ["a"] } }, "r.json"), GITHUB).errors[0]?.message).toMatch(/data.user_claim/);
  });
});
