// The authorisation matrix: every write use-case and every API route × every role ×
// own org / another org / anonymous. Expected outcomes come from ROLE_GRANTS, so a change
// to the permission table changes what this test demands.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createSession, createTestOrg, createUser, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { auditEvents, memberships } from "@/lib/db/schema";
import { ROLES, roleGrants, type Role } from "@/lib/authz/roles";
import { executeUseCase, type AnyUseCase } from "@/lib/door/use-case";
import { defineRoute, type RouteDef } from "./define-route";
import { MEMBER_USE_CASES, addMember, changeMemberRole, removeMember } from "@/lib/members/members-service";
import { addMemberRoute, changeMemberRoleRoute, listMembersRoute, removeMemberRoute } from "@/lib/members/members-routes";
import { listAuditRoute } from "@/lib/audit/audit-routes";
import { listMyOrgsRoute } from "@/lib/orgs/orgs-routes";
import { insertMember } from "@/lib/members/members-repo";
import { CONNECTION_USE_CASES, connectGithub } from "@/lib/connections/connection-service";
import { connectRoute, disconnectRoute, latestSyncRunRoute, startSyncRoute } from "@/lib/connections/connection-routes";
import { listRepositoriesRoute, listWorkflowsRoute } from "@/lib/inventory/inventory-routes";
import { blastRadiusRoute } from "@/lib/inventory/blast-radius-routes";
import { exportRoute } from "@/lib/inventory/export-routes";
import { githubConnections, syncRuns } from "@/lib/db/schema";
import { stopQueue } from "@/lib/jobs/queue";
import { OWNER_USE_CASES } from "@/lib/inventory/owners-service";
import { clearOwnerRoute, listIdentitiesRoute, listOwnersRoute, listSecretsRoute, listSystemsRoute, setOwnerRoute } from "@/lib/inventory/credentials-routes";
import { incidentItems, incidents, incidentScope, ownerOverrides, repositories } from "@/lib/db/schema";
import { seedOrgFacts, seedRepo } from "@/lib/testing/inventory";
import { findingWorkflow } from "@/lib/testing/findings";
import { INCIDENT_USE_CASES, addScope, closeIncident, startIncident, updateItem } from "@/lib/incidents/incident-service";
import { ACTION_ITEM_KIND, INCIDENT_ACTIONS, runIncidentAction, type IncidentActionName } from "@/lib/incidents/incident-actions";
import { setSecretValue } from "@/lib/incidents/secret-value";
import { containPipeline } from "@/lib/incidents/pipeline-contain";
import {
  addScopeRoute,
  closeIncidentRoute,
  incidentDetailRoute,
  incidentReportRoute,
  listIncidentsRoute,
  incidentActionRoute,
  secretValueRoute,
  containPipelineRoute,
  startIncidentRoute,
  updateItemRoute,
} from "@/lib/incidents/incident-routes";
import { FINDING_USE_CASES, triageFinding } from "@/lib/findings/findings-service";
import { grantException, revokeException } from "@/lib/findings/exceptions-service";
import {
  findingDetailRoute,
  grantExceptionRoute,
  listExceptionsRoute,
  listReviewsRoute,
  reviewDetailRoute,
  reviewRoute,
  revokeExceptionRoute,
  signOffRoute,
  triageFindingRoute,
} from "@/lib/findings/findings-routes";
import { signOffReview } from "@/lib/findings/review-service";
import { findingExceptions, findingReviews, findings, reportWebhooks } from "@/lib/db/schema";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { REPORT_WEBHOOK_USE_CASES, configureReportWebhook, removeReportWebhook, testReportWebhook } from "@/lib/findings/report-webhook-service";
import { configureReportWebhookRoute, removeReportWebhookRoute, reportWebhookRoute, testReportWebhookRoute } from "@/lib/findings/findings-routes";
import { seal } from "@/lib/security/secret-box";
import { WEBHOOK_PURPOSE } from "@/lib/findings/report-delivery";
import { readFileSync } from "node:fs";
import { TRUST_SOURCE_USE_CASES, createTrustSource, readTrustSource, removeTrustSource, setResponderCredentials } from "@/lib/trust-sources/trust-sources-service";
import { createTrustSourceRoute, listTrustSourcesRoute, listTrustsRoute, readTrustSourceRoute, removeTrustSourceRoute, setResponderCredentialsRoute, trustDetailRoute } from "@/lib/trust-sources/trust-sources-routes";
import { pipelineSources, trusts, trustSources } from "@/lib/db/schema";
import { PIPELINE_SOURCE_USE_CASES, createPipelineSource, readPipelineSourceNow, removePipelineSource, setPipelineResponderCredentials } from "@/lib/pipeline-sources/pipeline-sources-service";
import { createPipelineSourceRoute, listPipelineSourcesRoute, readPipelineSourceRoute, removePipelineSourceRoute, setPipelineResponderRoute } from "@/lib/pipeline-sources/pipeline-sources-routes";
import { CREDENTIALS_PURPOSE, sealCredentials } from "@/lib/pipeline-sources/connection";
import { loadPolicy, GITHUB_ISSUER } from "@/lib/trust";

// Token mode: connecting needs no network; queued syncs go to pg-boss on the test database.
process.env.GATEHOUSE_GITHUB_TOKEN = "ghp_test_token_for_the_authorisation_matrix";
// The report webhook's URL is sealed under a key derived from it.
process.env.AUTH_SECRET ??= "authorisation-matrix-auth-secret-0123456789";

let handle: DatabaseHandle;
let org: TestOrg;
let other: TestOrg;

/** A report webhook receiver on this machine that accepts every message ("Send a test" succeeds). */
let receiver: Server;
let receiverUrl: string;

beforeAll(async () => {
  receiver = createServer((req, res) => void req.resume().on("end", () => res.writeHead(200).end("ok")));
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/matrix`;
  handle = await openTestDatabase();
  org = await createTestOrg(handle.db);
  other = await createTestOrg(handle.db);
  await seedOrgFacts(handle.db, org);
});

let repoIds = 10_000;
const usesAction = (action: string) => `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: ${action}@v1
      - run: make
        env:
          TOKEN: \${{ secrets.NPM_TOKEN }}
`;

/** A repository of `target` whose workflow uses `action` (a fresh one per call makes incidents independent). */
async function seedActionRepo(target: TestOrg, action: string) {
  const githubId = repoIds++;
  await seedRepo(handle.db, target, { githubId, name: `r-${githubId}`, files: { ".github/workflows/ci.yml": usesAction(action) } });
}

/** An open incident of `target` on an action its inventory uses, started by its admin; and, with `drift`, a workflow that started using it after. */
async function openIncident(target: TestOrg, opts: { drift?: boolean } = {}) {
  const action = `matrix/act-${crypto.randomUUID().slice(0, 8)}`;
  await seedActionRepo(target, action);
  const r = await executeUseCase(handle, target.users.admin, startIncident, { orgSlug: target.slug, kind: "action", target: action, title: "matrix incident" }, testMeta());
  if (!r.ok) throw new Error(r.error.message);
  if (opts.drift) await seedActionRepo(target, action);
  const items = await handle.db.select({ id: incidentItems.id }).from(incidentItems).where(eq(incidentItems.incidentId, r.data.id));
  return { id: r.data.id, itemId: items[0]!.id, action };
}

/** The workflow the drifted incident's target reaches but its scope does not hold. */
async function driftOf(target: TestOrg, incidentId: string): Promise<string> {
  const { getIncidentDetail } = await import("@/lib/incidents/incident-repo");
  return (await getIncidentDetail(handle.db, target.id, incidentId)).drift[0]!.workflowId;
}

/**
 * An open incident with an item `action` acts on. The seeded inventory has no publishing
 * workflow, public repository or deploy key, and no window: the items a sync and a window would
 * bring (rebuild, delete-run-logs, delete-deploy-key) are added to the frozen scope here.
 */
async function incidentFor(target: TestOrg, action: IncidentActionName) {
  const i = await openIncident(target);
  const kind = ACTION_ITEM_KIND[action];
  const have = await handle.db.select({ id: incidentItems.id }).from(incidentItems).where(and(eq(incidentItems.incidentId, i.id), eq(incidentItems.kind, kind)));
  if (have.length > 0) return i;
  const on = kind === "delete-run-logs" ? "repository" : "workflow";
  let [row] = await handle.db.select().from(incidentScope).where(and(eq(incidentScope.incidentId, i.id), eq(incidentScope.kind, on)));
  if (kind === "delete-deploy-key") {
    [row] = await handle.db
      .insert(incidentScope)
      .values({ orgId: target.id, incidentId: i.id, kind: "deploy-key", key: `${String(row!.data.repo)}:1`, label: "matrix key", data: { repo: row!.data.repo, repoGithubId: row!.data.repoGithubId, keyId: 1 } })
      .returning();
  }
  await handle.db.insert(incidentItems).values({ orgId: target.id, incidentId: i.id, step: 6, kind, scopeKey: `${row!.kind}:${row!.key}`, label: `matrix ${kind}`, position: 999 });
  return i;
}

/** An open incident with a contain-pipeline item (a Buildkite pipeline of one of its repositories; no pipeline source covers it). */
async function pipelineIncident(target: TestOrg) {
  const i = await openIncident(target);
  const key = crypto.randomUUID();
  await handle.db.insert(incidentScope).values({ orgId: target.id, incidentId: i.id, kind: "workflow", key, label: "matrix .buildkite/pipeline.yml", data: { system: "buildkite", repo: `${target.slug}/matrix`, path: ".buildkite/pipeline.yml" } });
  const [item] = await handle.db.insert(incidentItems).values({ orgId: target.id, incidentId: i.id, step: 1, kind: "contain-pipeline", scopeKey: `workflow:${key}`, label: "matrix contain-pipeline", position: 999 }).returning({ id: incidentItems.id });
  return { id: i.id, itemId: item!.id };
}

/** An open incident whose every item is finished, ready to close. */
async function finishedIncident(target: TestOrg) {
  const i = await openIncident(target);
  await handle.db.update(incidentItems).set({ status: "skipped", statusReason: "matrix" }).where(eq(incidentItems.incidentId, i.id));
  return i;
}

/** An open finding of `target` of its own (a fresh repository each call, so exceptions never collide). */
async function openFinding(target: TestOrg): Promise<string> {
  const githubId = repoIds++;
  await seedRepo(handle.db, target, { githubId, name: `f-${githubId}`, files: { ".github/workflows/pr.yml": findingWorkflow() } });
  const [row] = await handle.db
    .select({ id: findings.id })
    .from(findings)
    .innerJoin(repositories, eq(repositories.id, findings.repoId))
    .where(and(eq(findings.orgId, target.id), eq(repositories.githubId, githubId)))
    .limit(1);
  return row!.id;
}

/** An exception in force on a fresh finding of `target`, granted by its admin. */
async function exceptionOf(target: TestOrg): Promise<string> {
  const findingId = await openFinding(target);
  const [row] = await handle.db
    .insert(findingExceptions)
    .values({ orgId: target.id, scope: "finding", findingId, rule: "token-blanket", reason: "matrix exception", approvedBy: target.users.admin.email, grantedAt: new Date(), expiresAt: new Date(Date.now() + 30 * 86_400_000) })
    .returning({ id: findingExceptions.id });
  return row!.id;
}
/** A signed-off review of `target`, by its responder. */
async function reviewOf(target: TestOrg): Promise<string> {
  const r = await executeUseCase(handle, target.users.responder, signOffReview, { orgSlug: target.slug, note: "matrix review" }, testMeta());
  if (!r.ok) throw new Error(r.error.message);
  return (r.data as { id: string }).id;
}
const inThirtyDays = () => new Date(Date.now() + 30 * 86_400_000).toISOString();

/** `target`'s report webhook, pointing at the receiver (set directly, as an admin would). */
async function webhookFor(target: TestOrg) {
  await handle.db
    .insert(reportWebhooks)
    .values({ orgId: target.id, urlEncrypted: seal(WEBHOOK_PURPOSE, receiverUrl), urlHint: "http://127.0.0.1", onSignOff: false, weekly: false, configuredBy: target.users.admin.email, configuredAt: new Date() })
    .onConflictDoNothing();
}

const AWS_EXPORT = readFileSync(new URL("../trust-sources/testdata/acme-aws-authorization-details.json", import.meta.url), "utf8");

/** An upload trust source of `target` with its export stored and one trust, set directly as an admin's upload would leave it. */
async function trustSourceOf(target: TestOrg): Promise<{ sourceId: string; trustId: string }> {
  const [source] = await handle.db
    .insert(trustSources)
    .values({ orgId: target.id, provider: "aws", name: `matrix ${crypto.randomUUID()}`, kind: "upload", exportName: "aws.json", exportText: AWS_EXPORT, status: "ok", createdBy: target.users.admin.email })
    .returning({ id: trustSources.id });
  const trust = loadPolicy({ path: "aws.json", content: AWS_EXPORT }, GITHUB_ISSUER).trusts[0]!;
  const [row] = await handle.db
    .insert(trusts)
    .values({ orgId: target.id, sourceId: source!.id, provider: "aws", externalId: trust.id, name: trust.name, document: trust, readAt: new Date() })
    .returning({ id: trusts.id });
  return { sourceId: source!.id, trustId: row!.id };
}

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await stopQueue();
  await handle.close();
});

/** A connected org with no sync in progress, for the use-cases that need one. */
async function ensureConnectedIdle(target: TestOrg) {
  await handle.db
    .insert(githubConnections)
    .values({ orgId: target.id, kind: "token", baseUrl: "https://api.github.com", accountLogin: target.slug })
    .onConflictDoNothing();
  await handle.db.update(syncRuns).set({ status: "succeeded" }).where(eq(syncRuns.orgId, target.id));
}

/** A fresh, valid input for each use-case in `org` (each call makes its own target member). */
async function inputFor(useCase: AnyUseCase, target: TestOrg): Promise<Record<string, unknown>> {
  const email = `target-${crypto.randomUUID()}@example.test`;
  if (useCase === addMember) return { orgSlug: target.slug, email, role: "viewer" };
  const memberId = await insertMember(handle.db, target.id, email, "viewer");
  if (useCase === changeMemberRole) return { orgSlug: target.slug, memberId, role: "responder" };
  if (useCase === removeMember) return { orgSlug: target.slug, memberId };
  if (useCase === connectGithub) return { orgSlug: target.slug };
  if (OWNER_USE_CASES.includes(useCase)) return { orgSlug: target.slug, ...(await ownerTarget(target, useCase.action === "owner.clear_override")) };
  if (useCase === startIncident) {
    const action = `matrix/start-${crypto.randomUUID().slice(0, 8)}`;
    await seedActionRepo(target, action);
    return { orgSlug: target.slug, kind: "action", target: action, title: "matrix start" };
  }
  if (useCase === updateItem) {
    const i = await openIncident(target);
    return { orgSlug: target.slug, incidentId: i.id, itemId: i.itemId, note: "matrix note" };
  }
  if (useCase === addScope) {
    const i = await openIncident(target, { drift: true });
    return { orgSlug: target.slug, incidentId: i.id, workflowIds: [await driftOf(target, i.id)] };
  }
  if (useCase === runIncidentAction) {
    const i = await openIncident(target);
    return { orgSlug: target.slug, incidentId: i.id, action: "disable-workflows", dryRun: true };
  }
  if (useCase === setSecretValue) {
    const i = await openIncident(target);
    const [rotate] = await handle.db.select({ id: incidentItems.id }).from(incidentItems).where(and(eq(incidentItems.incidentId, i.id), eq(incidentItems.kind, "rotate-secret")));
    return { orgSlug: target.slug, incidentId: i.id, itemId: rotate!.id, value: "matrix-value" };
  }
  if (useCase === containPipeline) {
    const i = await pipelineIncident(target);
    return { orgSlug: target.slug, incidentId: i.id, itemId: i.itemId, dryRun: true };
  }
  if (useCase === closeIncident) {
    const i = await finishedIncident(target);
    return { orgSlug: target.slug, incidentId: i.id, summary: "matrix: closed after every item" };
  }
  if (useCase === triageFinding) return { orgSlug: target.slug, findingId: await openFinding(target), note: "matrix triage" };
  if (useCase === grantException) return { orgSlug: target.slug, scope: { findingId: await openFinding(target) }, reason: "matrix: accepted for the test", expiresAt: inThirtyDays() };
  if (useCase === revokeException) return { orgSlug: target.slug, exceptionId: await exceptionOf(target) };
  if (useCase === signOffReview) return { orgSlug: target.slug, note: "matrix: signed off" };
  if (useCase === configureReportWebhook) return { orgSlug: target.slug, url: receiverUrl, onSignOff: false, weekly: false };
  if (useCase === removeReportWebhook || useCase === testReportWebhook) {
    await webhookFor(target);
    return { orgSlug: target.slug };
  }
  if (useCase === createTrustSource) return { orgSlug: target.slug, name: `matrix ${crypto.randomUUID()}`, provider: "aws", kind: "upload", file: { name: "aws.json", content: AWS_EXPORT } };
  if (useCase === readTrustSource || useCase === removeTrustSource) return { orgSlug: target.slug, sourceId: (await trustSourceOf(target)).sourceId };
  if (useCase === setResponderCredentials) return { orgSlug: target.slug, sourceId: (await trustSourceOf(target)).sourceId, from: "none" };
  if (useCase === createPipelineSource) return { orgSlug: target.slug, name: `matrix ${crypto.randomUUID()}`, ...PIPELINE_SOURCE_INPUT };
  if (useCase === readPipelineSourceNow || useCase === removePipelineSource) return { orgSlug: target.slug, sourceId: await pipelineSourceOf(target) };
  if (useCase === setPipelineResponderCredentials) return { orgSlug: target.slug, sourceId: await pipelineSourceOf(target), from: "none" };
  if (CONNECTION_USE_CASES.includes(useCase)) {
    await ensureConnectedIdle(target);
    return { orgSlug: target.slug };
  }
  throw new Error(`no input recipe for ${useCase.action}: add one to the matrix`);
}

/** A Buildkite source of `target` whose API is a closed port: its read fails fast, recorded as failed. */
async function pipelineSourceOf(target: TestOrg): Promise<string> {
  const [row] = await handle.db
    .insert(pipelineSources)
    .values({ orgId: target.id, kind: "buildkite", name: `matrix ${crypto.randomUUID()}`, settings: { orgSlug: "acme", apiUrl: "http://127.0.0.1:9" }, credentialsFrom: "stored", credentialsSealed: sealCredentials({ token: "bkua_matrix" }, CREDENTIALS_PURPOSE), createdBy: "seed@example.test" })
    .returning({ id: pipelineSources.id });
  return row!.id;
}
const PIPELINE_SOURCE_INPUT = { kind: "buildkite", settings: { orgSlug: "acme", apiUrl: "http://127.0.0.1:9" }, credentialsFrom: "stored", credentials: { token: "bkua_matrix" } };

/** A repository of its own in `target` (and, for clearing, an owner already set on it by hand). */
async function ownerTarget(target: TestOrg, withOverride: boolean) {
  const githubId = Math.floor(Math.random() * 2_000_000_000);
  const [repo] = await handle.db
    .insert(repositories)
    .values({ orgId: target.id, githubId, name: `r${githubId}`, fullName: `${target.slug}/r${githubId}`, visibility: "private", defaultBranch: "main" })
    .returning({ id: repositories.id });
  if (withOverride) await handle.db.insert(ownerOverrides).values({ orgId: target.id, targetType: "repository", targetKey: String(githubId), owner: "@someone", setBy: "seed@example.test" });
  return { targetType: "repository", repoId: repo!.id, owner: "@acme/platform" };
}

/** A fresh member of `target` with `role`, with no denials of their own yet. */
async function memberOf(target: TestOrg, role: Role) {
  const user = await createUser(handle.db, `member-${crypto.randomUUID()}@example.test`);
  await handle.db.insert(memberships).values({ orgId: target.id, email: user.email, role, source: "manual" });
  return user;
}

/** A user of the other org (so never a member of `org`) with no denials of their own yet. */
async function outsider(role: Role) {
  const user = await createUser(handle.db, `outsider-${crypto.randomUUID()}@example.test`);
  await handle.db.insert(memberships).values({ orgId: other.id, email: user.email, role, source: "manual" });
  return user;
}

async function auditRows(orgId: string, requestId: string) {
  return handle.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.requestId, requestId)));
}

describe.each([...MEMBER_USE_CASES, ...CONNECTION_USE_CASES, ...OWNER_USE_CASES, ...INCIDENT_USE_CASES, runIncidentAction, setSecretValue, containPipeline, ...FINDING_USE_CASES, ...REPORT_WEBHOOK_USE_CASES, ...TRUST_SOURCE_USE_CASES, ...PIPELINE_SOURCE_USE_CASES].map((u) => [u.action, u] as const))("use-case %s", (_name, useCase) => {
  it.each(ROLES)("as %s in its own org", async (role: Role) => {
    const input = await inputFor(useCase, org);
    const meta = testMeta();
    // A refused role acts as a fresh member of that role: one user's denials are rate-limited
    // (lib/audit/denial-limiter.ts, 20 a minute), and the matrix refuses more than that.
    const user = roleGrants(role, useCase.permission) ? org.users[role] : await memberOf(org, role);
    const result = await executeUseCase(handle, user, useCase, input, meta);
    const rows = await auditRows(org.id, meta.requestId);
    if (roleGrants(role, useCase.permission) && useCase === setSecretValue) {
      // Past the permission check; here no responder App is configured, so it stops there, writing nothing
      // (the write itself: incident-actions.int.test.ts, against the simulator's responder App).
      expect(result).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringContaining("No responder App is configured") } });
      expect(rows).toHaveLength(0);
    } else if (roleGrants(role, useCase.permission)) {
      expect(result.ok).toBe(true);
      // A use-case acting outside Gatehouse also records its outcome, tied to the intent.
      expect(rows).toHaveLength(useCase.outcome ? 2 : 1);
      expect(rows[0]).toMatchObject({ action: useCase.action, outcome: "success", actorEmail: org.users[role].email, actorRole: role, ip: "203.0.113.7" });
      if (useCase.outcome) expect(rows[1]).toMatchObject({ action: `${useCase.action}.outcome`, metadata: { intent: useCase.action } });
    } else {
      expect(result).toMatchObject({ ok: false, error: { code: "forbidden" } });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: useCase.action, outcome: "denied", metadata: { permission: useCase.permission } });
    }
  });

  it.each(ROLES)("as %s of another org: not found, nothing changed, only the refusal recorded there", async (role: Role) => {
    const input = await inputFor(useCase, org);
    const state = async () => ({
      members: await handle.db.select().from(memberships).where(eq(memberships.orgId, org.id)),
      connections: await handle.db.select().from(githubConnections).where(eq(githubConnections.orgId, org.id)),
      runs: await handle.db.select().from(syncRuns).where(eq(syncRuns.orgId, org.id)),
      owners: await handle.db.select().from(ownerOverrides).where(eq(ownerOverrides.orgId, org.id)),
      incidents: await handle.db.select().from(incidents).where(eq(incidents.orgId, org.id)),
      items: await handle.db.select().from(incidentItems).where(eq(incidentItems.orgId, org.id)),
      findings: await handle.db.select().from(findings).where(eq(findings.orgId, org.id)),
      exceptions: await handle.db.select().from(findingExceptions).where(eq(findingExceptions.orgId, org.id)),
      reviews: await handle.db.select().from(findingReviews).where(eq(findingReviews.orgId, org.id)),
      trustSources: await handle.db.select().from(trustSources).where(eq(trustSources.orgId, org.id)),
      trusts: await handle.db.select().from(trusts).where(eq(trusts.orgId, org.id)),
      pipelineSources: await handle.db.select().from(pipelineSources).where(eq(pipelineSources.orgId, org.id)),
    });
    const before = await state();
    const meta = testMeta();
    const probe = await outsider(role);
    const result = await executeUseCase(handle, probe, useCase, input, meta);
    expect(result).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await state()).toEqual(before);
    const rows = await auditRows(org.id, meta.requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: useCase.action, outcome: "denied", actorEmail: probe.email, actorRole: null, metadata: { reason: "not_member", permission: useCase.permission } });
  });

  it("anonymous: unauthenticated", async () => {
    const result = await executeUseCase(handle, null, useCase, await inputFor(useCase, org), testMeta());
    expect(result).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
  });
});

// Every route the API serves (app/api/v1/**): method, path params, body, and the
// permission it needs (null = any signed-in user).
type AnyRoute = RouteDef<never, unknown>;
const ROUTES: {
  name: string;
  def: AnyRoute;
  method: string;
  permission: string | null;
  params: (o: TestOrg) => Promise<Record<string, string>>;
  body?: () => Record<string, unknown>;
  query?: Record<string, string>;
  okStatus: number;
}[] = [
  { name: "GET /api/v1/orgs", def: listMyOrgsRoute as AnyRoute, method: "GET", permission: null, params: async () => ({}), okStatus: 200 },
  { name: "GET members", def: listMembersRoute as AnyRoute, method: "GET", permission: "member.read", params: async (o) => ({ orgSlug: o.slug }), okStatus: 200 },
  { name: "GET audit", def: listAuditRoute as AnyRoute, method: "GET", permission: "audit.read", params: async (o) => ({ orgSlug: o.slug }), okStatus: 200 },
  {
    name: "POST members",
    def: addMemberRoute as AnyRoute,
    method: "POST",
    permission: "member.manage",
    params: async (o) => ({ orgSlug: o.slug }),
    body: () => ({ email: `api-${crypto.randomUUID()}@example.test`, role: "viewer" }),
    okStatus: 201,
  },
  {
    name: "PATCH member",
    def: changeMemberRoleRoute as AnyRoute,
    method: "PATCH",
    permission: "member.manage",
    params: async (o) => ({ orgSlug: o.slug, memberId: await insertMember(handle.db, o.id, `p-${crypto.randomUUID()}@example.test`, "viewer") }),
    body: () => ({ role: "admin" }),
    okStatus: 200,
  },
  {
    name: "DELETE member",
    def: removeMemberRoute as AnyRoute,
    method: "DELETE",
    permission: "member.manage",
    params: async (o) => ({ orgSlug: o.slug, memberId: await insertMember(handle.db, o.id, `d-${crypto.randomUUID()}@example.test`, "viewer") }),
    okStatus: 200,
  },
  { name: "POST connection", def: connectRoute as AnyRoute, method: "POST", permission: "connection.manage", params: async (o) => ({ orgSlug: o.slug }), okStatus: 200 },
  {
    name: "DELETE connection",
    def: disconnectRoute as AnyRoute,
    method: "DELETE",
    permission: "connection.manage",
    params: async (o) => {
      await ensureConnectedIdle(o);
      return { orgSlug: o.slug };
    },
    okStatus: 200,
  },
  {
    name: "POST sync-runs",
    def: startSyncRoute as AnyRoute,
    method: "POST",
    permission: "sync.run",
    params: async (o) => {
      await ensureConnectedIdle(o);
      return { orgSlug: o.slug };
    },
    okStatus: 202,
  },
  { name: "GET sync-runs/latest", def: latestSyncRunRoute as AnyRoute, method: "GET", permission: "inventory.read", params: async (o) => ({ orgSlug: o.slug }), okStatus: 200 },
  { name: "GET repositories", def: listRepositoriesRoute as AnyRoute, method: "GET", permission: "inventory.read", params: async (o) => ({ orgSlug: o.slug }), okStatus: 200 },
  { name: "GET workflows", def: listWorkflowsRoute as AnyRoute, method: "GET", permission: "inventory.read", params: async (o) => ({ orgSlug: o.slug }), query: { size: "25", sort: "findings" }, okStatus: 200 },
  { name: "GET blast-radius", def: blastRadiusRoute as AnyRoute, method: "GET", permission: "inventory.read", params: async (o) => ({ orgSlug: o.slug }), query: { type: "secret", id: "NPM_TOKEN" }, okStatus: 200 },
  { name: "GET export", def: exportRoute as AnyRoute, method: "GET", permission: "inventory.read", params: async (o) => ({ orgSlug: o.slug }), query: { format: "csv" }, okStatus: 200 },
  { name: "GET secrets", def: listSecretsRoute as AnyRoute, method: "GET", permission: "inventory.read", params: async (o) => ({ orgSlug: o.slug }), okStatus: 200 },
  { name: "GET identities", def: listIdentitiesRoute as AnyRoute, method: "GET", permission: "inventory.read", params: async (o) => ({ orgSlug: o.slug }), okStatus: 200 },
  { name: "GET systems", def: listSystemsRoute as AnyRoute, method: "GET", permission: "inventory.read", params: async (o) => ({ orgSlug: o.slug }), okStatus: 200 },
  { name: "GET owners", def: listOwnersRoute as AnyRoute, method: "GET", permission: "inventory.read", params: async (o) => ({ orgSlug: o.slug }), okStatus: 200 },
  {
    name: "PUT owners",
    def: setOwnerRoute as AnyRoute,
    method: "PUT",
    permission: "owner.override",
    params: async (o) => {
      const { repoId } = await ownerTarget(o, false);
      return { orgSlug: o.slug, repoId };
    },
    body: () => ({ targetType: "repository", owner: "@acme/platform" }),
    okStatus: 200,
  },
  {
    name: "DELETE owners",
    def: clearOwnerRoute as AnyRoute,
    method: "DELETE",
    permission: "owner.override",
    params: async (o) => {
      const { repoId } = await ownerTarget(o, true);
      return { orgSlug: o.slug, repoId };
    },
    body: () => ({ targetType: "repository" }),
    okStatus: 200,
  },
  {
    name: "GET incidents",
    def: listIncidentsRoute as AnyRoute,
    method: "GET",
    permission: "incident.read",
    params: async (o) => ({ orgSlug: o.slug }),
    okStatus: 200,
  },
  {
    name: "POST incidents",
    def: startIncidentRoute as AnyRoute,
    method: "POST",
    permission: "incident.run",
    params: async (o) => ({ orgSlug: o.slug }),
    body: () => ({ kind: "secret", target: "NPM_TOKEN", title: "matrix route start" }),
    okStatus: 201,
  },
  {
    name: "GET incident",
    def: incidentDetailRoute as AnyRoute,
    method: "GET",
    permission: "incident.read",
    params: async (o) => ({ orgSlug: o.slug, incidentId: (await openIncident(o)).id }),
    okStatus: 200,
  },
  {
    name: "GET incident report",
    def: incidentReportRoute as AnyRoute,
    method: "GET",
    permission: "incident.read",
    params: async (o) => ({ orgSlug: o.slug, incidentId: (await openIncident(o)).id }),
    query: { format: "md" },
    okStatus: 200,
  },
  {
    name: "PATCH incident item",
    def: updateItemRoute as AnyRoute,
    method: "PATCH",
    permission: "incident.run",
    params: async (o) => {
      const i = await openIncident(o);
      return { orgSlug: o.slug, incidentId: i.id, itemId: i.itemId };
    },
    body: () => ({ note: "matrix route note" }),
    okStatus: 200,
  },
  {
    name: "POST incident scope",
    def: addScopeRoute as AnyRoute,
    method: "POST",
    permission: "incident.run",
    params: async (o) => {
      const i = await openIncident(o, { drift: true });
      driftFor.set(i.id, await driftOf(o, i.id));
      return { orgSlug: o.slug, incidentId: i.id };
    },
    body: () => ({ workflowIds: [...driftFor.values()].slice(-1) }),
    okStatus: 200,
  },
  {
    name: "POST incident actions (dry run)",
    def: incidentActionRoute as AnyRoute,
    method: "POST",
    permission: "incident.run",
    params: async (o) => ({ orgSlug: o.slug, incidentId: (await openIncident(o)).id }),
    body: () => ({ action: "disable-workflows", dryRun: true }),
    okStatus: 200,
  },
  {
    name: "POST incident actions delete-run-logs (dry run)",
    def: incidentActionRoute as AnyRoute,
    method: "POST",
    permission: "incident.run",
    params: async (o) => ({ orgSlug: o.slug, incidentId: (await incidentFor(o, "delete-run-logs")).id }),
    body: () => ({ action: "delete-run-logs", dryRun: true }),
    okStatus: 200,
  },
  {
    name: "POST incident item secret-value",
    def: secretValueRoute as AnyRoute,
    method: "POST",
    permission: "incident.run",
    params: async (o) => {
      const i = await openIncident(o);
      const [rotate] = await handle.db.select({ id: incidentItems.id }).from(incidentItems).where(and(eq(incidentItems.incidentId, i.id), eq(incidentItems.kind, "rotate-secret")));
      return { orgSlug: o.slug, incidentId: i.id, itemId: rotate!.id };
    },
    body: () => ({ value: "matrix-route-value" }),
    // No responder App here: a permitted caller gets past the door to "not configured" (409).
    okStatus: 409,
  },
  {
    name: "POST incident item contain (dry run)",
    def: containPipelineRoute as AnyRoute,
    method: "POST",
    permission: "incident.run",
    params: async (o) => {
      const i = await pipelineIncident(o);
      return { orgSlug: o.slug, incidentId: i.id, itemId: i.itemId };
    },
    body: () => ({ dryRun: true }),
    okStatus: 200,
  },
  {
    name: "POST incident close",
    def: closeIncidentRoute as AnyRoute,
    method: "POST",
    permission: "incident.run",
    params: async (o) => ({ orgSlug: o.slug, incidentId: (await finishedIncident(o)).id }),
    body: () => ({ summary: "matrix route: closed after every item" }),
    okStatus: 200,
  },
  {
    name: "GET finding",
    def: findingDetailRoute as AnyRoute,
    method: "GET",
    permission: "finding.read",
    params: async (o) => ({ orgSlug: o.slug, findingId: await openFinding(o) }),
    okStatus: 200,
  },
  {
    name: "PATCH finding",
    def: triageFindingRoute as AnyRoute,
    method: "PATCH",
    permission: "finding.triage",
    params: async (o) => ({ orgSlug: o.slug, findingId: await openFinding(o) }),
    body: () => ({ state: "acknowledged", assignee: "@acme/platform", note: "matrix route triage" }),
    okStatus: 200,
  },
  { name: "GET exceptions", def: listExceptionsRoute as AnyRoute, method: "GET", permission: "finding.read", params: async (o) => ({ orgSlug: o.slug }), query: { status: "active" }, okStatus: 200 },
  {
    name: "POST exceptions",
    def: grantExceptionRoute as AnyRoute,
    method: "POST",
    permission: "exception.grant",
    params: async (o) => {
      grantFor.push(await openFinding(o));
      return { orgSlug: o.slug };
    },
    body: () => ({ scope: { findingId: grantFor.at(-1) }, reason: "matrix route: accepted for the test", expiresAt: inThirtyDays() }),
    okStatus: 201,
  },
  {
    name: "DELETE exception",
    def: revokeExceptionRoute as AnyRoute,
    method: "DELETE",
    permission: "exception.grant",
    params: async (o) => ({ orgSlug: o.slug, exceptionId: await exceptionOf(o) }),
    okStatus: 200,
  },
  { name: "GET review", def: reviewRoute as AnyRoute, method: "GET", permission: "finding.read", params: async (o) => ({ orgSlug: o.slug }), query: { since: "2026-01-01T00:00:00Z" }, okStatus: 200 },
  { name: "GET reviews", def: listReviewsRoute as AnyRoute, method: "GET", permission: "finding.read", params: async (o) => ({ orgSlug: o.slug }), okStatus: 200 },
  {
    name: "GET review (Markdown)",
    def: reviewDetailRoute as AnyRoute,
    method: "GET",
    permission: "finding.read",
    params: async (o) => ({ orgSlug: o.slug, reviewId: await reviewOf(o) }),
    query: { format: "md" },
    okStatus: 200,
  },
  { name: "POST reviews", def: signOffRoute as AnyRoute, method: "POST", permission: "review.sign_off", params: async (o) => ({ orgSlug: o.slug }), body: () => ({ note: "matrix route: signed off" }), okStatus: 201 },
  { name: "GET report-webhook", def: reportWebhookRoute as AnyRoute, method: "GET", permission: "report.manage", params: async (o) => ({ orgSlug: o.slug }), okStatus: 200 },
  {
    name: "PUT report-webhook",
    def: configureReportWebhookRoute as AnyRoute,
    method: "PUT",
    permission: "report.manage",
    params: async (o) => ({ orgSlug: o.slug }),
    body: () => ({ url: receiverUrl, onSignOff: true, weekly: false }),
    okStatus: 200,
  },
  {
    name: "POST report-webhook/test",
    def: testReportWebhookRoute as AnyRoute,
    method: "POST",
    permission: "report.manage",
    params: async (o) => {
      await webhookFor(o);
      return { orgSlug: o.slug };
    },
    okStatus: 200,
  },
  { name: "GET trust-sources", def: listTrustSourcesRoute as AnyRoute, method: "GET", permission: "trust.manage", params: async (o) => ({ orgSlug: o.slug }), okStatus: 200 },
  {
    name: "POST trust-sources",
    def: createTrustSourceRoute as AnyRoute,
    method: "POST",
    permission: "trust.manage",
    params: async (o) => ({ orgSlug: o.slug }),
    body: () => ({ name: `matrix route ${crypto.randomUUID()}`, provider: "aws", kind: "upload", file: { name: "aws.json", content: AWS_EXPORT } }),
    okStatus: 201,
  },
  {
    name: "POST trust-sources/{id}/read",
    def: readTrustSourceRoute as AnyRoute,
    method: "POST",
    permission: "trust.manage",
    params: async (o) => ({ orgSlug: o.slug, sourceId: (await trustSourceOf(o)).sourceId }),
    okStatus: 200,
  },
  {
    name: "PUT trust-sources/{id}/responder-credentials",
    def: setResponderCredentialsRoute as AnyRoute,
    method: "PUT",
    permission: "trust.manage",
    params: async (o) => ({ orgSlug: o.slug, sourceId: (await trustSourceOf(o)).sourceId }),
    body: () => ({ from: "none" }),
    okStatus: 200,
  },
  {
    name: "DELETE trust-sources/{id}",
    def: removeTrustSourceRoute as AnyRoute,
    method: "DELETE",
    permission: "trust.manage",
    params: async (o) => ({ orgSlug: o.slug, sourceId: (await trustSourceOf(o)).sourceId }),
    okStatus: 200,
  },
  { name: "GET pipeline-sources", def: listPipelineSourcesRoute as AnyRoute, method: "GET", permission: "inventory.read", params: async (o) => ({ orgSlug: o.slug }), okStatus: 200 },
  {
    name: "POST pipeline-sources",
    def: createPipelineSourceRoute as AnyRoute,
    method: "POST",
    permission: "connection.manage",
    params: async (o) => ({ orgSlug: o.slug }),
    body: () => ({ name: `matrix route ${crypto.randomUUID()}`, ...PIPELINE_SOURCE_INPUT }),
    okStatus: 201,
  },
  {
    name: "POST pipeline-sources/{id}/read",
    def: readPipelineSourceRoute as AnyRoute,
    method: "POST",
    permission: "connection.manage",
    params: async (o) => ({ orgSlug: o.slug, sourceId: await pipelineSourceOf(o) }),
    okStatus: 200,
  },
  {
    name: "PUT pipeline-sources/{id}/responder-credentials",
    def: setPipelineResponderRoute as AnyRoute,
    method: "PUT",
    permission: "connection.manage",
    params: async (o) => ({ orgSlug: o.slug, sourceId: await pipelineSourceOf(o) }),
    body: () => ({ from: "none" }),
    okStatus: 200,
  },
  {
    name: "DELETE pipeline-sources/{id}",
    def: removePipelineSourceRoute as AnyRoute,
    method: "DELETE",
    permission: "connection.manage",
    params: async (o) => ({ orgSlug: o.slug, sourceId: await pipelineSourceOf(o) }),
    okStatus: 200,
  },
  { name: "GET trusts", def: listTrustsRoute as AnyRoute, method: "GET", permission: "inventory.read", params: async (o) => ({ orgSlug: o.slug }), okStatus: 200 },
  {
    name: "GET trusts/{id}",
    def: trustDetailRoute as AnyRoute,
    method: "GET",
    permission: "inventory.read",
    params: async (o) => ({ orgSlug: o.slug, trustId: (await trustSourceOf(o)).trustId }),
    okStatus: 200,
  },
  {
    name: "DELETE report-webhook",
    def: removeReportWebhookRoute as AnyRoute,
    method: "DELETE",
    permission: "report.manage",
    params: async (o) => {
      await webhookFor(o);
      return { orgSlug: o.slug };
    },
    okStatus: 200,
  },
];

/** The finding the last POST exceptions route call grants on (params run before body). */
const grantFor: string[] = [];

/** The drift workflow of the incident the last addScope route call made (params run before body). */
const driftFor = new Map<string, string>();

const isWrite = (route: (typeof ROUTES)[number]) => route.method !== "GET";

/** Calls a route as the app's own pages do: writes with a same-origin Origin and a JSON body. */
async function call(route: (typeof ROUTES)[number], target: TestOrg, token: string | null, headers: Record<string, string> = {}) {
  const params = await route.params(target);
  const body = route.body?.() ?? {};
  const req = new Request(`http://localhost/api/test?${new URLSearchParams(route.query ?? {}).toString()}`, {
    method: route.method,
    headers: {
      ...(token ? { cookie: `authjs.session-token=${token}` } : {}),
      ...(isWrite(route) ? { "content-type": "application/json", origin: "http://localhost" } : {}),
      ...headers,
    },
    body: isWrite(route) ? JSON.stringify(body) : undefined,
  });
  const res = await defineRoute(route.def)(req, { params: Promise.resolve(params) });
  // Exports answer a file; everything else the { ok, data | error } envelope.
  const json = res.headers.get("content-type")?.includes("application/json") ?? false;
  return {
    status: res.status,
    requestId: res.headers.get("x-request-id"),
    body: (json ? await res.json() : { ok: res.ok, text: await res.text() }) as { ok: boolean; error?: { code: string; message: string } },
  };
}

/** Everything a write could change in `target`. */
async function orgState(target: TestOrg) {
  return {
    members: await handle.db.select().from(memberships).where(eq(memberships.orgId, target.id)),
    connections: await handle.db.select().from(githubConnections).where(eq(githubConnections.orgId, target.id)),
    runs: await handle.db.select().from(syncRuns).where(eq(syncRuns.orgId, target.id)),
    owners: await handle.db.select().from(ownerOverrides).where(eq(ownerOverrides.orgId, target.id)),
    incidents: await handle.db.select().from(incidents).where(eq(incidents.orgId, target.id)),
    items: await handle.db.select().from(incidentItems).where(eq(incidentItems.orgId, target.id)),
    findings: await handle.db.select().from(findings).where(eq(findings.orgId, target.id)),
    exceptions: await handle.db.select().from(findingExceptions).where(eq(findingExceptions.orgId, target.id)),
    reviews: await handle.db.select().from(findingReviews).where(eq(findingReviews.orgId, target.id)),
  };
}

describe.each(ROUTES.map((r) => [r.name, r] as const))("route %s", (_name, route) => {
  it("anonymous: 401", async () => {
    const { status, body } = await call(route, org, null);
    expect(status).toBe(401);
    expect(body).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
  });

  it.each(ROLES)("as %s in its own org", async (role: Role) => {
    const token = await createSession(handle.db, org.users[role]);
    const { status, body } = await call(route, org, token);
    const allowed = route.permission === null || roleGrants(role, route.permission as never);
    expect(status).toBe(allowed ? route.okStatus : 403);
    // An allowed call answers its success, or (okStatus 409) the refusal that comes after the door.
    expect(body.ok).toBe(allowed && route.okStatus < 400);
    if (!allowed) expect(body).toMatchObject({ error: { code: "forbidden" } });
  });

  it.each(ROLES)("as %s of another org: 404, audited (or only the caller's own orgs)", async (role: Role) => {
    const probe = await outsider(role);
    const token = await createSession(handle.db, probe);
    const { status, body, requestId } = await call(route, org, token);
    if (route.permission === null) {
      expect(status).toBe(200);
      expect(JSON.stringify(body)).not.toContain(org.slug);
    } else {
      expect(status).toBe(404);
      expect(body).toMatchObject({ ok: false, error: { code: "not_found" } });
      const rows = await auditRows(org.id, requestId!);
      expect(rows).toMatchObject([{ outcome: "denied", actorEmail: probe.email, actorRole: null, metadata: { reason: "not_member", permission: route.permission } }]);
    }
  });

  if (isWrite(route)) {
    it.each([
      ["another site", { origin: "https://evil.example" }],
      ["a sibling subdomain", { origin: "https://evil.localhost", "sec-fetch-site": "same-site" }],
      ["no Origin at all", {}],
    ] as const)("cross-origin (%s), as an admin who may do it: 403, nothing changed, audited as denied", async (_what, headers) => {
      // An admin of its own: denials are rate-limited per user (lib/audit/denials.ts), and this
      // matrix refuses more writes than one user may have audited in a minute.
      const admin = await createUser(handle.db, `admin-${crypto.randomUUID()}@${org.slug}.test`);
      await insertMember(handle.db, org.id, admin.email, "admin");
      const token = await createSession(handle.db, admin);
      const params = await route.params(org);
      const before = await orgState(org);
      const req = new Request("http://localhost/api/test", {
        method: route.method,
        headers: { cookie: `authjs.session-token=${token}`, "content-type": "application/json", ...headers },
        body: JSON.stringify(route.body?.() ?? {}),
      });
      const res = await defineRoute(route.def)(req, { params: Promise.resolve(params) });
      expect(res.status).toBe(403);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("forbidden");
      expect(body.error.message).toContain("not from Gatehouse's own pages");
      expect(await orgState(org)).toEqual(before);
      const rows = await auditRows(org.id, res.headers.get("x-request-id")!);
      expect(rows).toMatchObject([{ outcome: "denied", actorEmail: admin.email, actorRole: "admin", metadata: { reason: "cross_site", permission: route.permission } }]);
    });
  }
});

// Every incident action, not only the one the use-case matrix above runs: a dry run (it calls
// nothing, with or without a responder App) as each role of the org and of another org.
describe.each(INCIDENT_ACTIONS.map((a) => [a] as const))("incident action %s", (action) => {
  it.each(ROLES)("as %s in its own org", async (role: Role) => {
    const i = await incidentFor(org, action);
    const items = () => handle.db.select().from(incidentItems).where(eq(incidentItems.incidentId, i.id));
    const before = await items();
    const result = await executeUseCase(handle, org.users[role], runIncidentAction, { orgSlug: org.slug, incidentId: i.id, action, dryRun: true }, testMeta());
    if (roleGrants(role, runIncidentAction.permission)) {
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const data = result.data as { results: { status: string; calls: unknown[] }[] };
      expect(data.results.length).toBeGreaterThan(0);
      // revoke-trust: the seeded org has no trust source naming its identities, so the command is handed out.
      expect(data.results.every((r) => (r.status === "planned" && r.calls.length > 0) || r.status === "refused" || (action === "revoke-trust" && r.status === "manual"))).toBe(true);
    } else {
      expect(result).toMatchObject({ ok: false, error: { code: "forbidden" } });
    }
    expect(await items()).toEqual(before);
  });

  it.each(ROLES)("as %s of another org: not found", async (role: Role) => {
    const i = await incidentFor(org, action);
    const result = await executeUseCase(handle, await outsider(role), runIncidentAction, { orgSlug: org.slug, incidentId: i.id, action, dryRun: true }, testMeta());
    expect(result).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});

describe("route input handling", () => {
  const SAME_ORIGIN = { origin: "http://localhost", "content-type": "application/json" };
  /** POST /members as org's admin, with the given headers, query string and body. */
  async function postMember(headers: Record<string, string>, body: string | undefined, query = "") {
    const token = await createSession(handle.db, org.users.admin);
    const req = new Request(`http://localhost/api/test${query}`, { method: "POST", headers: { cookie: `authjs.session-token=${token}`, ...headers }, body });
    const res = await defineRoute(addMemberRoute as AnyRoute)(req, { params: Promise.resolve({ orgSlug: org.slug }) });
    return { status: res.status, body: (await res.json()) as { ok: boolean; error?: { code: string; message: string; fields?: Record<string, string> } } };
  }
  const membersWith = (email: string) => handle.db.select().from(memberships).where(eq(memberships.email, email));

  it("the demo's attack — another site's form POST with the input in the query string — is refused and creates nobody", async () => {
    const email = `csrf-${crypto.randomUUID()}@example.test`;
    const r = await postMember(
      { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "cross-site" },
      "",
      `?${new URLSearchParams({ email, role: "admin" })}`,
    );
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: "forbidden" });
    expect(r.body.error!.message).toContain("from https://evil.example");
    expect(await membersWith(email)).toEqual([]);
  });

  it("a same-origin write that is not JSON is a 415 saying what to send", async () => {
    const email = `form-${crypto.randomUUID()}@example.test`;
    for (const type of ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"]) {
      const r = await postMember({ origin: "http://localhost", "content-type": type }, JSON.stringify({ email, role: "admin" }));
      expect(r.status).toBe(415);
      expect(r.body.error).toMatchObject({ code: "unsupported_media_type", message: "Send the request body as JSON with the header Content-Type: application/json." });
    }
    const none = await postMember({ origin: "http://localhost" }, JSON.stringify({ email, role: "admin" }));
    expect(none.status).toBe(415);
    expect(await membersWith(email)).toEqual([]);
  });

  it("a write takes no input from the query string, and an empty body is refused", async () => {
    const email = `query-${crypto.randomUUID()}@example.test`;
    const query = `?${new URLSearchParams({ email, role: "admin" })}`;
    const fromQuery = await postMember(SAME_ORIGIN, "{}", query);
    expect(fromQuery.status).toBe(400);
    expect(fromQuery.body.error!.fields).toHaveProperty("email");
    const empty = await postMember(SAME_ORIGIN, undefined, query);
    expect(empty.status).toBe(400);
    expect(empty.body.error!.message).toBe("The request body is empty: send a JSON object ({} when there is nothing to send).");
    expect(await membersWith(email)).toEqual([]);
  });

  it("Sec-Fetch-Site: same-origin is enough (a browser that sends no Origin)", async () => {
    const email = `sfs-${crypto.randomUUID()}@example.test`;
    const r = await postMember({ "sec-fetch-site": "same-origin", "content-type": "application/json" }, JSON.stringify({ email, role: "viewer" }));
    expect(r.status).toBe(201);
  });

  it("a malformed JSON body is a 400 with a clear message", async () => {
    const r = await postMember(SAME_ORIGIN, "{nope");
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: "invalid_input", message: "The request body is not valid JSON." } });
    const notObject = await postMember(SAME_ORIGIN, "[1]");
    expect(notObject.body).toMatchObject({ error: { code: "invalid_input", message: "The request body must be a JSON object." } });
  });

  it("an invalid field names the field", async () => {
    const r = await postMember(SAME_ORIGIN, JSON.stringify({ email: "not-an-email", role: "owner" }));
    expect(r.status).toBe(400);
    expect(r.body.error!.fields).toMatchObject({ email: "must be an email address", role: "must be viewer, responder or admin" });
  });

  it("the body cannot redirect a write to another organisation", async () => {
    const email = `redirect-${crypto.randomUUID()}@example.test`;
    const r = await postMember(SAME_ORIGIN, JSON.stringify({ orgSlug: other.slug, email, role: "admin" }));
    expect(r.status).toBe(201);
    const rows = await membersWith(email);
    expect(rows.map((r) => r.orgId)).toEqual([org.id]);
  });

  it("an expired session is anonymous", async () => {
    const user = await createUser(handle.db, `expired-${crypto.randomUUID()}@example.test`);
    const token = await createSession(handle.db, user);
    const { sessions } = await import("@/lib/db/schema");
    await handle.db.update(sessions).set({ expires: new Date(Date.now() - 1000) }).where(eq(sessions.sessionToken, token));
    const { status } = await call(ROUTES[0]!, org, token);
    expect(status).toBe(401);
  });
});
