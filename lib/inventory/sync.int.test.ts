// Sync against the GitHub simulator and a real database: the inventory it builds, what a
// re-sync costs, a changed workflow touching only its repository, and failures that keep
// the previous snapshot.
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, isNull } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { uniqueSlug } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { findingEvents, findings, jobIdentities, jobSecrets, jobs, organizations, repositories, syncRuns, workflows } from "@/lib/db/schema";
import { createOrgFetcher } from "@/lib/github/fetch";
import { appClient, startSim } from "@/lib/github/test-sim";
import { DEFAULT_INSTALLATION_PERMISSIONS } from "@/sim/github";
import type { GithubSim } from "@/sim/github";
import { dbEtagStore } from "@/lib/connections/etag-store";
import { createSyncRun } from "@/lib/connections/connection-repo";
import { runSync } from "./sync-service";
import { listIdentities } from "./identities-repo";
import { IdentityFiltersSchema } from "./credentials-schema";

let handle: DatabaseHandle;
let sim: GithubSim;

beforeAll(async () => {
  handle = await openTestDatabase();
  sim = await startSim();
});
afterAll(async () => {
  await sim.close();
  await handle.close();
});

/** A Gatehouse org bound to a GitHub org of the simulator, and a function that syncs it. */
async function connectedOrg(login: string, clientFor: (login: string) => ReturnType<typeof appClient> = (l) => appClient(sim, l)) {
  const [org] = await handle.db.insert(organizations).values({ slug: uniqueSlug(login), name: login }).returning({ id: organizations.id });
  const orgId = org!.id;
  const sync = async (opts: { repoIds?: number[]; forceFilesFor?: number[] } = {}) => {
    const runId = await createSyncRun(handle.db, orgId, { scope: opts.repoIds ? "repo" : "org", trigger: "manual", requestedBy: "test@example.test" });
    const fetcher = createOrgFetcher({ client: clientFor(login), org: login, etags: dbEtagStore(handle.db, orgId) });
    await runSync(handle.db, fetcher, { orgId, runId, ...opts });
    const [run] = await handle.db.select().from(syncRuns).where(eq(syncRuns.id, runId));
    return run!;
  };
  return { orgId, sync };
}

describe("sync of the acme demo org", () => {
  let acme: Awaited<ReturnType<typeof connectedOrg>>;
  let first: Awaited<ReturnType<Awaited<ReturnType<typeof connectedOrg>>["sync"]>>;

  beforeAll(async () => {
    acme = await connectedOrg("acme");
    first = await acme.sync();
  }, 60_000);

  it("syncs every repository and records what it cost", async () => {
    expect(first).toMatchObject({ status: "succeeded", reposFailed: 0 });
    expect(first.reposTotal).toBe(25);
    expect(first.reposDone).toBe(25);
    expect(first.charged).toBeGreaterThan(0);
    expect(first.graphqlPoints).toBeGreaterThan(0);
    const repos = await handle.db.select().from(repositories).where(eq(repositories.orgId, acme.orgId));
    expect(repos).toHaveLength(25);
    expect(repos.every((r) => r.syncedAt && !r.staleReason)).toBe(true);
  });

  it("resolves secret references to the secret each job really gets", async () => {
    const refs = await handle.db
      .select({ name: jobSecrets.secretName, resolution: jobSecrets.resolution, secretId: jobSecrets.secretId })
      .from(jobSecrets)
      .where(eq(jobSecrets.orgId, acme.orgId));
    expect(refs.length).toBeGreaterThan(20);
    const resolutions = new Set(refs.map((r) => r.resolution));
    for (const kind of ["repo", "org", "environment", "missing", "github-token"]) expect(resolutions).toContain(kind);
    // A resolved reference points at a secret row; a missing one points at nothing.
    expect(refs.filter((r) => ["repo", "org", "environment"].includes(r.resolution)).every((r) => r.secretId !== null)).toBe(true);
    expect(refs.filter((r) => r.resolution === "missing").every((r) => r.secretId === null)).toBe(true);
  });

  it("records identities, owners and findings", async () => {
    const ids = await handle.db.select().from(jobIdentities).where(eq(jobIdentities.orgId, acme.orgId));
    expect(ids.some((i) => i.kind === "aws-role" && i.oidc)).toBe(true);
    const wfs = await handle.db.select().from(workflows).where(eq(workflows.orgId, acme.orgId));
    expect(wfs.some((w) => w.ownerSource === "codeowners")).toBe(true);
    const open = await handle.db.select().from(findings).where(and(eq(findings.orgId, acme.orgId), isNull(findings.fixedAt)));
    expect(new Set(open.map((f) => f.rule)).size).toBeGreaterThan(10);
  });

  it("reads Buildkite and Tekton pipelines beside the workflows, their secrets held by their systems", async () => {
    const rows = await handle.db
      .select({ id: workflows.id, system: workflows.system, path: workflows.path, repo: workflows.repoFullName, parseError: workflows.parseError, secrets: workflows.secretNames, owner: workflows.owner, token: workflows.token })
      .from(workflows)
      .where(eq(workflows.orgId, acme.orgId));
    const other = rows.filter((w) => w.system !== "github-actions").map((w) => `${w.system} ${w.repo}/${w.path}`).sort();
    expect(other).toEqual([
      "buildkite acme/mobile-app/.buildkite/pipeline.yml",
      "buildkite acme/payments-service/.buildkite/pipeline.yml",
      "tekton acme/k8s-platform/.tekton/pull-request.yaml",
      "tekton acme/k8s-platform/.tekton/push.yaml",
    ]);
    expect(rows.filter((w) => w.system !== "github-actions").every((w) => w.parseError === null && w.owner !== null)).toBe(true);
    // Their jobs get no GITHUB_TOKEN (the analysers' githubToken: false, through the worker pool).
    expect(new Set(rows.filter((w) => w.system !== "github-actions").map((w) => w.token))).toEqual(new Set(["none"]));
    const payments = rows.find((w) => w.path === ".buildkite/pipeline.yml" && w.repo === "acme/payments-service")!;
    expect(payments.secrets).toEqual(expect.arrayContaining(["PAYMENTS_DEPLOY_TOKEN", "SONAR_TOKEN"]));
    const refs = await handle.db
      .select({ name: jobSecrets.secretName, resolution: jobSecrets.resolution, secretId: jobSecrets.secretId })
      .from(jobSecrets)
      .innerJoin(jobs, eq(jobs.id, jobSecrets.jobId))
      .where(and(eq(jobSecrets.orgId, acme.orgId), eq(jobs.workflowId, payments.id)));
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.every((r) => r.resolution === "external" && r.secretId === null)).toBe(true);
    const sa = await handle.db.select().from(jobIdentities).where(and(eq(jobIdentities.orgId, acme.orgId), eq(jobIdentities.kind, "k8s-service-account")));
    expect(new Set(sa.map((i) => i.identifier))).toEqual(new Set(["pipeline-deployer"]));
    // A Kubernetes account is not a static credential: the identities' "static" filter leaves it out.
    const statics = await listIdentities(handle.db, acme.orgId, IdentityFiltersSchema.parse({ auth: "static", size: 100 }));
    expect(statics.rows.some((r) => r.kind === "k8s-service-account")).toBe(false);
    expect((await listIdentities(handle.db, acme.orgId, IdentityFiltersSchema.parse({ kind: "k8s-service-account", size: 100 }))).rows.map((r) => r.identifier)).toEqual(["pipeline-deployer"]);
    const rules = new Set((await handle.db.select({ rule: findings.rule }).from(findings).where(and(eq(findings.orgId, acme.orgId), isNull(findings.fixedAt)))).map((f) => f.rule));
    for (const rule of ["buildkite-secrets-untrusted-step", "buildkite-pipeline-upload-untrusted", "buildkite-oidc-long-lifetime", "tekton-pr-service-account", "tekton-unpinned-reference"]) expect(rules).toContain(rule);
  });

  it("an unchanged re-sync costs almost nothing and changes nothing", async () => {
    const before = await handle.db.select({ id: findings.id, fp: findings.fingerprint, rule: findings.rule, message: findings.message, path: findings.path }).from(findings).where(and(eq(findings.orgId, acme.orgId), isNull(findings.fixedAt)));
    const again = await acme.sync();
    expect(again.status).toBe("succeeded");
    expect(again.charged / again.reposTotal).toBeLessThanOrEqual(0.1);
    expect(again.notModified).toBeGreaterThan(0);
    const after = await handle.db.select({ id: findings.id, fp: findings.fingerprint, rule: findings.rule, message: findings.message, path: findings.path }).from(findings).where(and(eq(findings.orgId, acme.orgId), isNull(findings.fixedAt)));
    const gone = before.filter((b) => !after.some((a) => a.fp === b.fp));
    const added = after.filter((a) => !before.some((b) => b.fp === a.fp));
    expect({ gone, added }).toEqual({ gone: [], added: [] });
    expect(after.map((f) => f.id).sort()).toEqual(before.map((f) => f.id).sort());
  });

  it("a changed workflow re-syncs only its repository; its fixed finding is marked fixed", async () => {
    const [finding] = await handle.db.select().from(findings).where(and(eq(findings.orgId, acme.orgId), isNull(findings.fixedAt), eq(findings.rule, "unpinned-action")));
    const web = (await handle.db.select().from(repositories).where(eq(repositories.id, finding!.repoId)))[0]!;
    const api = (await handle.db.select().from(repositories).where(and(eq(repositories.orgId, acme.orgId), eq(repositories.name, web.name === "api" ? "web" : "api"))))[0]!;
    const wf = { path: finding!.path };
    await sim.setFile("acme", web.name, wf.path, "name: ci\non: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n");
    const run = await acme.sync({ repoIds: [web.githubId], forceFilesFor: [web.githubId] });
    expect(run).toMatchObject({ status: "succeeded", reposTotal: 1 });
    const reload = async (id: string) => (await handle.db.select().from(repositories).where(eq(repositories.id, id)))[0]!;
    const webAfter = await reload(web.id);
    const apiAfter = await reload(api.id);
    expect(webAfter.syncedAt!.getTime()).toBeGreaterThan(web.syncedAt!.getTime());
    expect(apiAfter.syncedAt!.getTime()).toBe(api.syncedAt!.getTime());
    const fixed = await handle.db.select().from(findings).where(and(eq(findings.repoId, web.id), eq(findings.path, wf.path)));
    expect(fixed.length).toBeGreaterThan(0);
    expect(fixed.every((f) => f.fixedAt !== null)).toBe(true);
    // Its history says which sync saw it go.
    const history = await handle.db.select().from(findingEvents).where(and(eq(findingEvents.orgId, acme.orgId), eq(findingEvents.findingId, finding!.id)));
    expect(history.map((e) => ({ type: e.type, run: e.syncRunId }))).toEqual([
      { type: "opened", run: first.id },
      { type: "fixed", run: run.id },
    ]);
    const newJobs = await handle.db.select().from(jobs).where(eq(jobs.repoId, web.id));
    expect(newJobs.some((j) => j.jobKey === "test" && j.permissionsSource === "workflow")).toBe(true);
  });
});

describe("failures keep the previous snapshot", () => {
  it("credentials GitHub rejects fail the sync with a clear reason and lose nothing", async () => {
    let rejected = false;
    const wrongKey = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;
    const org = await connectedOrg("test-org", (l) => (rejected ? appClient(sim, l, { privateKey: wrongKey }) : appClient(sim, l)));
    expect((await org.sync()).status).toBe("succeeded");
    const before = await handle.db.select().from(jobs).where(eq(jobs.orgId, org.orgId));
    rejected = true;
    const run = await org.sync();
    expect(run.status).toBe("failed");
    expect(run.message).toBeTruthy();
    const after = await handle.db.select().from(jobs).where(eq(jobs.orgId, org.orgId));
    expect(after.map((j) => j.id).sort()).toEqual(before.map((j) => j.id).sort());
  });

  it("injected 5xx and secondary rate limits are retried and the sync completes", async () => {
    const org = await connectedOrg("test-org");
    // Aimed at repository REST calls, so they land on requests the fetch layer counts.
    sim.injectFault({ kind: "server-error", count: 3, match: "/actions/secrets" });
    sim.injectFault({ kind: "secondary-rate-limit", count: 2, match: "/actions/variables" });
    const run = await org.sync();
    expect(run).toMatchObject({ status: "succeeded", errors: [] });
    expect(run.retries).toBeGreaterThan(0);
    const repos = await handle.db.select().from(repositories).where(eq(repositories.orgId, org.orgId));
    expect(repos.every((r) => r.syncedAt !== null && r.staleReason === null)).toBe(true);
  });
});

describe("GitHub says no, or not now", () => {
  it("an installation without a permission the sync needs: repositories keep their snapshot, the message names the permission", async () => {
    const { secrets: _dropped, organization_secrets: _alsoDropped, ...rest } = DEFAULT_INSTALLATION_PERMISSIONS;
    const narrow = await startSim({ "test-org": { permissions: rest } });
    try {
      const org = await connectedOrg("test-org", (l) => appClient(narrow, l));
      const run = await org.sync();
      expect(run.status).not.toBe("succeeded");
      const text = JSON.stringify(run.errors);
      expect(text).toMatch(/secrets/);
      expect(run.message).toMatch(/organisation's settings \(secrets\)|kept their previous snapshot/);
    } finally {
      await narrow.close();
    }
  });

  it("an exhausted rate limit waits for the reset instead of failing, and the run records the wait", async () => {
    const tight = await startSim({}, { rateLimit: { core: 20, windowMs: 1500 } });
    try {
      const org = await connectedOrg("test-org", (l) => appClient(tight, l, { rateLimitWaitUnitMs: 1000 }));
      const run = await org.sync();
      expect(run.status).toBe("succeeded");
      expect(run.rateLimitWaitMs).toBeGreaterThan(0);
    } finally {
      await tight.close();
    }
  }, 60_000);
});
