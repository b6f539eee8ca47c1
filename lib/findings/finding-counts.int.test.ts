// finding_file_count, the open findings per file and severity a review counts its backlog from,
// and each finding's workflow and its owner: after every sync, triage and exception, what is
// stored equals a recount from scratch (the invariants in lib/db/schema/findings.ts), and the
// backlog counted from them (per owner, hand-set owners applied, less what a review lists
// elsewhere) and its worst findings equal what reading every open finding gives.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, isNull, sql } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import { seedOrgFacts, seedRepo } from "@/lib/testing/inventory";
import { findingWorkflow as workflow } from "@/lib/testing/findings";
import type { DatabaseHandle } from "@/lib/db/types";
import { findingExceptions, findings, repositories } from "@/lib/db/schema";
import { rowsOf } from "@/lib/db/migrate";
import { executeUseCase, type AnyUseCase } from "@/lib/door/use-case";
import type { SessionUser } from "@/lib/authz/actor";
import { upsertOverride } from "@/lib/inventory/owners-repo";
import { triageFinding } from "./findings-service";
import { grantException, revokeException } from "./exceptions-service";
import { expireExceptions } from "./exception-expiry";
import { findingRows, openBacklog } from "./findings-repo";
import { severityRank } from "./state";

const ONE = ".github/workflows/one.yml";
const TWO = ".github/workflows/two.yml";
const CODEOWNERS = ".github/CODEOWNERS";

let handle: DatabaseHandle;
let org: TestOrg;
let other: TestOrg;

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

type Result = { ok: true; data: Record<string, unknown> } | { ok: false; error: { message: string } };
async function as(user: SessionUser, useCase: AnyUseCase, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = (await executeUseCase(handle, user, useCase, { orgSlug: org.slug, ...input }, testMeta())) as Result;
  if (!r.ok) throw new Error(r.error.message);
  return r.data;
}

const files = (paths: string[], owners = true) => ({
  ...Object.fromEntries(paths.map((p) => [p, workflow(p.includes("one") ? "ONE_TOKEN" : "TWO_TOKEN")])),
  ...(owners ? { [CODEOWNERS]: `* @${org.slug}/platform\n${TWO} @${org.slug}/ci\n` } : {}),
});
const sync = (target: TestOrg, githubId: number, paths: string[], owners = true) => seedRepo(handle.db, target, { githubId, name: `r${githubId}`, files: files(paths, owners) });
const repoId = async (githubId: number) =>
  (await handle.db.select({ id: repositories.id }).from(repositories).where(and(eq(repositories.orgId, org.id), eq(repositories.githubId, githubId))))[0]!.id;

type Count = { repo_id: string; path: string; severity: string; open: number; workflow_owner: string | null; repo_owner: string | null };
const order = (rows: Count[]) => rows.map((r) => ({ ...r, open: Number(r.open) })).sort((a, b) => `${a.repo_id}${a.path}${a.severity}`.localeCompare(`${b.repo_id}${b.path}${b.severity}`));

/** The invariant: what is stored equals a recount of the open findings, for both orgs. */
async function expectCountsHold(): Promise<void> {
  const stored = rowsOf<Count>(await handle.db.execute(sql`select repo_id, path, severity, open, workflow_owner, repo_owner from finding_file_count where org_id in (${org.id}, ${other.id})`));
  const recount = rowsOf<Count>(
    await handle.db.execute(sql`select f.repo_id, f.path, f.severity, count(*)::int as open, w.owner as workflow_owner, r.owner as repo_owner
      from finding f join repository r on r.id = f.repo_id left join workflow w on w.repo_id = f.repo_id and w.path = f.path
      where f.org_id in (${org.id}, ${other.id}) and f.fixed_at is null
      group by f.repo_id, f.path, f.severity, w.owner, r.owner`),
  );
  expect(recount.length).toBeGreaterThan(0);
  expect(order(stored)).toEqual(order(recount));
  // Every finding, open or fixed, carries its workflow and that workflow's derived owner.
  const drift = rowsOf<{ id: string }>(
    await handle.db.execute(sql`select f.id from finding f left join workflow w on w.repo_id = f.repo_id and w.path = f.path
      where f.org_id in (${org.id}, ${other.id}) and (f.workflow_id is distinct from w.id or f.workflow_owner is distinct from w.owner)`),
  );
  expect(drift).toEqual([]);
}

/** The backlog from the counts equals the backlog from reading every open finding. */
async function expectBacklogAsRead(exclude: string[], limit: number): Promise<Map<string | null, number>> {
  const open = await findingRows(handle.db, org.id, isNull(findings.fixedAt));
  const kept = open.filter((f) => !exclude.includes(f.id));
  const byOwner = new Map<string | null, number>();
  for (const f of kept) byOwner.set(f.owner, (byOwner.get(f.owner) ?? 0) + 1);
  // Half the excluded ones as read by the caller (owner and severity known), half by id only.
  const known = open.filter((f) => exclude.includes(f.id)).filter((_, i) => i % 2 === 0);
  const backlog = await openBacklog(handle.db, org.id, { known, ids: exclude }, limit);
  expect(backlog.total).toBe(kept.length);
  expect(backlog.byOwner).toEqual(byOwner);
  const key = (f: { severity: string; repo: string; path: string; line: number }) => [severityRank(f.severity), f.repo, f.path, f.line];
  // Worst first as the database sorts (severity, repository, path, line): compare the keys, ties being equal.
  const cmp = (a: (string | number)[], b: (string | number)[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return typeof a[i] === "number" ? (a[i] as number) - (b[i] as number) : String(a[i]) < String(b[i]) ? -1 : 1;
    return 0;
  };
  const worst = kept.map(key).sort(cmp);
  expect(backlog.top.map(key).sort(cmp)).toEqual(worst.slice(0, limit));
  return backlog.byOwner;
}

describe("open-finding counts per file", () => {
  it("hold after syncs, triage, exceptions granted, revoked and expired; the backlog counted from them is the backlog read", async () => {
    await sync(org, 9_430_001, [ONE, TWO]);
    await sync(org, 9_430_002, [ONE], false);
    await sync(other, 9_430_003, [ONE, TWO]);
    await expectCountsHold();

    // A file's findings fixed (its file deleted), then back (regressed): recounted each time.
    await sync(org, 9_430_001, [ONE]);
    await expectCountsHold();
    await sync(org, 9_430_001, [ONE, TWO]);
    await expectCountsHold();

    // CODEOWNERS gone, then back: the workflows' derived owners change, and so do their findings'.
    const a = await repoId(9_430_001);
    const ownersOf = async () =>
      new Set((await handle.db.selectDistinct({ owner: findings.workflowOwner }).from(findings).where(and(eq(findings.repoId, a), eq(findings.path, TWO)))).map((r) => r.owner));
    expect(await ownersOf()).toEqual(new Set([`@${org.slug}/ci`]));
    await sync(org, 9_430_001, [ONE, TWO], false);
    await expectCountsHold();
    expect(await ownersOf()).not.toContain(`@${org.slug}/ci`);
    await sync(org, 9_430_001, [ONE, TWO]);
    await expectCountsHold();

    // People's decisions change no count.
    const [f] = await handle.db.select().from(findings).where(and(eq(findings.repoId, a), eq(findings.path, ONE), isNull(findings.fixedAt))).limit(1);
    await as(org.users.responder, triageFinding, { findingId: f!.id, state: "acknowledged", assignee: org.users.admin.email, note: "On it this week." });
    await expectCountsHold();
    const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
    const granted = await as(org.users.admin, grantException, { scope: { rule: f!.rule, repo: `${org.slug}/r9430001` }, reason: "Accepted while the job is split.", expiresAt: inDays(30) });
    await expectCountsHold();
    await as(org.users.admin, revokeException, { exceptionId: granted.id, reason: "The split is done now." });
    await expectCountsHold();
    const lapsing = await as(org.users.admin, grantException, { scope: { findingId: f!.id }, reason: "Accepted for a few days only.", expiresAt: inDays(2) });
    await handle.db.update(findingExceptions).set({ grantedAt: new Date(Date.now() - 5 * 86_400_000), expiresAt: new Date(Date.now() - 60_000) }).where(eq(findingExceptions.id, lapsing.id as string));
    await expireExceptions(handle);
    await expectCountsHold();

    // The backlog: derived owners (CODEOWNERS), hand-set ones on a repository and on a workflow.
    const open = await findingRows(handle.db, org.id, isNull(findings.fixedAt));
    expect(open.length).toBeGreaterThan(4);
    const derived = await expectBacklogAsRead([], 500);
    expect([...derived.keys()]).toEqual(expect.arrayContaining([`@${org.slug}/platform`, `@${org.slug}/ci`]));
    await upsertOverride(handle.db, org.id, "repository", "9430002", `@${org.slug}/web`, org.users.admin.email, new Date());
    await upsertOverride(handle.db, org.id, "workflow", `9430001:${ONE}`, `@${org.slug}/release`, org.users.admin.email, new Date());
    const owned = await expectBacklogAsRead(open.slice(0, 3).map((x) => x.id), 500);
    expect([...owned.keys()]).toEqual(expect.arrayContaining([`@${org.slug}/web`, `@${org.slug}/release`, `@${org.slug}/ci`]));
    // The worst few: chosen among the worst severities only, the same as from every open finding.
    for (const limit of [1, 2, 3, open.length - 1]) await expectBacklogAsRead(open.slice(1, 4).map((x) => x.id), limit);
  });
});
