import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ACME_AWS_KEYS } from "@/sim/fixtures/aws-acme";
import type { AwsSim } from "@/sim/aws";
import { startAcmeAwsSim } from "@/sim/aws/test-support";
import type { AwsTrust } from "../../trust/types";
import { CloudReadError, type TrustDetails } from "../types";
import type { AwsConnection } from "./client";
import { readAws } from "./read";
import { applyAwsRevocation, planAwsRevocation, readAwsRoleState, restoreAwsRevocation, type AwsRevocationPrevious } from "./revoke";

// Revocation of acme's roles in the simulator: dry run, apply, verify, restore, idempotence.

const REVOKE_AT = new Date("2026-03-14T10:15:30.250Z");
const SECONDS = "2026-03-14T10:15:31Z";
const DENY_OLD = { Version: "2012-10-17", Statement: { Effect: "Deny", Action: "*", Resource: "*", Condition: { DateLessThan: { "aws:TokenIssueTime": SECONDS } } } };

let sim: AwsSim;
let responder: AwsConnection;
let reader: AwsConnection;
const sims: AwsSim[] = [];

beforeEach(async () => {
  sim = await startAcmeAwsSim();
  sims.push(sim);
  responder = { region: "us-east-1", endpoint: sim.url, credentials: ACME_AWS_KEYS.responder };
  reader = { region: "us-east-1", endpoint: sim.url, credentials: ACME_AWS_KEYS.readOnly };
});
afterAll(async () => {
  for (const s of sims) await s.close();
});

async function target(name: string): Promise<{ trust: AwsTrust; details: TrustDetails }> {
  const read = await readAws(reader);
  const trust = read.trusts.find((t) => t.name === name) as AwsTrust;
  return { trust, details: read.details[trust.id] as TrustDetails };
}

async function plan(name: string, narrow: boolean) {
  const { trust, details } = await target(name);
  return planAwsRevocation(trust, details, { revokeBefore: REVOKE_AT, narrow, current: await readAwsRoleState(reader, name) });
}

describe("plan (dry run)", () => {
  it("names the exact policy, the exact command, and writes nothing", async () => {
    const p = await plan("gh-api-deploy", false);
    expect(p.calls).toEqual([{ action: "iam:PutRolePolicy", target: "arn:aws:iam::210987654321:role/gh-api-deploy", body: { RoleName: "gh-api-deploy", PolicyName: "AWSRevokeOlderSessions", PolicyDocument: DENY_OLD } }]);
    expect(p.commands).toEqual([`aws iam put-role-policy --role-name gh-api-deploy --policy-name AWSRevokeOlderSessions --policy-document '${JSON.stringify(DENY_OLD)}'`]);
    expect(p.summary).toContain(`whose token was issued before ${SECONDS}`);
    expect(p.summary).toContain("GitHub tokens can still assume the role");
    expect((p.previous as AwsRevocationPrevious).trustPolicy).toBeNull();
    expect(sim.writeLog).toEqual([]);
  });

  it("narrowing shows the new trust policy: a Deny in place of the only GitHub statement, the old one kept", async () => {
    const p = await plan("gh-search-ecr-push", true);
    expect(p.calls.map((c) => c.action)).toEqual(["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"]);
    expect((p.calls[1]?.body as { PolicyDocument: unknown }).PolicyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "GatehouseIncidentNoGithub", Effect: "Deny", Principal: { Federated: "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com" }, Action: "sts:AssumeRoleWithWebIdentity" }],
    });
    expect((p.previous as AwsRevocationPrevious).trustPolicy).toEqual(sim.role("gh-search-ecr-push")?.trustPolicy);
    expect(p.commands[1]).toMatch(/^aws iam update-assume-role-policy --role-name gh-search-ecr-push --policy-document '\{"Version":"2012-10-17","Statement":\[\{"Sid":"GatehouseIncidentNoGithub"/);
  });
});

describe("apply", () => {
  it("without narrowing: exactly one PutRolePolicy with the condition, verified by re-reading", async () => {
    const p = await plan("gh-api-deploy", false);
    const result = await applyAwsRevocation(responder, p);
    expect(sim.writeLog.map((w) => [w.action, w.roleName, w.policyName])).toEqual([["PutRolePolicy", "gh-api-deploy", "AWSRevokeOlderSessions"]]);
    expect(JSON.parse(sim.writeLog[0]?.document ?? "")).toEqual(DENY_OLD);
    expect(result.verified).toBe(true);
    expect(result.evidence).toEqual([
      "PutRolePolicy AWSRevokeOlderSessions on gh-api-deploy: written",
      `GetRolePolicy AWSRevokeOlderSessions on gh-api-deploy: deny * on * when aws:TokenIssueTime DateLessThan ${SECONDS}`,
    ]);
    expect(sim.role("gh-api-deploy")?.inlinePolicies).toHaveProperty("push-api-image");
  });

  it("applying twice is the same state; once narrowed, the role no longer trusts GitHub", async () => {
    const { trust, details } = await target("gh-search-ecr-push");
    const p = await plan("gh-search-ecr-push", true);
    await applyAwsRevocation(responder, p);
    const after = sim.role("gh-search-ecr-push");
    const again = await applyAwsRevocation(responder, p);
    expect(again.verified).toBe(true);
    expect(sim.role("gh-search-ecr-push")).toEqual(after);
    expect((await readAws(reader)).trusts.map((t) => t.name)).not.toContain("gh-search-ecr-push");
    const replanned = planAwsRevocation(trust, details, { revokeBefore: REVOKE_AT, narrow: true, current: await readAwsRoleState(reader, "gh-search-ecr-push") });
    expect(replanned.calls.map((c) => c.action)).toEqual(["iam:PutRolePolicy"]);
    expect(replanned.summary).toContain("has no statement a GitHub token can use");
  });

  it("with a read-only key: denied, with the permission to grant, and nothing written", async () => {
    const p = await plan("gh-api-deploy", false);
    const err = await applyAwsRevocation(reader, p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudReadError);
    expect((err as CloudReadError).message).toMatch(/^iam:PutRolePolicy was denied: .*, and iam:PutRolePolicy for incident writes/);
    expect(sim.writeLog).toEqual([]);
  });
});

describe("restore", () => {
  it("puts the trust back at once, keeps AWSRevokeOlderSessions while sessions it denies may live", async () => {
    const p = await plan("gh-search-ecr-push", true);
    const original = sim.role("gh-search-ecr-push");
    await applyAwsRevocation(responder, p);
    const early = await restoreAwsRevocation(responder, p, { now: new Date(REVOKE_AT.getTime() + 10 * 60_000) });
    expect(early.verified).toBe(true);
    expect(early.plan.calls.map((c) => c.action)).toEqual(["iam:UpdateAssumeRolePolicy"]);
    expect(early.plan.summary).toContain("keeps AWSRevokeOlderSessions until 2026-03-14T11:15:31.000Z");
    expect(sim.role("gh-search-ecr-push")?.trustPolicy).toEqual(original?.trustPolicy);
    expect(sim.role("gh-search-ecr-push")?.inlinePolicies).toHaveProperty("AWSRevokeOlderSessions");

    const later = await restoreAwsRevocation(responder, p, { now: new Date(REVOKE_AT.getTime() + 2 * 3_600_000) });
    expect(later.verified).toBe(true);
    expect(later.plan.commands.at(-1)).toBe("aws iam delete-role-policy --role-name gh-search-ecr-push --policy-name AWSRevokeOlderSessions");
    expect(sim.role("gh-search-ecr-push")).toEqual(original);
    const twice = await restoreAwsRevocation(responder, p, { now: new Date(REVOKE_AT.getTime() + 3 * 3_600_000) });
    expect(twice.evidence).toContain("DeleteRolePolicy AWSRevokeOlderSessions on gh-search-ecr-push: already absent");
    expect(twice.verified).toBe(true);
  });

  it("puts back an AWSRevokeOlderSessions that was there before, instead of deleting it", async () => {
    const p1 = await plan("gh-api-deploy", false);
    await applyAwsRevocation(responder, p1);
    const { trust, details } = await target("gh-api-deploy");
    const p2 = planAwsRevocation(trust, details, { revokeBefore: new Date(REVOKE_AT.getTime() + 86_400_000), narrow: false, current: await readAwsRoleState(reader, "gh-api-deploy") });
    expect((p2.previous as AwsRevocationPrevious).revokeOlderSessions).toEqual(DENY_OLD);
    await applyAwsRevocation(responder, p2);
    await restoreAwsRevocation(responder, p2, { now: new Date(REVOKE_AT.getTime() + 3 * 86_400_000) });
    expect(sim.role("gh-api-deploy")?.inlinePolicies.AWSRevokeOlderSessions).toEqual(DENY_OLD);
  });
});
