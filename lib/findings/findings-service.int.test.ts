// Triage and exceptions through the one door: a finding's state as people and time change it,
// each change in its history (finding_event) and the audit log, bad input refused with what to do.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq, sql } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import { seedOrgFacts, seedRepo } from "@/lib/testing/inventory";
import type { DatabaseHandle } from "@/lib/db/types";
import type { SessionUser } from "@/lib/authz/actor";
import { auditEvents, findingEvents, findingExceptions, findings, repositories } from "@/lib/db/schema";
import { executeUseCase, type AnyUseCase } from "@/lib/door/use-case";
import { triageFinding } from "./findings-service";
import { grantException, revokeException } from "./exceptions-service";
import { expireExceptions } from "./exception-expiry";
import { getFindingWithHistory, workflowFindings } from "./findings-repo";
import { jobHandlers } from "@/lib/jobs/handlers";
import { findingWorkflow as workflow } from "@/lib/testing/findings";

const ONE = ".github/workflows/one.yml";
const TWO = ".github/workflows/two.yml";

let handle: DatabaseHandle;
let org: TestOrg;
let other: TestOrg;
let seq = 9_420_000;

beforeAll(async () => {
  handle = await openTestDatabase();
  org = await createTestOrg(handle.db);
  other = await createTestOrg(handle.db);
  await seedOrgFacts(handle.db, org);
  await seedOrgFacts(handle.db, other);
});
afterAll(async () => {
  await handle.close();
});

type Ok<T> = { ok: true; data: T };
type Err = { ok: false; error: { code: string; message: string; fields?: Record<string, string> } };
const as = <T = Record<string, unknown>>(user: SessionUser, useCase: AnyUseCase, input: Record<string, unknown>, target: TestOrg = org) =>
  executeUseCase(handle, user, useCase, { orgSlug: target.slug, ...input }, testMeta()) as Promise<Ok<T> | Err>;
const ok = async <T = Record<string, unknown>>(p: Promise<Ok<T> | Err>): Promise<T> => {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data;
};
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

/** A repository of its own with one.yml (and two.yml), synced now; its findings by rule and path. */
async function repo(target: TestOrg = org, files = [ONE, TWO]) {
  const githubId = seq++;
  const name = `r${githubId}`;
  const write = (paths: string[]) => seedRepo(handle.db, target, { githubId, name, files: Object.fromEntries(paths.map((p) => [p, workflow(p.includes("one") ? "ONE_TOKEN" : "TWO_TOKEN")])) });
  await write(files);
  const [{ id: repoId }] = (await handle.db.select({ id: repositories.id }).from(repositories).where(and(eq(repositories.orgId, target.id), eq(repositories.githubId, githubId)))) as [{ id: string }];
  const of = async (rule: string, path = ONE) => {
    const [row] = await handle.db.select().from(findings).where(and(eq(findings.orgId, target.id), eq(findings.repoId, repoId), eq(findings.rule, rule), eq(findings.path, path)));
    if (!row) throw new Error(`no ${rule} finding in ${path}`);
    return row;
  };
  return { name, fullName: `${target.slug}/${name}`, repoId, of, write };
}

const stateOf = async (id: string) => (await getFindingWithHistory(handle.db, org.id, id))!.state;
const eventsOf = (id: string) => handle.db.select().from(findingEvents).where(and(eq(findingEvents.orgId, org.id), eq(findingEvents.findingId, id))).orderBy(asc(findingEvents.id));
const auditOf = (action: string, targetId: string) => handle.db.select().from(auditEvents).where(and(eq(auditEvents.orgId, org.id), eq(auditEvents.action, action), eq(auditEvents.targetId, targetId)));

describe("triage", () => {
  it("a responder acknowledges a finding with an assignee: state, history with the note, audit", async () => {
    const r = await repo();
    const f = await r.of("phase-mixing");
    expect(await stateOf(f.id)).toBe("open");
    const data = await ok(as<{ state: string; assignee: string }>(org.users.responder, triageFinding, { findingId: f.id, state: "acknowledged", assignee: org.users.admin.email.toUpperCase(), note: "Splitting the job this sprint." }));
    expect(data).toMatchObject({ state: "acknowledged", assignee: org.users.admin.email, triagedBy: org.users.responder.email });
    const events = await eventsOf(f.id);
    expect(events.map((e) => e.type)).toEqual(["opened", "triaged"]);
    expect(events[1]).toMatchObject({ actor: org.users.responder.email, syncRunId: null, data: { rule: "phase-mixing", repo: r.fullName, triage: { state: "acknowledged", assignee: org.users.admin.email, note: "Splitting the job this sprint." } } });
    expect(await auditOf("finding.triage", f.id)).toMatchObject([{ outcome: "success", actorEmail: org.users.responder.email, metadata: { changes: ["assignee", "state", "note"], state: "acknowledged" } }]);
    // Back to open, and an owner handle as assignee.
    await ok(as(org.users.responder, triageFinding, { findingId: f.id, state: "open", assignee: "@acme/platform" }));
    expect(await getFindingWithHistory(handle.db, org.id, f.id)).toMatchObject({ state: "open", assignee: "@acme/platform" });
  });

  it("refuses what cannot be: a stranger as assignee, acknowledging with no one to assign, nothing to change, a fixed finding, another org's finding, a viewer", async () => {
    const r = await repo();
    const f = await r.of("phase-mixing");
    const stranger = await as(org.users.responder, triageFinding, { findingId: f.id, assignee: "someone@elsewhere.test" });
    expect(stranger).toMatchObject({ ok: false, error: { code: "invalid_input", fields: { assignee: "is not a member" } } });
    // No assignee given, none set and no owner known (the test repositories have none).
    const nobody = await as(org.users.responder, triageFinding, { findingId: f.id, state: "acknowledged" });
    expect(nobody).toMatchObject({ ok: false, error: { code: "invalid_input", fields: { assignee: "is required to acknowledge" } } });
    expect(await as(org.users.responder, triageFinding, { findingId: f.id })).toMatchObject({ ok: false, error: { code: "invalid_input", message: expect.stringContaining("Nothing to change") } });
    expect(await as(org.users.responder, triageFinding, { findingId: f.id, state: "accepted" })).toMatchObject({ ok: false, error: { code: "invalid_input", fields: { state: expect.stringContaining("open or acknowledged") } } });
    const foreign = await repo(other);
    expect(await as(org.users.responder, triageFinding, { findingId: (await foreign.of("phase-mixing")).id, note: "probe" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await as(org.users.viewer, triageFinding, { findingId: f.id, note: "hello" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    await r.write([TWO]);
    expect(await as(org.users.responder, triageFinding, { findingId: f.id, note: "too late" })).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringContaining("fixed") } });
    expect((await eventsOf(f.id)).map((e) => e.type)).toEqual(["opened", "fixed"]);
  });

  it("an acknowledged finding that is fixed and comes back is regressed until someone triages it again", async () => {
    const r = await repo();
    const f = await r.of("phase-mixing");
    await ok(as(org.users.responder, triageFinding, { findingId: f.id, state: "acknowledged", assignee: org.users.responder.email }));
    await r.write([TWO]);
    expect(await stateOf(f.id)).toBe("fixed");
    await r.write([ONE, TWO]);
    expect(await stateOf(f.id)).toBe("regressed");
    await ok(as(org.users.responder, triageFinding, { findingId: f.id, state: "acknowledged" }));
    expect(await getFindingWithHistory(handle.db, org.id, f.id)).toMatchObject({ state: "acknowledged", assignee: org.users.responder.email });
  });
});

describe("exceptions", () => {
  it("an admin accepts one finding: accepted, shown with the exception on the workflow page, excepted in its history, audited", async () => {
    const r = await repo();
    const f = await r.of("id-token-unused");
    const granted = await ok(as<{ id: string; covered: number; status: string; label: string }>(org.users.admin, grantException, { scope: { findingId: f.id }, reason: "OIDC is wired next sprint (PLAT-212).", expiresAt: inDays(30) }));
    expect(granted).toMatchObject({ covered: 1, status: "active", kind: "finding", approvedBy: org.users.admin.email });
    const page = await workflowFindings(handle.db, org.id, r.repoId, ONE);
    const shown = page.find((x) => x.id === f.id)!;
    expect(shown).toMatchObject({ state: "accepted", exception: { id: granted.id, reason: "OIDC is wired next sprint (PLAT-212).", approvedBy: org.users.admin.email } });
    expect(page.filter((x) => x.id !== f.id).every((x) => x.state === "open" && !x.exception)).toBe(true);
    const events = await eventsOf(f.id);
    expect(events.at(-1)).toMatchObject({ type: "excepted", actor: org.users.admin.email, data: { exception: { id: granted.id, scope: "finding" } } });
    expect(await auditOf("exception.grant", granted.id)).toMatchObject([{ outcome: "success", actorRole: "admin", metadata: { kind: "finding", covered: 1 } }]);
    // The same scope twice is a conflict that names the one in force.
    expect(await as(org.users.admin, grantException, { scope: { findingId: f.id }, reason: "again, for longer", expiresAt: inDays(60) })).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringContaining("already accepted") } });
  });

  it("refuses a responder (403, audited), a past or too distant expiry, a short reason, an unknown or foreign finding, an unknown rule, repository or secret", async () => {
    const r = await repo();
    const f = await r.of("id-token-unused");
    const good = { scope: { findingId: f.id }, reason: "accepted for the migration window", expiresAt: inDays(30) };
    const meta = testMeta();
    const denied = await executeUseCase(handle, org.users.responder, grantException, { orgSlug: org.slug, ...good }, meta);
    expect(denied).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await handle.db.select().from(auditEvents).where(eq(auditEvents.requestId, meta.requestId))).toMatchObject([{ outcome: "denied", action: "exception.grant", metadata: { permission: "exception.grant" } }]);
    const bad = async (input: Record<string, unknown>) => {
      const res = await as(org.users.admin, grantException, { ...good, ...input });
      expect(res.ok).toBe(false);
      return (res as Err).error;
    };
    expect(await bad({ expiresAt: inDays(-1) })).toMatchObject({ code: "invalid_input", fields: { expiresAt: "is in the past: choose a date within the next year" } });
    expect(await bad({ expiresAt: inDays(367) })).toMatchObject({ code: "invalid_input", fields: { expiresAt: expect.stringContaining("at most a year") } });
    expect(await bad({ expiresAt: "next tuesday" })).toMatchObject({ code: "invalid_input", fields: { expiresAt: expect.stringContaining("ISO 8601") } });
    expect(await bad({ reason: "because" })).toMatchObject({ code: "invalid_input", fields: { reason: expect.stringContaining("at least 10 characters") } });
    const unknown = await bad({ scope: { findingId: crypto.randomUUID() } });
    expect(unknown).toMatchObject({ code: "invalid_input", fields: { "scope.findingId": "is not a finding of this organisation" } });
    // Another org's finding: the same answer as one that does not exist.
    const foreign = await repo(other);
    expect(await bad({ scope: { findingId: (await foreign.of("id-token-unused")).id } })).toEqual(unknown);
    expect(await bad({ scope: { rule: "no-such-rule", repo: r.name } })).toMatchObject({ code: "invalid_input", fields: { "scope.rule": "is not a rule id" } });
    expect(await bad({ scope: { rule: "id-token-unused", repo: "nope" } })).toMatchObject({ code: "invalid_input", fields: { "scope.repo": "is not a repository of this organisation" } });
    expect(await bad({ scope: { rule: "id-token-unused", repo: foreign.fullName } })).toMatchObject({ code: "invalid_input", fields: { "scope.repo": "is not a repository of this organisation" } });
    expect(await bad({ scope: { rule: "id-token-unused", secret: "NEVER_HEARD_OF" } })).toMatchObject({ code: "invalid_input", fields: { "scope.secret": "is not a secret of this organisation" } });
    expect(await bad({ scope: { rule: "id-token-unused" } })).toMatchObject({ code: "invalid_input", message: expect.stringContaining("{ findingId }, { rule, repo } or { rule, secret }") });
    expect(await handle.db.select().from(findingExceptions).where(eq(findingExceptions.findingId, f.id))).toEqual([]);
  });

  it("a rule in one repository covers its findings there, also one that appears later; revoking ends it", async () => {
    const r = await repo(org, [ONE]);
    const granted = await ok(as<{ id: string; covered: number }>(org.users.admin, grantException, { scope: { rule: "unpinned-action", repo: r.fullName }, reason: "internal actions only, pinned by tag policy", expiresAt: inDays(90) }));
    expect(granted.covered).toBe(1);
    await r.write([ONE, TWO]);
    const later = await r.of("unpinned-action", TWO);
    expect(await stateOf(later.id)).toBe("accepted");
    expect(await stateOf((await r.of("phase-mixing")).id)).toBe("open");
    const revoked = await ok(as<{ status: string; covered: number; revokedBy: string }>(org.users.admin, revokeException, { exceptionId: granted.id, reason: "policy changed" }));
    expect(revoked).toMatchObject({ status: "revoked", covered: 2, revokedBy: org.users.admin.email });
    expect(await stateOf(later.id)).toBe("open");
    expect((await eventsOf(later.id)).map((e) => e.type)).toEqual(["opened", "exception_revoked"]);
    expect(await as(org.users.admin, revokeException, { exceptionId: granted.id })).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringContaining("already revoked") } });
    expect(await as(other.users.admin, revokeException, { exceptionId: granted.id }, other)).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("a rule for one secret covers that rule's findings whose job reads the secret, in every repository", async () => {
    const a = await repo();
    const b = await repo();
    const granted = await ok(as<{ covered: number }>(org.users.admin, grantException, { scope: { rule: "phase-mixing", secret: "one_token" }, reason: "ONE_TOKEN is a read-only mirror token", expiresAt: inDays(10) }));
    expect(granted.covered).toBeGreaterThanOrEqual(2);
    for (const r of [a, b]) {
      expect(await stateOf((await r.of("phase-mixing", ONE)).id)).toBe("accepted");
      expect(await stateOf((await r.of("phase-mixing", TWO)).id)).toBe("open");
      expect(await stateOf((await r.of("id-token-unused", ONE)).id)).toBe("open");
    }
  });
});

describe("exception expiry", () => {
  it("records each passed expiry once, as Gatehouse (scheduler): the findings it covered regress, unless another exception still covers them", async () => {
    const r = await repo();
    const lone = await r.of("token-blanket");
    const twice = await r.of("checkout-persisted-credentials");
    const e1 = await ok(as<{ id: string }>(org.users.admin, grantException, { scope: { findingId: lone.id }, reason: "write-all until the split lands", expiresAt: inDays(3) }));
    const e2 = await ok(as<{ id: string }>(org.users.admin, grantException, { scope: { findingId: twice.id }, reason: "short exception, superseded", expiresAt: inDays(3) }));
    await ok(as(org.users.admin, grantException, { scope: { rule: "checkout-persisted-credentials", repo: r.name }, reason: "the repository's longer exception", expiresAt: inDays(60) }));
    // Time passes: both short exceptions' expiry is behind us.
    const past = (d: number) => new Date(Date.now() - d * 86_400_000);
    await handle.db.update(findingExceptions).set({ grantedAt: past(10), expiresAt: past(1) }).where(sql`${findingExceptions.id} in (${e1.id}::uuid, ${e2.id}::uuid)`);
    expect(await stateOf(lone.id)).toBe("open");

    const done = (await expireExceptions(handle)).filter((d) => d.orgId === org.id);
    expect(done).toEqual(expect.arrayContaining([{ orgId: org.id, exceptionId: e1.id, regressed: 1 }, { orgId: org.id, exceptionId: e2.id, regressed: 0 }]));
    expect(await stateOf(lone.id)).toBe("regressed");
    expect(await stateOf(twice.id)).toBe("accepted");
    expect((await eventsOf(lone.id)).at(-1)).toMatchObject({ type: "exception_expired", actor: "Gatehouse (scheduler)", data: { exception: { id: e1.id } } });
    expect((await eventsOf(twice.id)).map((e) => e.type)).not.toContain("exception_expired");
    expect(await auditOf("exception.expire", e1.id)).toMatchObject([{ outcome: "success", actorName: "Gatehouse (scheduler)", actorRole: "system", actorEmail: null, metadata: { covered: 1 } }]);

    // Once each: the next run (the scheduled job's handler) records nothing more.
    await jobHandlers(handle)["exception-expiry"]({});
    expect((await expireExceptions(handle)).filter((d) => d.orgId === org.id)).toEqual([]);
    expect((await eventsOf(lone.id)).filter((e) => e.type === "exception_expired")).toHaveLength(1);
    expect(await as(org.users.admin, revokeException, { exceptionId: e1.id })).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringContaining("expired") } });
    // Triaged after it regressed: acknowledged again.
    await ok(as(org.users.responder, triageFinding, { findingId: lone.id, state: "acknowledged", assignee: "@acme/platform" }));
    expect(await stateOf(lone.id)).toBe("acknowledged");
  });
});
