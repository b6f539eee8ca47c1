import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACME_AWS_KEYS } from "@/sim/fixtures/aws-acme";
import type { AwsSim } from "@/sim/aws";
import { startAcmeAwsSim } from "@/sim/aws/test-support";
import { CloudReadError } from "../types";
import type { AwsConnection } from "./client";
import { readAws } from "./read";

// The reader against the simulator holding acme's account.

const NO_LIST = { accessKeyId: "AKIAACMEDEMONOLIST02", secretAccessKey: "no-list-secret-0000000000000000000000002", denied: ["ListRoles"] };
const NO_INLINE = { accessKeyId: "AKIAACMEDEMONOINLINE", secretAccessKey: "no-inline-secret-00000000000000000000000", denied: ["GetRolePolicy"] };
const NO_OIDC = { accessKeyId: "AKIAACMEDEMONOOIDC01", secretAccessKey: "no-oidc-secret-0000000000000000000000000", denied: ["ListOpenIDConnectProviders"] };

let sim: AwsSim;
let conn: (key: { accessKeyId: string; secretAccessKey: string }) => AwsConnection;
beforeAll(async () => {
  sim = await startAcmeAwsSim({ keys: [NO_LIST, NO_INLINE, NO_OIDC] });
  conn = (key) => ({ region: "us-east-1", endpoint: sim.url, credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } });
});
afterAll(() => sim.close());

async function refusal(p: Promise<unknown>): Promise<CloudReadError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CloudReadError) return err;
    throw err;
  }
  throw new Error("expected the read to fail");
}

describe("readAws on acme's account", () => {
  it("keeps the roles that trust GitHub's provider or Buildkite's, not the lambda or service-linked ones", async () => {
    const read = await readAws(conn(ACME_AWS_KEYS.readOnly));
    expect(read.trusts.map((t) => t.name).sort()).toEqual(["bk-payments-deploy", "gh-api-deploy", "gh-ml-model-upload", "gh-search-ecr-push", "gh-search-ecs-deploy", "gh-terraform-apply", "gh-terraform-plan", "gh-web-deploy-prod"]);
    expect(read.warnings).toEqual([]);
    expect(read.oidcProviders).toEqual([
      { arn: "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com", url: "token.actions.githubusercontent.com", clientIds: ["sts.amazonaws.com"] },
      { arn: "arn:aws:iam::210987654321:oidc-provider/agent.buildkite.com", url: "agent.buildkite.com", clientIds: ["sts.amazonaws.com"] },
    ]);
    const apply = read.trusts.find((t) => t.name === "gh-terraform-apply");
    expect(apply?.id).toBe("arn:aws:iam::210987654321:role/gh-terraform-apply");
    expect(apply?.provider === "aws" && apply.statements[0]?.conditions).toEqual([{ operator: "StringEquals", key: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] }]);
  });

  it("summarises what each role can do: managed policies by name, inline and customer-managed statements", async () => {
    const { details } = await readAws(conn(ACME_AWS_KEYS.readOnly));
    const of = (name: string) => details[`arn:aws:iam::210987654321:role/${name}`];
    expect(of("gh-terraform-apply")).toEqual({ account: "210987654321", resource: "arn:aws:iam::210987654321:role/gh-terraform-apply", permissions: ["AdministratorAccess (AWS managed)"], permissionsNote: null });
    expect(of("gh-web-deploy-prod")?.permissions).toEqual([
      "storefront-sync (inline): s3:PutObject, s3:DeleteObject on arn:aws:s3:::acme-storefront-prod/*",
      "storefront-sync (inline): s3:ListBucket on arn:aws:s3:::acme-storefront-prod",
      "storefront-sync (inline): cloudfront:CreateInvalidation on *",
    ]);
    expect(of("gh-search-ecs-deploy")?.permissions).toEqual(["ecs-deploy-search (managed): ecs:UpdateService, ecs:DescribeServices on arn:aws:ecs:eu-west-1:210987654321:service/prod/search"]);
    expect(of("gh-ml-model-upload")?.permissions).toEqual(["upload-models (inline): s3:PutObject on arn:aws:s3:::acme-models/recs/*"]);
  });

  it("a role whose permissions cannot be read is a warning, not a failure", async () => {
    const read = await readAws(conn(NO_INLINE));
    expect(read.trusts).toHaveLength(8);
    const web = read.details["arn:aws:iam::210987654321:role/gh-web-deploy-prod"];
    expect(web?.permissions).toEqual([]);
    expect(web?.permissionsNote).toMatch(/^its permissions could not be read: iam:GetRolePolicy was denied: grant/);
    expect(read.details["arn:aws:iam::210987654321:role/gh-terraform-apply"]?.permissions).toEqual(["AdministratorAccess (AWS managed)"]);
    // The four roles with inline policies: gh-api-deploy, gh-web-deploy-prod, gh-ml-model-upload, bk-payments-deploy.
    expect(read.warnings.filter((w) => w.startsWith("role "))).toHaveLength(4);
  });

  it("OIDC providers that cannot be listed are a warning; so is a trusted provider the account lacks", async () => {
    const read = await readAws(conn(NO_OIDC));
    expect(read.trusts).toHaveLength(8);
    expect(read.warnings[0]).toMatch(/^the account's OIDC providers could not be read: iam:ListOpenIDConnectProviders was denied/);
    expect(read.warnings).toContain("role gh-api-deploy trusts arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com, which this account does not have: no token can assume it until the provider is created");
  });
});

describe("readAws refusals say what to do", () => {
  it("a wrong secret: the keys were refused", async () => {
    const e = await refusal(readAws(conn({ accessKeyId: ACME_AWS_KEYS.readOnly.accessKeyId, secretAccessKey: "wrong" })));
    expect(e.kind).toBe("credentials");
    expect(e.message).toMatch(/^the keys were refused \(SignatureDoesNotMatch\): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });
  it("an unknown key: the keys were refused", async () => {
    const e = await refusal(readAws(conn({ accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: "x" })));
    expect([e.kind, e.message.slice(0, 48)]).toEqual(["credentials", "the keys were refused (InvalidClientTokenId): ch"]);
  });
  it("iam:ListRoles denied: grant the read-only policy", async () => {
    const e = await refusal(readAws(conn(NO_LIST)));
    expect(e.kind).toBe("denied");
    expect(e.message).toMatch(/^iam:ListRoles was denied: grant the connection's principal Gatehouse's read-only policy \(iam:ListRoles, iam:GetRole/);
  });
  it("an endpoint nobody answers: network, naming the endpoint", async () => {
    const e = await refusal(readAws({ region: "us-east-1", endpoint: "http://127.0.0.1:9", credentials: ACME_AWS_KEYS.readOnly }));
    expect(e.kind).toBe("network");
    expect(e.message).toMatch(/^IAM at http:\/\/127\.0\.0\.1:9 could not be reached \(ECONNREFUSED\) after 4 attempts on iam:ListRoles: check the endpoint \(AWS_ENDPOINT_URL_IAM\)/);
  });
  it("IAM failing past the SDK's retries: network, kept failing", async () => {
    sim.injectFault({ kind: "server-error", action: "ListRoles", count: 4 });
    const e = await refusal(readAws(conn(ACME_AWS_KEYS.readOnly)));
    expect([e.kind, e.message.split(" (")[0]]).toEqual(["network", `IAM at ${sim.url} kept failing`]);
  });
  it("a throttled ListRoles is retried and the read succeeds", async () => {
    sim.injectFault({ kind: "throttling", action: "ListRoles" });
    expect((await readAws(conn(ACME_AWS_KEYS.readOnly))).trusts).toHaveLength(8);
  });
  it("a role to assume first is refused with a sentence", async () => {
    const e = await refusal(readAws({ ...conn(ACME_AWS_KEYS.readOnly), roleArn: "arn:aws:iam::210987654321:role/gatehouse-read" }));
    expect(e.kind).toBe("credentials");
    expect(e.message).toContain("is not supported yet");
  });
});
