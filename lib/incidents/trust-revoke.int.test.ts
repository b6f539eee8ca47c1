// Revoking OIDC trust in an incident (issue 11 item 5) against the real AWS and Vault
// simulators: acme synced from the GitHub simulator, acme's AWS account read with the
// read-only key and revoked with the responder's (both from the environment), acme's Vault
// with stored tokens. A dry run writes nothing; applying writes exactly the planned call,
// re-reads it, and keeps the previous state; restoring is refused before the boundary and
// allowed with an admin's reason; without write access the commands are handed out and the
// next read of the source verifies what the responder ran by hand.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, createUser, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import type { SessionUser } from "@/lib/authz/actor";
import { auditEvents, incidentItems, memberships, trustRevocations } from "@/lib/db/schema";
import { executeUseCase, type AnyUseCase } from "@/lib/door/use-case";
import { startSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import type { GithubSim } from "@/sim/github";
import { stopQueue } from "@/lib/jobs/queue";
import { connectedSimOrg, syncSimOrg } from "@/lib/testing/simulator-org";
import { startAwsSim, type AwsSim } from "@/sim/aws";
import { ACME_AWS, ACME_AWS_KEYS } from "@/sim/fixtures/aws-acme";
import { startVaultSim, type VaultSim } from "@/sim/vault";
import { vaultAcme } from "@/sim/fixtures/vault-acme";
import { createTrustSource, readTrustSource, setResponderCredentials } from "@/lib/trust-sources/trust-sources-service";
import { syncOrgTrusts } from "@/lib/trust-sources/sync-trusts";
import { startIncident } from "./incident-service";
import { getIncidentDetail } from "./incident-repo";
import { runIncidentAction, type ActionResultDto } from "./incident-actions";
import type { AwsRevocationPrevious } from "@/lib/cloud/aws/revoke";

const ARN = (name: string) => `arn:aws:iam::210987654321:role/${name}`;

let handle: DatabaseHandle;
let github: GithubSim;
let aws: AwsSim;
let vault: VaultSim;
let org: { id: string; slug: string };
let admin: SessionUser;
let responder: SessionUser;
let viewer: SessionUser;
let other: TestOrg;

beforeAll(async () => {
  aws = await startAwsSim({ ...ACME_AWS, accessKeys: [ACME_AWS_KEYS.readOnly, ACME_AWS_KEYS.responder] });
  vault = await startVaultSim({ fixture: vaultAcme, tokens: { "hvs.reader": { access: "read" }, "hvs.writer": { access: "write" } } });
  // Before the first getEnv(): the server's read-only key, the responder's pair, the operator's IAM endpoint.
  process.env.AUTH_SECRET ??= "trust-revoke-test-auth-secret-0123456789";
  process.env.AWS_ENDPOINT_URL_IAM = aws.url;
  process.env.AWS_ACCESS_KEY_ID = ACME_AWS_KEYS.readOnly.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = ACME_AWS_KEYS.readOnly.secretAccessKey;
  process.env.AWS_RESPONDER_ACCESS_KEY_ID = ACME_AWS_KEYS.responder.accessKeyId;
  process.env.AWS_RESPONDER_SECRET_ACCESS_KEY = ACME_AWS_KEYS.responder.secretAccessKey;
  handle = await openTestDatabase();
  github = await startSim({ acme: { id: 850_001 } });
  useSimulatorApp(github);
  const connected = await connectedSimOrg(handle, github, "acme", "admin");
  org = { id: connected.id, slug: connected.slug };
  admin = connected.member;
  responder = await createUser(handle.db, `responder-${crypto.randomUUID()}@example.test`);
  viewer = await createUser(handle.db, `viewer-${crypto.randomUUID()}@example.test`);
  await handle.db.insert(memberships).values([
    { orgId: org.id, email: responder.email, role: "responder" },
    { orgId: org.id, email: viewer.email, role: "viewer" },
  ]);
  other = await createTestOrg(handle.db);
  await syncSimOrg(handle, org.id);
}, 180_000);
afterAll(async () => {
  await stopQueue();
  await github.close();
  await aws.close();
  await vault.close();
  await handle.close();
});

async function as<T>(who: SessionUser, useCase: AnyUseCase, input: Record<string, unknown>): Promise<T> {
  const r = await executeUseCase(handle, who, useCase, { orgSlug: org.slug, ...input }, testMeta());
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data as T;
}

async function identityIncident(target: string, kind = "aws-role"): Promise<{ incidentId: string; itemId: string }> {
  const { id } = await as<{ id: string }>(responder, startIncident, { kind: "identity", target, title: `${target} compromised` });
  const d = await getIncidentDetail(handle.db, org.id, id);
  const item = d.steps[1]!.items.find((i) => i.kind === "revoke-identity" && i.label === `Revoke ${kind} ${target}`);
  expect(item, `a revoke-identity item for ${target}`).toBeTruthy();
  return { incidentId: id, itemId: item!.id };
}

const itemRow = async (id: string) => (await handle.db.select().from(incidentItems).where(eq(incidentItems.id, id)))[0]!;

describe("AWS: revoking sessions of gh-api-deploy with the responder key from the environment", () => {
  let sourceId: string;
  let incidentId: string;
  let itemId: string;

  beforeAll(async () => {
    const source = await as<{ id: string; responderCredentialsFrom: string }>(admin, createTrustSource, {
      name: "AWS acme (API)",
      provider: "aws",
      kind: "api",
      settings: { region: "us-east-1" },
      credentialsFrom: "environment",
      responderCredentialsFrom: "environment",
    });
    expect(source.responderCredentialsFrom).toBe("environment");
    sourceId = source.id;
    expect(await as<{ status: string }>(admin, readTrustSource, { sourceId })).toMatchObject({ status: "ok" });
    ({ incidentId, itemId } = await identityIncident(ARN("gh-api-deploy")));
  }, 120_000);

  it("a dry run lists the exact PutRolePolicy document and writes nothing", async () => {
    const before = aws.writeLog.length;
    const r = await as<ActionResultDto>(responder, runIncidentAction, { incidentId, action: "revoke-trust", itemIds: [itemId], dryRun: true });
    expect(aws.writeLog.length).toBe(before);
    expect(r.results).toHaveLength(1);
    expect(r.results[0]).toMatchObject({ status: "planned", calls: [{ method: "iam:PutRolePolicy", path: ARN("gh-api-deploy") }] });
    expect(r.results[0]!.message).toContain('"aws:TokenIssueTime"');
    expect(r.results[0]!.message).toContain("moment of revocation, not the incident's start");
    expect((await itemRow(itemId)).status).toBe("todo");
    expect(await handle.db.select().from(trustRevocations).where(eq(trustRevocations.orgId, org.id))).toHaveLength(0);
  });

  it("applies exactly one PutRolePolicy with AWSRevokeOlderSessions at the moment of revocation, re-reads it, and keeps the previous state", async () => {
    const before = aws.writeLog.length;
    const t0 = Date.now();
    const r = await as<ActionResultDto>(responder, runIncidentAction, { incidentId, action: "revoke-trust", itemIds: [itemId] });
    const t1 = Date.now();
    expect(r.results[0]).toMatchObject({ status: "done" });
    const writes = aws.writeLog.slice(before);
    expect(writes.map((w) => [w.action, w.roleName, w.policyName, w.accessKeyId])).toEqual([["PutRolePolicy", "gh-api-deploy", "AWSRevokeOlderSessions", ACME_AWS_KEYS.responder.accessKeyId]]);
    const doc = JSON.parse(writes[0]!.document!) as { Statement: { Effect: string; Condition: { DateLessThan: { "aws:TokenIssueTime": string } } } };
    const at = Date.parse(doc.Statement.Condition.DateLessThan["aws:TokenIssueTime"]);
    expect(doc.Statement.Effect).toBe("Deny");
    // Whole seconds, rounded up: within [t0, t1 + 1 s).
    expect(at).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000);
    expect(at).toBeLessThan(t1 + 1000);

    const item = await itemRow(itemId);
    expect(item.status).toBe("verified");
    expect(item.evidence.at(-1)!.text).toMatch(/GetRolePolicy AWSRevokeOlderSessions on gh-api-deploy/);
    const [rev] = await handle.db.select().from(trustRevocations).where(and(eq(trustRevocations.orgId, org.id), eq(trustRevocations.itemId, itemId)));
    expect(rev).toMatchObject({ mode: "applied", verified: true, provider: "aws", externalId: ARN("gh-api-deploy"), restoredAt: null });
    const previous = rev!.plan.previous as AwsRevocationPrevious;
    expect(previous).toMatchObject({ roleName: "gh-api-deploy", revokeOlderSessions: null, trustPolicy: null, maxSessionDuration: 3600 });
    const audit = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.orgId, org.id), eq(auditEvents.action, "incident.action.outcome")));
    expect(audit.length).toBeGreaterThan(0);
  });

  it("restore is refused before the boundary is fixed; an admin may override with a reason (the deny stays until its sessions expire)", async () => {
    const refused = await as<ActionResultDto>(responder, runIncidentAction, { incidentId, action: "restore-trust", itemIds: [itemId] });
    expect(refused.results[0]).toMatchObject({ status: "refused" });
    expect(refused.results[0]!.message).toMatch(/boundary fixed first/);
    const before = aws.writeLog.length;
    const r = await as<ActionResultDto>(admin, runIncidentAction, { incidentId, action: "restore-trust", itemIds: [itemId], reason: "Workflow fixed and redeployed by hand" });
    expect(r.results[0]).toMatchObject({ status: "done" });
    expect(r.results[0]!.message).toMatch(/keeps AWSRevokeOlderSessions until/);
    expect(aws.writeLog.length).toBe(before);
    const [rev] = await handle.db.select().from(trustRevocations).where(eq(trustRevocations.itemId, itemId));
    expect(rev!.restoredAt).toBeNull();
  });

  it("a viewer may not run it, another organisation sees no such incident", async () => {
    const denied = await executeUseCase(handle, viewer, runIncidentAction, { orgSlug: org.slug, incidentId, action: "revoke-trust", dryRun: true }, testMeta());
    expect(denied).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const outsider = await executeUseCase(handle, other.users.responder, runIncidentAction, { orgSlug: other.slug, incidentId, action: "revoke-trust", dryRun: true }, testMeta());
    expect(outsider).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("without write access: the exact command, nothing written, and the next read verifies what was run by hand", async () => {
    await as(admin, setResponderCredentials, { sourceId, from: "none" });
    const { incidentId: second, itemId: apply } = await identityIncident(ARN("gh-terraform-apply"));
    const before = aws.writeLog.length;
    const r = await as<ActionResultDto>(responder, runIncidentAction, { incidentId: second, action: "revoke-trust", itemIds: [apply] });
    expect(aws.writeLog.length).toBe(before);
    expect(r.results[0]).toMatchObject({ status: "manual" });
    const item = await itemRow(apply);
    expect(item.status).toBe("todo");
    expect(item.command).toMatch(/^aws iam put-role-policy --role-name gh-terraform-apply --policy-name AWSRevokeOlderSessions --policy-document '/);
    const [rev] = await handle.db.select().from(trustRevocations).where(eq(trustRevocations.itemId, apply));
    expect(rev).toMatchObject({ mode: "manual", verified: false });

    // A read before the responder ran it verifies nothing.
    await as(admin, readTrustSource, { sourceId });
    expect((await itemRow(apply)).status).toBe("todo");

    // The responder runs the command (its document) with their own key.
    const doc = /--policy-document '(.*)'$/.exec(item.command!)![1]!;
    const iam = new IAMClient({ region: "us-east-1", endpoint: aws.url, credentials: ACME_AWS_KEYS.responder });
    await iam.send(new PutRolePolicyCommand({ RoleName: "gh-terraform-apply", PolicyName: "AWSRevokeOlderSessions", PolicyDocument: doc }));
    iam.destroy();

    // The read after a sync (as Gatehouse (sync)) verifies it.
    await syncOrgTrusts(handle, org.id, "test sync");
    const verified = await itemRow(apply);
    expect(verified.status).toBe("verified");
    expect(verified.evidence.at(-1)!.text).toMatch(/AWSRevokeOlderSessions denies sessions issued before .* after the incident started/);
    const [after] = await handle.db.select().from(trustRevocations).where(eq(trustRevocations.itemId, apply));
    expect(after).toMatchObject({ verified: true });
  });
});

describe("Vault: deleting the role with stored responder credentials, and restoring it", () => {
  let incidentId: string;
  let itemId: string;
  let sourceId: string;

  beforeAll(async () => {
    const source = await as<{ id: string }>(admin, createTrustSource, {
      name: "Vault acme",
      provider: "vault",
      kind: "api",
      settings: { address: vault.url, mount: "jwt" },
      credentialsFrom: "stored",
      credentials: { token: "hvs.reader" },
      responderCredentialsFrom: "stored",
      responderCredentials: { token: "hvs.writer" },
    });
    sourceId = source.id;
    expect(await as<{ status: string }>(admin, readTrustSource, { sourceId })).toMatchObject({ status: "ok" });
    ({ incidentId, itemId } = await identityIncident("k8s-platform", "vault-jwt"));
  }, 120_000);

  it("the responder token is never answered nor audited", async () => {
    const rows = await handle.db.select().from(auditEvents).where(eq(auditEvents.orgId, org.id));
    expect(JSON.stringify(rows)).not.toContain("hvs.writer");
  });

  it("deletes exactly the role, verified; restore after an admin's override writes it back and closes the revocation", async () => {
    const before = vault.writeLog.length;
    const dry = await as<ActionResultDto>(responder, runIncidentAction, { incidentId, action: "revoke-trust", itemIds: [itemId], dryRun: true });
    expect(dry.results[0]).toMatchObject({ status: "planned", calls: [{ method: "DELETE", path: "/v1/auth/jwt/role/k8s-platform" }] });
    expect(vault.writeLog.length).toBe(before);
    const r = await as<ActionResultDto>(responder, runIncidentAction, { incidentId, action: "revoke-trust", itemIds: [itemId] });
    expect(r.results[0]).toMatchObject({ status: "done" });
    expect(vault.writeLog.slice(before).map((w) => `${w.method} ${w.path} ${w.status}`)).toEqual(["DELETE /v1/auth/jwt/role/k8s-platform 204"]);
    expect((await itemRow(itemId)).status).toBe("verified");
    expect(vault.roles("jwt")["k8s-platform"]).toBeUndefined();

    const restored = await as<ActionResultDto>(admin, runIncidentAction, { incidentId, action: "restore-trust", itemIds: [itemId], reason: "Boundary fixed: k8s-platform narrowed in Terraform" });
    expect(restored.results[0]).toMatchObject({ status: "done" });
    expect(vault.roles("jwt")["k8s-platform"]).toMatchObject({ bound_claims: { repository: "acme/*" } });
    const [rev] = await handle.db.select().from(trustRevocations).where(eq(trustRevocations.itemId, itemId));
    expect(rev!.restoredAt).not.toBeNull();
    expect(rev!.restoredBy).toBe(admin.email);
  });

  it("without write access: hands out `vault delete …`; once run by hand, Read now sees the role gone and verifies the item", async () => {
    await as(admin, setResponderCredentials, { sourceId, from: "none" });
    const { incidentId: second, itemId: payments } = await identityIncident("payments-deploy", "vault-jwt");
    const before = vault.writeLog.length;
    const r = await as<ActionResultDto>(responder, runIncidentAction, { incidentId: second, action: "revoke-trust", itemIds: [payments] });
    expect(r.results[0]).toMatchObject({ status: "manual" });
    expect(vault.writeLog.length).toBe(before);
    expect((await itemRow(payments)).command).toBe("vault delete auth/jwt/role/payments-deploy");
    // The responder runs it with their own token.
    const res = await fetch(`${vault.url}/v1/auth/jwt/role/payments-deploy`, { method: "DELETE", headers: { "x-vault-token": "hvs.writer" } });
    expect(res.status).toBe(204);
    await as(admin, readTrustSource, { sourceId });
    const item = await itemRow(payments);
    expect(item.status).toBe("verified");
    expect(item.evidence.at(-1)!.text).toBe("Re-read: payments-deploy is gone from the source.");
  });
});
