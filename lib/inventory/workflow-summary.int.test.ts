// The workflow row's summary columns and job_action rows: written by the snapshot writer for
// new snapshots, backfilled by migration 0005 for older ones. Both must say the same thing,
// or a list read after the upgrade would differ from one read after the next sync.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, ne, sql } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { uniqueSlug } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { jobActions, jobs, organizations, workflows } from "@/lib/db/schema";
import { createOrgFetcher } from "@/lib/github/fetch";
import { appClient, startSim } from "@/lib/github/test-sim";
import { dbEtagStore } from "@/lib/connections/etag-store";
import { createSyncRun } from "@/lib/connections/connection-repo";
import type { GithubSim } from "@/sim/github";
import { runSync } from "./sync-service";
import { listWorkflows } from "./workflows-repo";
import { WorkflowFiltersSchema } from "./workflows-schema";

let handle: DatabaseHandle;
let sim: GithubSim;
let orgId: string;

beforeAll(async () => {
  handle = await openTestDatabase();
  sim = await startSim();
  const [org] = await handle.db.insert(organizations).values({ slug: uniqueSlug("acme"), name: "acme" }).returning({ id: organizations.id });
  orgId = org!.id;
  const runId = await createSyncRun(handle.db, orgId, { scope: "org", trigger: "manual", requestedBy: null });
  await runSync(handle.db, createOrgFetcher({ client: appClient(sim, "acme"), org: "acme", etags: dbEtagStore(handle.db, orgId) }), { orgId, runId });
}, 60_000);
afterAll(async () => {
  await sim.close();
  await handle.close();
});

/** The backfill statements of migration 0005 (its UPDATEs and the job_action INSERT), comments stripped. */
function backfillStatements(): string[] {
  const text = readFileSync(path.join(process.cwd(), "db/migrations/0005_workflow-summary.sql"), "utf8");
  return text
    .split("--> statement-breakpoint")
    .map((s) =>
      s
        .split("\n")
        .filter((l) => !l.trim().startsWith("--"))
        .join("\n")
        .trim(),
    )
    .filter((s) => /^(UPDATE "workflow"|INSERT INTO "job_action")/.test(s));
}

async function summaries() {
  const rows = await handle.db
    .select({
      id: workflows.id,
      repoFullName: workflows.repoFullName,
      phase: workflows.phase,
      phases: workflows.phases,
      token: workflows.token,
      idToken: workflows.idToken,
      secretNames: workflows.secretNames,
      secretKeys: workflows.secretKeys,
      identities: workflows.identities,
      systems: workflows.systems,
      findingCounts: workflows.findingCounts,
      openFindings: workflows.openFindings,
      maxSeverity: workflows.maxSeverity,
    })
    .from(workflows)
    .where(eq(workflows.orgId, orgId));
  // Order inside the lists is presentation (JS sort vs SQL collation): compared as sets.
  const sorted = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();
  return new Map(
    rows.map((r) => [
      r.id,
      { ...r, phases: sorted(r.phases), secretNames: sorted(r.secretNames), secretKeys: sorted(r.secretKeys), identities: sorted(r.identities), systems: sorted(r.systems) },
    ]),
  );
}

async function actions() {
  const rows = await handle.db
    .select({ jobId: jobActions.jobId, action: jobActions.action, ref: jobActions.ref, kind: jobActions.kind })
    .from(jobActions)
    .innerJoin(jobs, eq(jobs.id, jobActions.jobId))
    .where(eq(jobs.orgId, orgId));
  return rows.map((r) => JSON.stringify(r)).sort();
}

describe("workflow summary", () => {
  it("the migration's backfill gives what the snapshot writer wrote", async () => {
    const statements = backfillStatements();
    expect(statements).toHaveLength(7);
    const written = await summaries();
    const writtenActions = await actions();
    expect([...written.values()].some((w) => w.openFindings > 0 && w.secretNames.length > 0 && w.token !== "none")).toBe(true);
    expect(writtenActions.length).toBeGreaterThan(50);

    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`update workflow set repo_full_name = '', phase = null, phases = '{}', token = 'none', id_token = false, secret_names = '{}', secret_keys = '{}',
        identities = '[]', systems = '[]', finding_counts = '{"critical":0,"high":0,"medium":0,"low":0,"info":0}', open_findings = 0, max_severity = 0`);
      await tx.execute(sql`delete from job_action`);
      for (const statement of statements) await tx.execute(sql.raw(statement));
    });
    // Migration 0005 ran when every row was a GitHub workflow; a Buildkite or Tekton row (written
    // since 0020) holds no GITHUB_TOKEN, which the writer says as token "none" and the old SQL
    // cannot know: those rows are left out of the comparison of the token only.
    const other = new Set((await handle.db.select({ id: workflows.id }).from(workflows).where(and(eq(workflows.orgId, orgId), ne(workflows.system, "github-actions")))).map((w) => w.id));
    expect(other.size).toBeGreaterThan(0);
    const backfilled = await summaries();
    for (const id of other) {
      expect(backfilled.get(id)?.token).toBe("default");
      backfilled.get(id)!.token = written.get(id)!.token;
    }
    expect(backfilled).toEqual(written);
    expect(await actions()).toEqual(writtenActions);
  });

  it("the list's cached total follows the org's sync runs", async () => {
    const view = WorkflowFiltersSchema.parse({ size: 25 });
    const before = (await listWorkflows(handle.db, orgId, view)).total;
    const [victim] = await handle.db.select({ id: workflows.id }).from(workflows).where(eq(workflows.orgId, orgId)).limit(1);
    await handle.db.delete(workflows).where(eq(workflows.id, victim!.id));
    // Rows change only inside sync runs: without one, the total is the cached one…
    expect((await listWorkflows(handle.db, orgId, view)).total).toBe(before);
    // …and as soon as a run's row moves, it is counted again.
    await createSyncRun(handle.db, orgId, { scope: "org", trigger: "manual", requestedBy: null });
    const after = await listWorkflows(handle.db, orgId, view);
    expect(after.total).toBe(before - 1);
    expect(after.rows.map((r) => r.id)).not.toContain(victim!.id);
  });
});
