// The export route against a real database: a large export streams in several chunks and is
// the same file the export always wrote, each export is audited with who exported which view,
// and an organisation gets a bounded number of exports at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createSession, createTestOrg, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { auditEvents, repositories, workflows } from "@/lib/db/schema";
import { defineRoute } from "@/lib/http/define-route";
import { exportRoute } from "./export-routes";
import { exportsRunning, MAX_EXPORTS_PER_ORG } from "./export-stream";
import type { InventoryLine } from "./export-format";

const REPOS = 50;
const PER_REPO = 25; // 1,250 workflows: three keyset pages of 500

let handle: DatabaseHandle;
let org: TestOrg;
let token: string;
const expected: InventoryLine[] = [];

beforeAll(async () => {
  handle = await openTestDatabase();
  org = await createTestOrg(handle.db);
  token = await createSession(handle.db, org.users.viewer);
  for (let r = 0; r < REPOS; r++) {
    const name = `repo-${String(r).padStart(2, "0")}`;
    const fullName = `${org.slug}/${name}`;
    const [repo] = await handle.db
      .insert(repositories)
      .values({ orgId: org.id, githubId: 10_000 + r, name, fullName, visibility: "private", defaultBranch: "main" })
      .returning({ id: repositories.id });
    // Every tenth repository also has a Buildkite pipeline; `.buildkite/` sorts before `.github/`.
    const pipelines = r % 10 === 0 ? [buildkitePipeline(fullName, repo!.id)] : [];
    const rows = Array.from({ length: PER_REPO }, (_, w) => {
      const path = `.github/workflows/wf-${String(w).padStart(3, "0")}.yml`;
      const npm = w % 5 === 0;
      const secretNames = npm ? ["NPM_TOKEN"] : [];
      const identities = w % 7 === 0 ? [{ kind: "aws-role", id: `arn:aws:iam::1:role/r${r}`, oidc: true }] : [];
      const systems = npm ? [{ kind: "npm", id: null }] : [];
      const owner = w % 3 === 0 ? "@acme/platform" : null;
      expected.push({
        workflow: `${fullName}/${path}`,
        system: "github-actions",
        credentials: [...secretNames.map((s) => `secret ${s}`), ...identities.map((i) => `${i.kind} ${i.id} (OIDC)`)],
        systems: systems.map((s) => s.kind),
        owner: owner ?? "unowned",
      });
      return { orgId: org.id, repoId: repo!.id, path, repoFullName: fullName, secretNames, secretKeys: secretNames, identities, systems, owner };
    });
    await handle.db.insert(workflows).values([...pipelines, ...rows]);
  }
}, 120_000);
afterAll(async () => {
  await handle.close();
});

/** A Buildkite pipeline's row as the sync writes it (its steps hold no GITHUB_TOKEN), and its expected line. */
function buildkitePipeline(fullName: string, repoId: string) {
  const path = ".buildkite/pipeline.yml";
  expected.push({ workflow: `${fullName}/${path}`, system: "buildkite", credentials: ["secret NPM_TOKEN"], systems: ["npm"], owner: "unowned" });
  return { orgId: org.id, repoId, system: "buildkite" as const, path, repoFullName: fullName, token: "none" as const, secretNames: ["NPM_TOKEN"], secretKeys: ["NPM_TOKEN"], systems: [{ kind: "npm", id: null }] };
}

function exportRequest(query: Record<string, string>, as = token) {
  const req = new Request(`http://localhost/api/v1/orgs/${org.slug}/export?${new URLSearchParams(query).toString()}`, {
    headers: { cookie: `authjs.session-token=${as}`, "user-agent": "export-test" },
  });
  return defineRoute(exportRoute)(req, { params: Promise.resolve({ orgSlug: org.slug }) });
}

async function readChunks(res: Response): Promise<string[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const chunks: string[] = [];
  for (;;) {
    const r = await reader.read();
    if (r.done) return chunks;
    chunks.push(decoder.decode(r.value));
  }
}

describe("a large export", () => {
  it("is delivered in several chunks, one keyset page at a time, and is the JSON document the export always wrote", async () => {
    const res = await exportRequest({ format: "json" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const chunks = await readChunks(res);
    expect(chunks.length).toBeGreaterThanOrEqual(4); // head, 3 pages, tail
    const body = chunks.join("");
    const title = (JSON.parse(body) as { title: string }).title;
    expect(title).toMatch(new RegExp(`^Credential inventory of ${org.slug}, \\d{4}-\\d{2}-\\d{2}$`));
    expect(body).toBe(`${JSON.stringify({ title, lines: expected }, null, 2)}\n`);
    expect(exportsRunning(org.id)).toBe(0);
  });

  it("as CSV: the inventory header, then one row per workflow, in several chunks", async () => {
    const res = await exportRequest({ format: "csv" });
    expect(res.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="gatehouse-${org.slug}-inventory-\\d{4}-\\d{2}-\\d{2}\\.csv"$`));
    const chunks = await readChunks(res);
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    const rows = chunks.join("").split("\r\n");
    expect(rows[0]).toBe("Workflow,Secrets or identities,External systems,Rotation owner,CI system");
    expect(rows).toHaveLength(expected.length + 2);
    expect(rows[1]).toBe(`${org.slug}/repo-00/.buildkite/pipeline.yml,secret NPM_TOKEN,npm,unowned,buildkite`);
    expect(rows[2]).toBe(`${org.slug}/repo-00/.github/workflows/wf-000.yml,secret NPM_TOKEN; aws-role arn:aws:iam::1:role/r0 (OIDC),npm,'@acme/platform,github-actions`);
    expect(rows.filter((l) => l.endsWith(",buildkite"))).toHaveLength(REPOS / 10);
  });
});

describe("the audit of an export", () => {
  it("records who exported which view in which format, before the file is read", async () => {
    const res = await exportRequest({ format: "md", secret: "NPM_TOKEN", phase: "publish", sort: "findings" });
    const [event] = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.id), eq(auditEvents.action, "inventory.export"), eq(auditEvents.targetLabel, "md export")));
    expect(event).toMatchObject({
      outcome: "success",
      actorEmail: org.users.viewer.email,
      actorRole: "viewer",
      userAgent: "export-test",
      targetType: "inventory",
      metadata: { format: "md", filters: { secret: "NPM_TOKEN", phase: "publish" } },
    });
    await res.body!.cancel();
  });
});

describe("exports running at once", () => {
  it(`allows ${MAX_EXPORTS_PER_ORG} per organisation; the next is refused with 429 and a clear message until one ends`, async () => {
    const open = await Promise.all(Array.from({ length: MAX_EXPORTS_PER_ORG }, () => exportRequest({ format: "csv" })));
    expect(open.map((r) => r.status)).toEqual(open.map(() => 200));
    const refused = await exportRequest({ format: "csv" });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      ok: false,
      error: { code: "rate_limited", message: `${MAX_EXPORTS_PER_ORG} exports of ${org.slug} are already being downloaded; wait until one has finished, then export again.` },
    });
    // A client that goes away frees its slot; one read to the end frees the other.
    await open[0]!.body!.cancel();
    await readChunks(open[1]!);
    expect(exportsRunning(org.id)).toBe(0);
    const again = await exportRequest({ format: "csv" });
    expect(again.status).toBe(200);
    await readChunks(again);
  });
});
