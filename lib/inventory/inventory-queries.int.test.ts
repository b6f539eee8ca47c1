// The read side of the inventory against a synced acme: the workflows view, the blast
// radius and the export, with concrete facts from the demo fixtures.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { uniqueSlug } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { jobs, organizations, workflows } from "@/lib/db/schema";
import { createOrgFetcher } from "@/lib/github/fetch";
import { appClient, startSim } from "@/lib/github/test-sim";
import { dbEtagStore } from "@/lib/connections/etag-store";
import { createSyncRun } from "@/lib/connections/connection-repo";
import type { GithubSim } from "@/sim/github";
import { runSync } from "./sync-service";
import { listWorkflows, workflowConditions, workflowRowColumns } from "./workflows-repo";
import { WorkflowFiltersSchema } from "./workflows-schema";
import { computeBlastRadius } from "./blast-radius";
import { inventoryPages } from "./export";
import { exportEncoder, type InventoryLine } from "./export-format";
import { inventoryCounts, riskiestCredentials } from "./overview-repo";

let handle: DatabaseHandle;
let sim: GithubSim;
let orgId: string;
let otherOrgId: string;

beforeAll(async () => {
  handle = await openTestDatabase();
  sim = await startSim();
  const [org] = await handle.db.insert(organizations).values({ slug: uniqueSlug("acme"), name: "acme" }).returning({ id: organizations.id });
  const [other] = await handle.db.insert(organizations).values({ slug: uniqueSlug("other"), name: "other" }).returning({ id: organizations.id });
  orgId = org!.id;
  otherOrgId = other!.id;
  const runId = await createSyncRun(handle.db, orgId, { scope: "org", trigger: "manual", requestedBy: null });
  await runSync(handle.db, createOrgFetcher({ client: appClient(sim, "acme"), org: "acme", etags: dbEtagStore(handle.db, orgId) }), { orgId, runId });
}, 60_000);
afterAll(async () => {
  await sim.close();
  await handle.close();
});

const filters = (f: Record<string, unknown> = {}) => WorkflowFiltersSchema.parse(f);

describe("workflows view", () => {
  it("pages, sorts and counts in SQL", async () => {
    const all = await listWorkflows(handle.db, orgId, filters({ size: 25 }));
    expect(all.total).toBeGreaterThan(25);
    expect(all.rows).toHaveLength(25);
    const second = await listWorkflows(handle.db, orgId, filters({ size: 25, page: 2 }));
    expect(second.rows.map((r) => r.id)).not.toContain(all.rows[0]!.id);
    const repos = all.rows.map((r) => r.repository);
    expect(repos).toEqual([...repos].sort());
    const byFindings = await listWorkflows(handle.db, orgId, filters({ sort: "findings", dir: "desc" }));
    const totals = byFindings.rows.map((r) => Object.values(r.findings).reduce((a, b) => a + b, 0));
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
  });

  it("filters by secret, phase and untrusted trigger", async () => {
    const npm = await listWorkflows(handle.db, orgId, filters({ secret: "npm_token" }));
    expect(npm.rows.map((r) => `${r.repository}/${r.path}`).sort()).toEqual([
      "acme/design-system/.github/workflows/pr.yml",
      "acme/design-system/.github/workflows/release.yml",
      "acme/sdk-js/.github/workflows/publish.yml",
    ]);
    expect(npm.rows.every((r) => r.secrets.includes("NPM_TOKEN"))).toBe(true);
    const deploy = await listWorkflows(handle.db, orgId, filters({ phase: "deploy" }));
    expect(deploy.rows.length).toBeGreaterThan(0);
    expect(deploy.rows.every((r) => r.phase === "deploy")).toBe(true);
    const untrusted = await listWorkflows(handle.db, orgId, filters({ untrusted: "1" }));
    expect(untrusted.rows.every((r) => r.untrustedTriggers.length > 0)).toBe(true);
  });

  it("searches repository, path and name (case-insensitive, % and _ literal) and filters by severity", async () => {
    const q = await listWorkflows(handle.db, orgId, filters({ q: "DESIGN-sys" }));
    expect(q.total).toBeGreaterThan(0);
    expect(q.rows.every((r) => r.repository === "acme/design-system")).toBe(true);
    const byPath = await listWorkflows(handle.db, orgId, filters({ q: "release.yml" }));
    expect(byPath.rows.map((r) => `${r.repository}/${r.path}`)).toContain("acme/design-system/.github/workflows/release.yml");
    expect((await listWorkflows(handle.db, orgId, filters({ q: "%" }))).total).toBe(0);
    const high = await listWorkflows(handle.db, orgId, filters({ severity: "high", size: 100 }));
    expect(high.total).toBeGreaterThan(0);
    expect(high.rows.every((r) => r.findings.critical + r.findings.high > 0)).toBe(true);
    const all = await listWorkflows(handle.db, orgId, filters({ size: 100 }));
    expect(high.total).toBe(all.rows.filter((r) => r.findings.critical + r.findings.high > 0).length);
  });

  it("answers the rows the row columns describe (built as JSON by PostgreSQL), in the page's order", async () => {
    const page = await listWorkflows(handle.db, orgId, filters({ sort: "findings", dir: "desc", size: 25, page: 2 }));
    expect(page.rows.length).toBeGreaterThan(0);
    const direct = await handle.db
      .select(workflowRowColumns(orgId))
      .from(workflows)
      .where(inArray(workflows.id, page.rows.map((r) => r.id)));
    const byId = new Map(direct.map((r) => [r.id, r]));
    expect(page.rows).toEqual(page.rows.map((r) => byId.get(r.id)));
  });

  it("answers every combination of filters (one prepared statement per shape) as the filters' own conditions do", async () => {
    const options = { q: "release", secret: "NPM_TOKEN", phase: "publish", trigger: "push", untrusted: "1", severity: "medium" } as const;
    const keys = Object.keys(options) as (keyof typeof options)[];
    let nonEmpty = 0;
    for (let mask = 0; mask < 1 << keys.length; mask++) {
      const set = Object.fromEntries(keys.filter((_, i) => mask & (1 << i)).map((k) => [k, options[k]]));
      for (const dir of ["asc", "desc"] as const) {
        const f = filters({ ...set, sort: "findings", dir, size: 100 });
        const page = await listWorkflows(handle.db, orgId, f);
        const direct = await handle.db.select({ id: workflows.id }).from(workflows).where(and(...workflowConditions(orgId, f)));
        expect(page.rows.map((r) => r.id).sort(), JSON.stringify(set)).toEqual(direct.map((r) => r.id).sort());
        expect(page.total).toBe(direct.length);
        if (direct.length > 0) nonEmpty++;
      }
    }
    expect(nonEmpty).toBeGreaterThan(10);
  });

  it("every sort pages through all workflows exactly once", async () => {
    const all = await listWorkflows(handle.db, orgId, filters({ size: 100 }));
    for (const sort of ["repository", "workflow", "findings", "secrets"] as const) {
      for (const dir of ["asc", "desc"] as const) {
        const seen: string[] = [];
        for (let page = 1; seen.length < all.total; page++) seen.push(...(await listWorkflows(handle.db, orgId, filters({ sort, dir, size: 25, page }))).rows.map((r) => r.id));
        expect(new Set(seen).size, `${sort} ${dir}`).toBe(all.total);
      }
    }
  });

  it("another organisation sees none of it", async () => {
    expect((await listWorkflows(handle.db, otherOrgId, filters())).total).toBe(0);
  });
});

describe("blast radius", () => {
  it("of a secret: the jobs using it, what they publish, who rotates it", async () => {
    const r = await computeBlastRadius(handle.db, orgId, { type: "secret", id: "NPM_TOKEN" });
    expect(new Set(r.jobs.map((j) => j.repository))).toEqual(new Set(["acme/design-system", "acme/sdk-js"]));
    expect(r.systems.some((s) => s.kind === "npm" && s.capability === "publish")).toBe(true);
    const cred = r.credentials.filter((c) => c.label === "NPM_TOKEN");
    expect(cred.length).toBeGreaterThan(0);
    expect(cred.some((c) => c.owners.some((o) => o.startsWith("@acme/")))).toBe(true);
    // acme is small: nothing is left out of the lists.
    expect([r.jobs.length, r.credentials.length, r.systems.length]).toEqual([r.jobsTotal, r.credentialsTotal, r.systemsTotal]);
    expect(r.rotation.some((o) => o.credentials.includes("NPM_TOKEN"))).toBe(true);
  });

  it("of an action reference, with and without a ref", async () => {
    const any = await computeBlastRadius(handle.db, orgId, { type: "action", id: "aws-actions/configure-aws-credentials" });
    expect(any.jobs.length).toBeGreaterThanOrEqual(5);
    expect(any.systems.some((s) => s.kind === "aws-account")).toBe(true);
    const none = await computeBlastRadius(handle.db, orgId, { type: "action", id: "aws-actions/configure-aws-credentials@v0.0.0" });
    expect(none.jobs).toEqual([]);
    // Owner and repository names are case-insensitive on GitHub; a ref is not.
    const upper = await computeBlastRadius(handle.db, orgId, { type: "action", id: "AWS-Actions/Configure-AWS-Credentials" });
    expect(upper.jobs.map((j) => j.id).sort()).toEqual(any.jobs.map((j) => j.id).sort());
    const [{ uses } = { uses: "" }] = (await handle.db.select({ uses: jobs.uses }).from(jobs).where(eq(jobs.orgId, orgId))).flatMap((j) => j.uses.filter((u) => u.uses.startsWith("aws-actions/configure-aws-credentials@")));
    const exact = await computeBlastRadius(handle.db, orgId, { type: "action", id: uses });
    expect(exact.jobs.length).toBeGreaterThan(0);
    expect(exact.jobs.length).toBeLessThanOrEqual(any.jobs.length);
  });

  it("of a workflow of another organisation is empty", async () => {
    // A workflow with at least one job (some acme workflows have none that parse).
    const [wf] = await handle.db.select({ id: jobs.workflowId }).from(jobs).where(eq(jobs.orgId, orgId)).limit(1);
    expect((await computeBlastRadius(handle.db, otherOrgId, { type: "workflow", id: wf!.id })).jobs).toEqual([]);
    expect((await computeBlastRadius(handle.db, orgId, { type: "workflow", id: wf!.id })).jobs.length).toBeGreaterThan(0);
  });
});

describe("export and overview", () => {
  it("exports the filtered view as CSV with safe cells, and as Markdown", async () => {
    const lines: InventoryLine[] = [];
    for await (const page of inventoryPages(handle.db, orgId, { secret: "NPM_TOKEN" })) lines.push(...page);
    expect(lines).toHaveLength(3);
    const csvOf = (l: InventoryLine[]) => {
      const e = exportEncoder("csv", "t");
      return e.head() + e.page(l, true) + e.tail(l.length > 0);
    };
    const csv = csvOf(lines).split("\r\n");
    expect(csv[0]).toBe("Workflow,Secrets or identities,External systems,Rotation owner,CI system");
    expect(csv.filter(Boolean)).toHaveLength(4);
    const md = exportEncoder("md", "T").page([{ workflow: "a|b", system: "github-actions", credentials: ["=cmd"], systems: [], owner: "x" }], true);
    expect(md).toContain("| a\\|b | =cmd | — | x | github-actions |");
    expect(csvOf([{ workflow: "w", system: "github-actions", credentials: ["=HYPERLINK()"], systems: [], owner: "o" }])).toContain("'=HYPERLINK()");
  });

  it("counts the inventory and ranks credentials that reach deploy or publish first", async () => {
    const counts = await inventoryCounts(handle.db, orgId);
    expect(counts.repositories).toBe(25);
    expect(counts.jobs).toBeGreaterThan(counts.workflows);
    const risky = await riskiestCredentials(handle.db, orgId, 10);
    expect(risky.length).toBe(10);
    expect(risky[0]!.reach).not.toBe("read");
    expect(risky.map((r) => r.score)).toEqual([...risky.map((r) => r.score)].sort((a, b) => b - a));
  });
});
