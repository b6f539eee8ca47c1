import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readUpload } from "./upload";
import { summariseConditions } from "./conditions";

const EXPORT = readFileSync(new URL("./testdata/acme-aws-authorization-details.json", import.meta.url), "utf8");

describe("an uploaded export as a read", () => {
  it("keeps the roles that trust GitHub Actions, none of another service", () => {
    const r = readUpload("aws", { name: "acme.json", content: EXPORT });
    expect(r.ok && r.read.trusts.map((t) => t.name)).toEqual(["gh-api-deploy", "gh-search-ecs-deploy", "gh-terraform-apply"]);
  });

  it("refuses another provider's export, naming the file and where it belongs", () => {
    expect(readUpload("gcp", { name: "acme.json", content: EXPORT })).toEqual({ ok: false, message: "acme.json: is an AWS export, but this source is Google Cloud: upload it to an AWS source." });
  });

  it("names the file and the field of a broken export", () => {
    const broken = JSON.stringify({ RoleDetailList: [{ RoleName: "x", Arn: "arn:aws:iam::1:role/x", AssumeRolePolicyDocument: { Statement: [{ Effect: "Maybe" }] } }] });
    const r = readUpload("aws", { name: "broken.json", content: broken });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/^broken\.json: RoleDetailList\[0\]\.AssumeRolePolicyDocument\.Statement\[0\]\.Effect/);
  });

  it("warns when nothing in it trusts GitHub", () => {
    const lambdaOnly = JSON.stringify({ RoleDetailList: [] });
    expect(readUpload("aws", { name: "empty.json", content: lambdaOnly })).toMatchObject({ ok: true, read: { trusts: [], warnings: [expect.stringContaining("empty.json: no trust")] } });
  });
});

describe("a trust's conditions, summarised", () => {
  it("AWS: each statement and its conditions, GitHub's key prefix dropped; none says so", () => {
    const r = readUpload("aws", { name: "acme.json", content: EXPORT });
    if (!r.ok) throw new Error(r.message);
    const [api, search, apply] = r.read.trusts;
    expect(summariseConditions(api!)).toContainEqual({ label: "StringEquals sub", value: "repo:acme/api:environment:production" });
    expect(summariseConditions(search!)).toContainEqual({ label: "StringLike sub", value: "repo:acme/*" });
    expect(summariseConditions(apply!).map((c) => c.label)).toEqual(["Statement 1", "StringEquals aud"]);
  });

  it("gives each AWS role its account and permissions summary from the export's policies", () => {
    const r = readUpload("aws", { name: "acme.json", content: EXPORT });
    expect(r.ok && r.read.details["arn:aws:iam::210987654321:role/gh-terraform-apply"]).toEqual({
      account: "210987654321",
      resource: "arn:aws:iam::210987654321:role/gh-terraform-apply",
      permissions: ["AdministratorAccess (AWS managed)"],
      permissionsNote: null,
    });
    const doc = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutObject"], Resource: "arn:aws:s3:::site/*" }] };
    const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main" } } }] };
    const custom = JSON.stringify({
      RoleDetailList: [
        { RoleName: "site", Arn: "arn:aws:iam::111122223333:role/site", AssumeRolePolicyDocument: trust, AttachedManagedPolicies: [{ PolicyName: "site-upload", PolicyArn: "arn:aws:iam::111122223333:policy/site-upload" }], RolePolicyList: [{ PolicyName: "logs", PolicyDocument: encodeURIComponent(JSON.stringify({ Statement: { Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" } })) }] },
        { RoleName: "bare", Arn: "arn:aws:iam::111122223333:role/bare", AssumeRolePolicyDocument: trust },
      ],
      Policies: [{ Arn: "arn:aws:iam::111122223333:policy/site-upload", DefaultVersionId: "v2", PolicyVersionList: [{ VersionId: "v1", Document: {} }, { VersionId: "v2", Document: doc }] }],
    });
    const c = readUpload("aws", { name: "custom.json", content: custom });
    expect(c.ok && c.read.details["arn:aws:iam::111122223333:role/site"]?.permissions).toEqual(["site-upload (managed): s3:PutObject on arn:aws:s3:::site/*", "logs (inline): logs:PutLogEvents on *"]);
    expect(c.ok && c.read.details["arn:aws:iam::111122223333:role/bare"]).toMatchObject({ permissions: [], permissionsNote: "no policy is attached to the role in the export" });
  });
});
