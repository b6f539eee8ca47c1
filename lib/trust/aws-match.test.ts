import { describe, expect, it } from "vitest";
import { matchAws } from "./aws-match";
import { cat, hole } from "./symbolic";
import { allow, awsRole, knownToken, pushToken, PROVIDER_ARN } from "./test-support";
import { withClaims } from "./token";

const options = { knownKeys: new Set<string>() };
const AUD = "token.actions.githubusercontent.com:aud";
const SUB = "token.actions.githubusercontent.com:sub";

describe("AWS trust policies: IAM User Guide examples", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
  // ("Configuring a role for GitHub OIDC identity provider"): aud, and sub scoped by StringLike.
  const role = awsRole([allow({ StringEquals: { [AUD]: "sts.amazonaws.com" }, StringLike: { [SUB]: "repo:GitHubOrg/GitHubRepo:ref:refs/heads/GitHubBranch" } })]);
  it("accepts the named repository and branch", () => {
    expect(matchAws(role, pushToken({ sub: "repo:GitHubOrg/GitHubRepo:ref:refs/heads/GitHubBranch" }), options)).toBe("yes");
  });
  it("refuses another branch, another repository, another audience", () => {
    expect(matchAws(role, pushToken({ sub: "repo:GitHubOrg/GitHubRepo:ref:refs/heads/other" }), options)).toBe("no");
    expect(matchAws(role, pushToken({ sub: "repo:GitHubOrg/Other:ref:refs/heads/GitHubBranch" }), options)).toBe("no");
    expect(matchAws(role, pushToken({ sub: "repo:GitHubOrg/GitHubRepo:ref:refs/heads/GitHubBranch", aud: "https://github.com/GitHubOrg" }), options)).toBe("no");
  });
  // Same page: "repo:Org/*" is the stated minimum, "repo:Org/Repo:*" any ref of one repository.
  it("wildcards in StringLike; literal under StringEquals (condition operators page)", () => {
    const like = awsRole([allow({ StringLike: { [SUB]: "repo:acme/*" } })]);
    const equals = awsRole([allow({ StringEquals: { [SUB]: "repo:acme/*" } })]);
    expect(matchAws(like, pushToken(), options)).toBe("yes");
    expect(matchAws(equals, pushToken(), options)).toBe("no");
  });
});

describe("AWS condition semantics (reference_policies_elements_condition_operators, _multi-value-conditions)", () => {
  it("several values of one key are OR, several keys AND", () => {
    const role = awsRole([allow({ StringLike: { [SUB]: ["repo:acme/app:pull_request", "repo:acme/app:ref:refs/heads/main"] }, StringEquals: { [AUD]: "sts.amazonaws.com" } })]);
    expect(matchAws(role, pushToken(), options)).toBe("yes");
    expect(matchAws(role, pushToken({ aud: "other" }), options)).toBe("no");
  });
  it("negated operators: a value must match none of them, and alone they scope nothing", () => {
    const role = awsRole([allow({ StringNotLike: { [SUB]: ["repo:acme/app:pull_request", "repo:acme/other:*"] } })]);
    expect(matchAws(role, pushToken(), options)).toBe("yes");
    expect(matchAws(role, pushToken({ sub: "repo:acme/app:pull_request" }), options)).toBe("no");
    expect(matchAws(role, pushToken({ sub: "repo:evil/x:ref:refs/heads/main" }), options)).toBe("yes");
  });
  it("ForAllValues is true for a missing key, ForAnyValue false; IfExists true", () => {
    const env = "token.actions.githubusercontent.com:environment";
    const known = { knownKeys: new Set(["environment"]) };
    const noEnv = pushToken();
    expect(matchAws(awsRole([allow({ "ForAllValues:StringEquals": { [env]: "prod" } })]), noEnv, known)).toBe("yes");
    expect(matchAws(awsRole([allow({ "ForAnyValue:StringEquals": { [env]: "prod" } })]), noEnv, known)).toBe("no");
    expect(matchAws(awsRole([allow({ StringEqualsIfExists: { [env]: "prod" } })]), noEnv, known)).toBe("yes");
    expect(matchAws(awsRole([allow({ Null: { [env]: "true" } })]), noEnv, known)).toBe("yes");
    expect(matchAws(awsRole([allow({ "ForAnyValue:StringLike": { [SUB]: "repo:acme/*" } })]), noEnv, known)).toBe("yes");
  });
  it("explicit Deny wins over Allow", () => {
    const role = awsRole([allow({ StringLike: { [SUB]: "repo:acme/*" } }), { ...allow({ StringLike: { [SUB]: "*:pull_request" } }), Effect: "Deny" }]);
    expect(matchAws(role, pushToken(), options)).toBe("yes");
    expect(matchAws(role, pushToken({ sub: "repo:acme/app:pull_request" }), options)).toBe("no");
  });
  it("condition key names ignore case; IgnoreCase operators ignore the value's case", () => {
    const role = awsRole([allow({ StringEqualsIgnoreCase: { "Token.Actions.GithubUserContent.com:Sub": "REPO:ACME/APP:REF:REFS/HEADS/MAIN" } })]);
    expect(matchAws(role, pushToken(), options)).toBe("yes");
  });
  it("the principal must be the token's provider, the action AssumeRoleWithWebIdentity", () => {
    const cond = { StringLike: { [SUB]: "repo:acme/*" } };
    expect(matchAws(awsRole([allow(cond, { Principal: { Service: "lambda.amazonaws.com" } })]), pushToken(), options)).toBe("no");
    expect(matchAws(awsRole([allow(cond, { Principal: { Federated: PROVIDER_ARN.replace("token.actions", "other") } })]), pushToken(), options)).toBe("no");
    expect(matchAws(awsRole([allow(cond, { Action: "sts:AssumeRole" })]), pushToken(), options)).toBe("no");
    expect(matchAws(awsRole([allow(cond, { Action: "sts:*" })]), pushToken(), options)).toBe("yes");
    expect(matchAws(awsRole([allow(cond, { Action: ["STS:ASSUMEROLEWITHWEBIDENTITY"] })]), pushToken(), options)).toBe("yes");
  });
  it("a GHEC enterprise issuer has its own provider path and key prefix", () => {
    const arn = `${PROVIDER_ARN}/acme-corp`;
    const role = awsRole([allow({ StringLike: { "token.actions.githubusercontent.com/acme-corp:sub": "repo:acme/*" } }, { Principal: { Federated: arn } })]);
    const token = withClaims(pushToken(), { iss: { v: cat("https://token.actions.githubusercontent.com/acme-corp") } });
    expect(matchAws(role, token, options)).toBe("yes");
    expect(matchAws(role, pushToken(), options)).toBe("no");
  });
  it("a GHES issuer: HOST/_services/token", () => {
    const ghesArn = "arn:aws:iam::123456789012:oidc-provider/ghe.example.com/_services/token";
    const role = awsRole([allow({ StringLike: { "ghe.example.com/_services/token:sub": "repo:acme/*" } }, { Principal: { Federated: ghesArn } })]);
    const token = withClaims(pushToken(), { iss: { v: cat("https://ghe.example.com/_services/token") } });
    expect(matchAws(role, token, options)).toBe("yes");
  });
});

describe("what cannot be decided stays possibly", () => {
  it("a key AWS may not put in the request context", () => {
    const role = awsRole([allow({ StringEquals: { "token.actions.githubusercontent.com:repository_owner_id": "65", [SUB]: "repo:acme/app:ref:refs/heads/main" } })]);
    expect(matchAws(role, pushToken(), options)).toBe("possibly");
    expect(matchAws(role, pushToken(), { knownKeys: new Set(["repository_owner_id"]) })).toBe("yes");
    // Present or not, a wrong owner id is refused.
    expect(matchAws(role, pushToken({ repository_owner_id: "66" }), options)).toBe("no");
  });
  it("an unknown branch against an exact branch; global keys; other operators; policy variables", () => {
    const anyBranch = withClaims(pushToken(), { sub: { v: cat("repo:acme/app:ref:refs/heads/", hole("branch")) } });
    expect(matchAws(awsRole([allow({ StringEquals: { [SUB]: "repo:acme/app:ref:refs/heads/main" } })]), anyBranch, options)).toBe("possibly");
    expect(matchAws(awsRole([allow({ IpAddress: { "aws:SourceIp": "10.0.0.0/8" } })]), pushToken(), options)).toBe("possibly");
    expect(matchAws(awsRole([allow({ StringLike: { [SUB]: "repo:${aws:username}/*" } })]), pushToken(), options)).toBe("possibly");
  });
  it("keys of the generic provider GitHub tokens lack are absent", () => {
    expect(matchAws(awsRole([allow({ StringEquals: { "token.actions.githubusercontent.com:azp": "x" } })]), knownToken({ sub: "s", aud: "a" }), options)).toBe("no");
  });
});
