import {
  DeleteRolePolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProvidersCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  paginateListRoles,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACME_AWS_ACCOUNT, ACME_AWS_KEYS } from "../fixtures/aws-acme";
import type { AwsSim } from "./server";
import { iam, startAcmeAwsSim } from "./test-support";

// The simulator as @aws-sdk/client-iam sees it: the SDK's own serialiser, signer and XML
// parser are the contract.

const decode = (s: string | undefined) => JSON.parse(decodeURIComponent(s ?? "")) as Record<string, unknown>;
const DENIED_KEY = { accessKeyId: "AKIAACMEDEMONOLIST01", secretAccessKey: "no-list-secret-0000000000000000000000000", denied: ["ListRoles"] };

let sim: AwsSim;
let reader: IAMClient;
let writer: IAMClient;
beforeAll(async () => {
  sim = await startAcmeAwsSim({ keys: [DENIED_KEY] });
  reader = iam(sim, ACME_AWS_KEYS.readOnly);
  writer = iam(sim, ACME_AWS_KEYS.responder);
});
afterAll(async () => {
  reader.destroy();
  writer.destroy();
  await sim.close();
});

async function failure(p: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error("expected the call to fail");
}

describe("reads", () => {
  it("ListRoles pages with Marker and MaxItems; the SDK's paginator walks them all", async () => {
    const first = await reader.send(new ListRolesCommand({ MaxItems: 3 }));
    expect(first.Roles?.map((r) => r.RoleName)).toEqual(["gh-api-deploy", "gh-web-deploy-prod", "gh-search-ecr-push"]);
    expect(first.IsTruncated).toBe(true);
    const second = await reader.send(new ListRolesCommand({ MaxItems: 3, Marker: first.Marker }));
    expect(second.Roles?.[0]?.RoleName).toBe("gh-search-ecs-deploy");
    const all: string[] = [];
    for await (const page of paginateListRoles({ client: reader, pageSize: 2 }, {})) all.push(...(page.Roles ?? []).map((r) => r.RoleName ?? ""));
    expect(all).toHaveLength(10);
    expect((await reader.send(new ListRolesCommand({ PathPrefix: "/aws-service-role/" }))).Roles?.map((r) => r.RoleName)).toEqual(["AWSServiceRoleForSupport"]);
    expect(await failure(reader.send(new ListRolesCommand({ MaxItems: 1001 })))).toMatchObject({ name: "ValidationError", status: 400 });
    expect(await failure(reader.send(new ListRolesCommand({ Marker: "bm9wZQ" })))).toMatchObject({ name: "InvalidInputException", status: 400 });
  });

  it("GetRole: the trust policy URL-encoded, as IAM sends it; an unknown role is NoSuchEntity 404", async () => {
    const got = await reader.send(new GetRoleCommand({ RoleName: "gh-terraform-apply" }));
    expect(got.Role?.Arn).toBe(`arn:aws:iam::${ACME_AWS_ACCOUNT}:role/gh-terraform-apply`);
    expect(got.Role?.AssumeRolePolicyDocument).toMatch(/^%7B%22Version%22%3A%222012-10-17%22/);
    expect(decode(got.Role?.AssumeRolePolicyDocument).Statement).toEqual([
      { Effect: "Allow", Principal: { Federated: `arn:aws:iam::${ACME_AWS_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } } },
    ]);
    expect(got.Role?.MaxSessionDuration).toBe(7200);
    expect(got.Role?.CreateDate).toBeInstanceOf(Date);
    expect(await failure(reader.send(new GetRoleCommand({ RoleName: "nope" })))).toEqual({ name: "NoSuchEntityException", status: 404, message: "The role with name nope cannot be found." });
  });

  it("OIDC providers: the list, and one with its client ids and thumbprints", async () => {
    const list = await reader.send(new ListOpenIDConnectProvidersCommand({}));
    const arn = `arn:aws:iam::${ACME_AWS_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    expect(list.OpenIDConnectProviderList).toEqual([{ Arn: arn }, { Arn: `arn:aws:iam::${ACME_AWS_ACCOUNT}:oidc-provider/agent.buildkite.com` }]);
    const got = await reader.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    expect(got).toMatchObject({ Url: "token.actions.githubusercontent.com", ClientIDList: ["sts.amazonaws.com"], ThumbprintList: ["6938fd4d98bab03faadb97b34396831e3780aea1"] });
    expect(await failure(reader.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: `arn:aws:iam::${ACME_AWS_ACCOUNT}:oidc-provider/other.example` })))).toMatchObject({ name: "NoSuchEntityException", status: 404 });
  });

  it("inline and attached policies, a managed policy and its default version", async () => {
    expect((await reader.send(new ListRolePoliciesCommand({ RoleName: "gh-web-deploy-prod" }))).PolicyNames).toEqual(["storefront-sync"]);
    const inline = await reader.send(new GetRolePolicyCommand({ RoleName: "gh-web-deploy-prod", PolicyName: "storefront-sync" }));
    expect(decode(inline.PolicyDocument).Statement).toContainEqual({ Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: "arn:aws:s3:::acme-storefront-prod/*" });
    expect(await failure(reader.send(new GetRolePolicyCommand({ RoleName: "gh-web-deploy-prod", PolicyName: "nope" })))).toMatchObject({ name: "NoSuchEntityException", status: 404 });
    const attached = await reader.send(new ListAttachedRolePoliciesCommand({ RoleName: "gh-search-ecs-deploy" }));
    const arn = `arn:aws:iam::${ACME_AWS_ACCOUNT}:policy/ecs-deploy-search`;
    expect(attached.AttachedPolicies).toEqual([{ PolicyName: "ecs-deploy-search", PolicyArn: arn }]);
    const policy = await reader.send(new GetPolicyCommand({ PolicyArn: arn }));
    expect(policy.Policy).toMatchObject({ PolicyName: "ecs-deploy-search", DefaultVersionId: "v1", AttachmentCount: 1, IsAttachable: true });
    const version = await reader.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: "v1" }));
    expect(version.PolicyVersion?.IsDefaultVersion).toBe(true);
    expect(decode(version.PolicyVersion?.Document).Statement).toEqual([{ Effect: "Allow", Action: ["ecs:UpdateService", "ecs:DescribeServices"], Resource: `arn:aws:ecs:eu-west-1:${ACME_AWS_ACCOUNT}:service/prod/search` }]);
  });

  it("GetAccountAuthorizationDetails: roles with their inline and attached policies, and the managed policies, paged", async () => {
    const roles = await reader.send(new GetAccountAuthorizationDetailsCommand({ Filter: ["Role"] }));
    expect(roles.RoleDetailList?.map((r) => r.RoleName)).toHaveLength(10);
    expect(roles.Policies).toEqual([]);
    const web = roles.RoleDetailList?.find((r) => r.RoleName === "gh-web-deploy-prod");
    expect(web?.RolePolicyList?.map((p) => p.PolicyName)).toEqual(["storefront-sync"]);
    const everything = await reader.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 10 }));
    expect(everything.IsTruncated).toBe(true);
    const rest = await reader.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 10, Marker: everything.Marker }));
    expect(rest.IsTruncated).toBe(false);
    expect([...(everything.Policies ?? []), ...(rest.Policies ?? [])].map((p) => p.PolicyName)).toContain("AdministratorAccess");
  });
});

describe("signatures and permissions", () => {
  it("a wrong secret is SignatureDoesNotMatch, an unknown key InvalidClientTokenId, no signature MissingAuthenticationToken", async () => {
    const wrong = iam(sim, { accessKeyId: ACME_AWS_KEYS.readOnly.accessKeyId, secretAccessKey: "not-the-secret" });
    expect(await failure(wrong.send(new ListRolesCommand({})))).toMatchObject({ name: "SignatureDoesNotMatch", status: 403 });
    const unknown = iam(sim, { accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: "x" });
    expect(await failure(unknown.send(new ListRolesCommand({})))).toEqual({ name: "InvalidClientTokenId", status: 403, message: "The security token included in the request is invalid." });
    const raw = await fetch(sim.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "Action=ListRoles&Version=2010-05-08" });
    expect(raw.status).toBe(403);
    expect(await raw.text()).toContain("<Code>MissingAuthenticationToken</Code>");
    wrong.destroy();
    unknown.destroy();
  });

  it("a read-only key is AccessDenied on every write, and nothing is written", async () => {
    const before = sim.writeLog.length;
    const doc = JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Deny", Action: "*", Resource: "*" } });
    for (const p of [
      reader.send(new PutRolePolicyCommand({ RoleName: "gh-api-deploy", PolicyName: "x", PolicyDocument: doc })),
      reader.send(new DeleteRolePolicyCommand({ RoleName: "gh-api-deploy", PolicyName: "push-api-image" })),
      reader.send(new UpdateAssumeRolePolicyCommand({ RoleName: "gh-api-deploy", PolicyDocument: doc })),
    ]) {
      const f = await failure(p);
      expect(f).toMatchObject({ name: "AccessDenied", status: 403 });
      expect(f.message).toMatch(/^User: arn:aws:iam::210987654321:user\/gatehouse-readonly is not authorized to perform: iam:\w+ on resource: arn:aws:iam::210987654321:role\/gh-api-deploy/);
    }
    expect(sim.writeLog.length).toBe(before);
    expect(sim.role("gh-api-deploy")?.inlinePolicies).toHaveProperty("push-api-image");
  });

  it("the control API answers the write log to another process (GET /_sim/write-log, not IAM's)", async () => {
    const doc = JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Deny", Action: "*", Resource: "*" } });
    await writer.send(new PutRolePolicyCommand({ RoleName: "gh-terraform-plan", PolicyName: "control-api-check", PolicyDocument: doc }));
    const res = await fetch(`${sim.url}/_sim/write-log`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { writeLog: { action: string; roleName: string; policyName?: string }[] };
    expect(body.writeLog).toEqual(JSON.parse(JSON.stringify(sim.writeLog)));
    expect(body.writeLog.at(-1)).toMatchObject({ action: "PutRolePolicy", roleName: "gh-terraform-plan", policyName: "control-api-check" });
  });

  it("a key without iam:ListRoles is AccessDenied on it", async () => {
    const client = iam(sim, DENIED_KEY);
    expect(await failure(client.send(new ListRolesCommand({})))).toMatchObject({ name: "AccessDenied", status: 403 });
    expect((await client.send(new GetRoleCommand({ RoleName: "gh-api-deploy" }))).Role?.RoleName).toBe("gh-api-deploy");
    client.destroy();
  });
});

describe("writes", () => {
  it("PutRolePolicy, UpdateAssumeRolePolicy, DeleteRolePolicy change the role and land in the write log", async () => {
    const start = sim.writeLog.length;
    const deny = { Version: "2012-10-17", Statement: { Effect: "Deny", Action: "*", Resource: "*", Condition: { DateLessThan: { "aws:TokenIssueTime": "2026-01-01T00:00:00Z" } } } };
    await writer.send(new PutRolePolicyCommand({ RoleName: "gh-ml-model-upload", PolicyName: "AWSRevokeOlderSessions", PolicyDocument: JSON.stringify(deny) }));
    expect(sim.role("gh-ml-model-upload")?.inlinePolicies.AWSRevokeOlderSessions).toEqual(deny);
    const trust = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "sts:AssumeRoleWithWebIdentity" }] };
    await writer.send(new UpdateAssumeRolePolicyCommand({ RoleName: "gh-ml-model-upload", PolicyDocument: JSON.stringify(trust) }));
    expect(decode((await writer.send(new GetRoleCommand({ RoleName: "gh-ml-model-upload" }))).Role?.AssumeRolePolicyDocument)).toEqual(trust);
    await writer.send(new DeleteRolePolicyCommand({ RoleName: "gh-ml-model-upload", PolicyName: "AWSRevokeOlderSessions" }));
    expect(await failure(writer.send(new DeleteRolePolicyCommand({ RoleName: "gh-ml-model-upload", PolicyName: "AWSRevokeOlderSessions" })))).toMatchObject({ name: "NoSuchEntityException", status: 404 });
    const log = sim.writeLog.slice(start);
    expect(log.map((w) => [w.action, w.roleName, w.policyName, w.accessKeyId])).toEqual([
      ["PutRolePolicy", "gh-ml-model-upload", "AWSRevokeOlderSessions", ACME_AWS_KEYS.responder.accessKeyId],
      ["UpdateAssumeRolePolicy", "gh-ml-model-upload", undefined, ACME_AWS_KEYS.responder.accessKeyId],
      ["DeleteRolePolicy", "gh-ml-model-upload", "AWSRevokeOlderSessions", ACME_AWS_KEYS.responder.accessKeyId],
    ]);
    expect(JSON.parse(log[0]?.document ?? "")).toEqual(deny);
    expect(Date.parse(log[0]?.at ?? "")).not.toBeNaN();
  });

  it("refuses what IAM refuses: bad JSON, a principal in a permissions policy, a service-linked role, an oversized trust policy", async () => {
    const put = (RoleName: string, PolicyDocument: string) => writer.send(new PutRolePolicyCommand({ RoleName, PolicyName: "p", PolicyDocument }));
    expect(await failure(put("gh-api-deploy", "{not json"))).toMatchObject({ name: "MalformedPolicyDocumentException", status: 400, message: "This policy contains invalid Json" });
    expect(await failure(put("gh-api-deploy", JSON.stringify({ Statement: { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" } })))).toMatchObject({ name: "MalformedPolicyDocumentException" });
    expect(await failure(put("AWSServiceRoleForSupport", JSON.stringify({ Statement: { Effect: "Deny", Action: "*", Resource: "*" } })))).toMatchObject({ name: "UnmodifiableEntityException", status: 400 });
    const huge = { Statement: [{ Effect: "Allow", Principal: { Federated: "x" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringLike: { sub: Array.from({ length: 200 }, (_, i) => `repo:acme/repository-${i}:*`) } } }] };
    expect(await failure(writer.send(new UpdateAssumeRolePolicyCommand({ RoleName: "gh-api-deploy", PolicyDocument: JSON.stringify(huge) })))).toMatchObject({ name: "LimitExceededException", status: 409 });
  });
});

describe("faults", () => {
  it("a throttled call is retried by the SDK and succeeds; a ServiceFailure that persists surfaces as a 500", async () => {
    sim.injectFault({ kind: "throttling", action: "GetRole" });
    const got = await reader.send(new GetRoleCommand({ RoleName: "gh-api-deploy" }));
    expect(got.$metadata.attempts).toBe(2);
    sim.injectFault({ kind: "server-error", action: "GetRole", count: 3 });
    expect(await failure(reader.send(new GetRoleCommand({ RoleName: "gh-api-deploy" })))).toMatchObject({ name: "ServiceFailureException", status: 500 });
  });
});
