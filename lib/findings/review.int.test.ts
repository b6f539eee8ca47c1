// The weekly review, as a lead runs it: after a baseline sign-off, a week happens on GitHub (the
// simulator) — two findings fixed, one back, three new, an exception expired — and after the
// sync the review shows exactly that. Then its sign-off freezes it, and the next review starts there.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import type { SessionUser } from "@/lib/authz/actor";
import { auditEvents, findingExceptions, findingReviews, findings, memberships, repositories } from "@/lib/db/schema";
import { executeUseCase, type AnyUseCase } from "@/lib/door/use-case";
import { APP_ID, appKeys, startSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import { connectedSimOrg, syncSimOrg } from "@/lib/testing/simulator-org";
import { createSession, createUser } from "@/lib/testing/fixtures";
import { seedOrgFacts, seedRepo } from "@/lib/testing/inventory";
import { defineRoute } from "@/lib/http/define-route";
import { reviewDetailRoute, reviewRoute } from "./findings-routes";
import { stopQueue } from "@/lib/jobs/queue";
import type { GithubSim } from "@/sim/github";
import { grantException } from "./exceptions-service";
import { expireExceptions } from "./exception-expiry";
import { signOffReview } from "./review-service";
import { computeReview, defaultSince, getReview, listReviews } from "./review-repo";
import { reviewCsv, reviewMarkdown } from "./review-report";
import type { ReviewDto, SignedReviewDto } from "./findings-dto";

// One finding each (unpinned-action, info): a file's finding is fixed by deleting the file.
const oneFinding = (name: string) => `name: ${name}
on: push
permissions:
  contents: read
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-node@v4
      - run: echo ${name}
`;
const wf = (name: string) => `.github/workflows/${name}.yml`;

let handle: DatabaseHandle;
let sim: GithubSim;
let org: { id: string; slug: string };
let admin: SessionUser;
let responder: SessionUser;

type Result<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; fields?: Record<string, string> } };
const as = <T,>(user: SessionUser, useCase: AnyUseCase, input: Record<string, unknown>) => executeUseCase(handle, user, useCase, { orgSlug: org.slug, ...input }, testMeta()) as Promise<Result<T>>;
const ok = async <T,>(p: Promise<Result<T>>): Promise<T> => {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data;
};
const sync = () => syncSimOrg(handle, org.id);
// GitHub's pushed_at has whole seconds, and a sync re-reads a repository's files only when it
// moved on: the simulator's clock steps two seconds ahead before each round of pushes.
let clockOffsetMs = 0;
const setFiles = async (files: Record<string, string | null>) => {
  clockOffsetMs += 2000;
  for (const [path, text] of Object.entries(files)) await sim.setFile("test-org", "tools", path, text);
};
/** The open finding of one of our files in tools. */
async function findingOf(name: string) {
  const [row] = await handle.db
    .select({ id: findings.id })
    .from(findings)
    .innerJoin(repositories, eq(repositories.id, findings.repoId))
    .where(and(eq(findings.orgId, org.id), eq(repositories.name, "tools"), eq(findings.path, wf(name))));
  return row!.id;
}
async function review(): Promise<ReviewDto> {
  const until = new Date();
  const d = await defaultSince(handle.db, org.id, until);
  return computeReview(handle.db, org.id, d.since, until, d.baseline);
}
const paths = (list: { repo: string; path: string }[]) => list.map((f) => `${f.repo}/${f.path}`).sort();

beforeAll(async () => {
  handle = await openTestDatabase();
  // Installation ids of this file's own (the shared database holds other files' connections).
  sim = await startSim({}, { app: { id: APP_ID, slug: "gatehouse", publicKeyPem: appKeys().publicKey, installations: { "test-org": { id: 780_001 } } }, now: () => Date.now() + clockOffsetMs });
  useSimulatorApp(sim);
  const connected = await connectedSimOrg(handle, sim, "test-org", "admin");
  org = { id: connected.id, slug: connected.slug };
  admin = connected.member;
  responder = await createUser(handle.db, `responder-${crypto.randomUUID()}@example.test`);
  await handle.db.insert(memberships).values({ orgId: org.id, email: responder.email, role: "responder" });
}, 120_000);
afterAll(async () => {
  await stopQueue();
  await sim.close();
  await handle.close();
});

describe("the scripted week", () => {
  let baseline: SignedReviewDto;
  let week: SignedReviewDto;

  it("before the baseline: findings to fix, one fixed already, one accepted until soon", async () => {
    await setFiles({ [wf("fix-one")]: oneFinding("fix-one"), [wf("fix-two")]: oneFinding("fix-two"), [wf("comes-back")]: oneFinding("comes-back"), [wf("accepted")]: oneFinding("accepted") });
    await sync();
    await setFiles({ [wf("comes-back")]: null });
    await sync();
    const accepted = await findingOf("accepted");
    await ok(as(admin, grantException, { scope: { findingId: accepted }, reason: "setup-node is vendored; pin lands with the CI rework", expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }));
    baseline = await ok(as<SignedReviewDto>(admin, signOffReview, { note: "Baseline: first review of test-org." }));
    expect(baseline).toMatchObject({ number: 1, signedOffBy: admin.email, baseline: null });
    expect(baseline.counts.expiring).toBe(1);
    // A first review looks back a week: everything synced this week is new to it.
    expect(baseline.counts.new).toBeGreaterThan(3);
    expect(paths(baseline.new)).toContain(`test-org/tools/${wf("fix-one")}`);
  });

  it("a week on GitHub: two fixed, one back, three new, the exception expired — the review shows exactly that", async () => {
    await setFiles({
      [wf("fix-one")]: null,
      [wf("fix-two")]: null,
      [wf("comes-back")]: oneFinding("comes-back"),
      [wf("new-a")]: oneFinding("new-a"),
      [wf("new-b")]: oneFinding("new-b"),
      [wf("new-c")]: oneFinding("new-c"),
    });
    // The exception's date passes (it could not be granted in the past), and the scheduled job runs.
    const past = (days: number) => new Date(Date.now() - days * 86_400_000);
    await handle.db.update(findingExceptions).set({ grantedAt: past(7), expiresAt: past(0.001) }).where(eq(findingExceptions.orgId, org.id));
    expect((await expireExceptions(handle)).filter((x) => x.orgId === org.id)).toEqual([expect.objectContaining({ regressed: 1 })]);
    await sync();

    const r = await review();
    expect(r.since).toBe(baseline.signedOffAt);
    expect(r.baseline).toMatchObject({ id: baseline.id, number: 1 });
    // The backlog: what the baseline saw open, less what the week fixed and the expired one (listed apart).
    const changed = new Set([...r.fixed, ...r.expired].map((f) => f.id));
    const backlog = [...baseline.new, ...baseline.regressed, ...baseline.open].filter((f) => !changed.has(f.id)).map((f) => f.id);
    expect(r.counts).toEqual({ new: 3, fixed: 2, regressed: 1, expired: 1, expiring: 0, open: backlog.length });
    expect(paths(r.new)).toEqual(["new-a", "new-b", "new-c"].map((n) => `test-org/tools/${wf(n)}`));
    expect(paths(r.fixed)).toEqual(["fix-one", "fix-two"].map((n) => `test-org/tools/${wf(n)}`));
    expect(paths(r.regressed)).toEqual([`test-org/tools/${wf("comes-back")}`]);
    expect(paths(r.expired)).toEqual([`test-org/tools/${wf("accepted")}`]);
    expect(r.expiring).toEqual([]);
    expect(r.open.map((f) => f.id).sort()).toEqual(backlog.sort());
    // Each as F: state and owner (tools belongs to ops by its custom property).
    expect(r.fixed.every((f) => f.state === "fixed")).toBe(true);
    expect(r.regressed[0]).toMatchObject({ state: "regressed", rule: "unpinned-action", severity: "info", owner: "@test-org/ops", line: expect.any(Number) });
    expect(r.expired[0]).toMatchObject({ state: "regressed" });
    expect(r.expired[0]!.exception).toMatchObject({ status: "expired", reason: "setup-node is vendored; pin lands with the CI rework", approvedBy: admin.email });
    const ops = r.byOwner.find((o) => o.owner === "@test-org/ops")!;
    expect(ops.counts).toMatchObject({ new: 3, fixed: 2, regressed: 1, expired: 1 });
  });

  it("a responder signs the week off: frozen as seen, the next review starts there, empty", async () => {
    week = await ok(as<SignedReviewDto>(responder, signOffReview, { note: "Two fixed by ops.\nsetup-node back: ticket OPS-88." }));
    expect(week).toMatchObject({ number: 2, since: baseline.signedOffAt, signedOffBy: responder.email, counts: { new: 3, fixed: 2, regressed: 1, expired: 1, expiring: 0 } });
    expect(await getReview(handle.db, org.id, week.id)).toEqual(week);
    expect((await listReviews(handle.db, org.id)).map((x) => x.number)).toEqual([2, 1]);
    const [audit] = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.orgId, org.id), eq(auditEvents.action, "review.sign_off"), eq(auditEvents.targetId, week.id)));
    expect(audit).toMatchObject({ actorEmail: responder.email, metadata: { number: 2, counts: { new: 3, fixed: 2 } } });
    const next = await review();
    expect(next.since).toBe(week.signedOffAt);
    expect(next.counts).toMatchObject({ new: 0, fixed: 0, regressed: 0, expired: 0, expiring: 0 });
    // Frozen: the database refuses to change a signed-off review.
    const err = await handle.db
      .execute(sql`update finding_review set note = 'edited' where id = ${week.id}`)
      .then(() => null)
      .catch((x: unknown) => x as Error & { cause?: Error });
    expect(`${err?.message ?? ""} ${err?.cause?.message ?? ""}`).toMatch(/finding_review is frozen once signed off|permission denied for table finding_review/);
    expect((await handle.db.select({ note: findingReviews.note }).from(findingReviews).where(eq(findingReviews.id, week.id)))[0]!.note).toBe(week.note);
  });

  it("the report reads as a review: Markdown with the note, counts and each list; CSV one row per finding", async () => {
    const md = reviewMarkdown(week, org.slug);
    expect(md).toContain(`# Weekly review of CI credentials — ${org.slug}, #2`);
    expect(md).toContain("> Two fixed by ops.\n> setup-node back: ticket OPS-88.");
    expect(md).toContain("- 3 new findings, 1 regression, 1 expired exception put back on someone's desk.");
    expect(md).toContain("## Fixed (2)");
    expect(md).toMatch(/## Regressed \(fixed before, back now\) \(1\)\n\n- \*\*info\*\* unpinned-action — test-org/);
    expect(md).toContain("| @test-org/ops | 3 | 1 | 1 |");
    expect(md).toContain("## Exceptions expiring within 14 days (0)\n\nNo exception expires in the next 14 days.");
    expect(md).toMatch(/accepted\.yml:9` \(job lint\): actions\/setup-node@v4 is not pinned to a commit SHA\. Owner @test-org\/ops\. Its exception \(.*: “setup-node is vendored; pin lands with the CI rework”\) expired \d{4}-\d\d-\d\d\./);
    const csv = reviewCsv(week).trim().split("\r\n");
    expect(csv[0]).toBe("list,severity,rule,repository,path,line,job,state,owner,assignee,exception_expires,exception_reason,message,finding_id");
    expect(csv).toHaveLength(1 + 3 + 2 + 1 + 1 + week.open.length);
    expect(csv.filter((l) => l.startsWith("new,"))).toHaveLength(3);
  });
});

describe("review input", () => {
  let other: TestOrg;
  beforeAll(async () => {
    other = await createTestOrg(handle.db);
  });

  it("without a sign-off a review looks back a week; a chosen since is used as given", async () => {
    const until = new Date();
    const d = await defaultSince(handle.db, other.id, until);
    expect(d.baseline).toBeNull();
    expect(until.getTime() - d.since.getTime()).toBe(7 * 86_400_000);
    const chosen = await ok(executeUseCase(handle, other.users.responder, signOffReview, { orgSlug: other.slug, note: "from the start of the month", since: "2026-11-01T00:00:00Z" }, testMeta()) as Promise<Result<SignedReviewDto>>);
    expect(chosen).toMatchObject({ since: "2026-11-01T00:00:00.000Z", number: 1, counts: { new: 0, open: 0 } });
  });

  it("a finding fixed in the period whose repository is gone since is listed as its last event saw it", async () => {
    const leaving = await createTestOrg(handle.db);
    await seedOrgFacts(handle.db, leaving);
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    const repo = { githubId: 9_432_001, name: "leaving" };
    await seedRepo(handle.db, leaving, { ...repo, files: { [wf("short-lived")]: oneFinding("short-lived") } }, daysAgo(3));
    await seedRepo(handle.db, leaving, { ...repo, files: {} }, daysAgo(1));
    const since = daysAgo(2);
    const [seen] = (await computeReview(handle.db, leaving.id, since, new Date(), null)).fixed;
    expect(seen).toMatchObject({ repo: `${leaving.slug}/leaving`, path: wf("short-lived"), state: "fixed", rule: "unpinned-action" });
    await handle.db.delete(repositories).where(eq(repositories.orgId, leaving.id));
    expect((await handle.db.select({ id: findings.id }).from(findings).where(eq(findings.orgId, leaving.id))).length).toBe(0);
    const after = await computeReview(handle.db, leaving.id, since, new Date(), null);
    expect(after.fixed).toEqual([{ ...seen, owner: null, assignee: null }]);
    expect(after.counts).toMatchObject({ new: 0, fixed: 1, regressed: 0, open: 0 });
  });

  it("refuses a note too short, a since in the future; another org's review is not found", async () => {
    const short = await executeUseCase(handle, other.users.admin, signOffReview, { orgSlug: other.slug, note: "ok" }, testMeta());
    expect(short).toMatchObject({ ok: false, error: { code: "invalid_input", fields: { note: expect.stringContaining("at least 3 characters") } } });
    const future = await executeUseCase(handle, other.users.admin, signOffReview, { orgSlug: other.slug, note: "looking ahead", since: new Date(Date.now() + 86_400_000).toISOString() }, testMeta());
    expect(future).toMatchObject({ ok: false, error: { code: "invalid_input", fields: { since: expect.stringContaining("in the past") } } });
    const [theirs] = await listReviews(handle.db, other.id);
    expect(await getReview(handle.db, org.id, theirs!.id)).toBeNull();
  });
});

describe("review routes", () => {
  const get = async (def: Parameters<typeof defineRoute>[0], user: SessionUser, params: Record<string, string>, query: Record<string, string> = {}) => {
    const token = await createSession(handle.db, user);
    const req = new Request(`http://localhost/api/test?${new URLSearchParams(query)}`, { headers: { cookie: `authjs.session-token=${token}` } });
    return defineRoute(def)(req, { params: Promise.resolve({ orgSlug: org.slug, ...params }) });
  };

  it("GET review answers the review since the last sign-off; a bad since is a 400 saying what to send", async () => {
    const res = await get(reviewRoute as never, responder, {});
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: ReviewDto };
    expect(body.data.baseline).toMatchObject({ number: 2 });
    const bad = await get(reviewRoute as never, responder, {}, { since: "last monday" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_input", fields: { since: expect.stringContaining("ISO 8601") } } });
  });

  it("GET reviews/{id} answers JSON, or the report as a file", async () => {
    const [latest] = await listReviews(handle.db, org.id);
    const json = await get(reviewDetailRoute as never, responder, { reviewId: latest!.id });
    expect(((await json.json()) as { data: SignedReviewDto }).data).toMatchObject({ id: latest!.id, number: latest!.number });
    const csv = await get(reviewDetailRoute as never, responder, { reviewId: latest!.id }, { format: "csv" });
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="gatehouse-${org.slug}-review-${latest!.number}.csv"`);
    expect((await csv.text()).startsWith("list,severity,rule,")).toBe(true);
    const missing = await get(reviewDetailRoute as never, responder, { reviewId: crypto.randomUUID() }, { format: "md" });
    expect(missing.status).toBe(404);
  });
});
