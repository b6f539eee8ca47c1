// Connecting an App installation (only the org's own) and webhook deliveries (signed,
// replay-safe, turned into the smallest sync), against the simulator and a real database.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createUser, testMeta, uniqueSlug } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { auditEvents, githubConnections, memberships, organizations, syncRuns } from "@/lib/db/schema";
import { executeUseCase } from "@/lib/door/use-case";
import { startSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import type { GithubSim } from "@/sim/github";
import { stopQueue } from "@/lib/jobs/queue";
import { connectGithub } from "./connection-service";
import { handleWebhook, planSync } from "./webhooks";
import { executeBatchJob, executeSyncJob } from "./sync-runner";

const SECRET = "webhook-secret-for-the-connection-tests";
let handle: DatabaseHandle;
let sim: GithubSim;

beforeAll(async () => {
  handle = await openTestDatabase();
  sim = await startSim();
  useSimulatorApp(sim, { webhookSecret: SECRET });
});
afterAll(async () => {
  await stopQueue();
  await sim.close();
  await handle.close();
});

/** A Gatehouse org whose slug is a GitHub login of the simulator (made unique by renaming others). */
async function orgFor(login: string) {
  await handle.db.update(organizations).set({ slug: uniqueSlug("old") }).where(eq(organizations.slug, login));
  const [org] = await handle.db.insert(organizations).values({ slug: login, name: login }).returning({ id: organizations.id });
  const admin = await createUser(handle.db, `admin-${crypto.randomUUID()}@example.test`);
  await handle.db.insert(memberships).values({ orgId: org!.id, email: admin.email, role: "admin" });
  return { id: org!.id, slug: login, admin };
}

describe("connecting a GitHub App installation", () => {
  it("connects the installation of the org's own GitHub account, with its permissions, audited", async () => {
    const org = await orgFor("test-org");
    const installation = sim.core.installationForOrg("test-org")!;
    const r = await executeUseCase(handle, org.admin, connectGithub, { orgSlug: org.slug, installationId: installation.id }, testMeta());
    expect(r).toEqual({ ok: true, data: { accountLogin: "test-org" } });
    const [conn] = await handle.db.select().from(githubConnections).where(eq(githubConnections.orgId, org.id));
    expect(conn).toMatchObject({ kind: "app", installationId: installation.id, accountLogin: "test-org", baseUrl: sim.url });
    expect(conn!.permissions.contents).toBe("read");
  });

  it("an installation already connected elsewhere is a conflict", async () => {
    const org = await orgFor("test-org");
    const installation = sim.core.installationForOrg("test-org")!;
    const r = await executeUseCase(handle, org.admin, connectGithub, { orgSlug: org.slug, installationId: installation.id }, testMeta());
    expect(r).toMatchObject({ ok: false, error: { code: "conflict" } });
  });

  it("refuses another organisation's installation, writes nothing, and audits the attempt as denied", async () => {
    const org = await orgFor("test-org");
    const acme = sim.core.installationForOrg("acme")!;
    const meta = testMeta();
    const r = await executeUseCase(handle, org.admin, connectGithub, { orgSlug: org.slug, installationId: acme.id }, meta);
    expect(r).toMatchObject({ ok: false, error: { code: "forbidden", message: `Installation ${acme.id} belongs to acme, not test-org.` } });
    expect(await handle.db.select().from(githubConnections).where(eq(githubConnections.orgId, org.id))).toEqual([]);
    const rows = await handle.db.select().from(auditEvents).where(eq(auditEvents.requestId, meta.requestId));
    expect(rows).toMatchObject([
      {
        orgId: org.id,
        action: "connection.connect",
        outcome: "denied",
        actorEmail: org.admin.email,
        actorRole: "admin",
        metadata: { reason: "foreign_installation", permission: "connection.manage", details: { installationId: acme.id, account: "acme" } },
      },
    ]);
  });

  it("an unknown installation is not found", async () => {
    const org = await orgFor("test-org");
    const r = await executeUseCase(handle, org.admin, connectGithub, { orgSlug: org.slug, installationId: 999_999 }, testMeta());
    expect(r).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});

describe("webhooks", () => {
  const sign = (body: string, secret = SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

  it("plans the smallest sync for each event", () => {
    const push = (paths: string[]) => ({ repository: { id: 5 }, commits: [{ modified: paths }] });
    expect(planSync("push", push([".github/workflows/ci.yml"]))).toEqual({ kind: "repo", repoIds: [5], forceFiles: true });
    expect(planSync("push", push(["CODEOWNERS"]))).toEqual({ kind: "repo", repoIds: [5], forceFiles: true });
    // Other CI systems' pipelines in the places the sync reads them.
    for (const path of [".buildkite/pipeline.yml", ".buildkite/steps/deploy.yml", "buildkite.yaml", ".tekton/pull-request.yaml", ".lighthouse/jenkins-x/release.yaml"]) {
      expect(planSync("push", push([path])), path).toEqual({ kind: "repo", repoIds: [5], forceFiles: true });
    }
    expect(planSync("push", push(["src/index.ts"]))).toBeNull();
    expect(planSync("push", push(["docs/buildkite.md", "tekton/README.md"]))).toBeNull();
    expect(planSync("installation_repositories", {})).toEqual({ kind: "org" });
    expect(planSync("deploy_key", { repository: { id: 5 } })).toEqual({ kind: "repo", repoIds: [5], forceFiles: false });
    expect(planSync("star", {})).toBeNull();
  });

  it("refuses a wrong signature, queues a sync for a signed one, and processes a replay once", async () => {
    const org = await orgFor("test-org");
    const installation = sim.core.installationForOrg("test-org")!;
    await handle.db.delete(githubConnections).where(eq(githubConnections.installationId, installation.id));
    await handle.db.insert(githubConnections).values({ orgId: org.id, kind: "app", baseUrl: sim.url, installationId: installation.id, accountLogin: "test-org" });
    const body = JSON.stringify({ installation: { id: installation.id }, repository: { id: 1 }, commits: [{ added: [".github/workflows/new.yml"] }] });
    const delivery = crypto.randomUUID();

    const forged = await handleWebhook(handle, SECRET, { event: "push", delivery, signature: sign(body, "not-the-secret") }, body);
    expect(forged.status).toBe(401);

    const first = await handleWebhook(handle, SECRET, { event: "push", delivery, signature: sign(body) }, body);
    expect(first).toEqual({ status: 202, body: { ok: true, message: "Sync queued (repo)." } });
    const replay = await handleWebhook(handle, SECRET, { event: "push", delivery, signature: sign(body) }, body);
    expect(replay.body.message).toBe("Delivery already processed.");
    const runs = await handle.db.select().from(syncRuns).where(and(eq(syncRuns.orgId, org.id), eq(syncRuns.trigger, "webhook")));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ scope: "repo", status: "queued" });
  });

  it("the sync a job runs is the queued run's scope at the moment it starts: every coalesced repository, nothing more", async () => {
    const org = await orgFor("test-org");
    const installation = sim.core.installationForOrg("test-org")!;
    await handle.db.delete(githubConnections).where(eq(githubConnections.installationId, installation.id));
    await handle.db.insert(githubConnections).values({ orgId: org.id, kind: "app", baseUrl: sim.url, installationId: installation.id, accountLogin: "test-org" });
    const [first, second] = sim.core.installationRepos(installation);
    for (const repo of [first!, second!]) {
      const body = JSON.stringify({ installation: { id: installation.id }, repository: { id: repo.id }, commits: [{ modified: [".github/workflows/ci.yml"] }] });
      expect((await handleWebhook(handle, SECRET, { event: "push", delivery: crypto.randomUUID(), signature: sign(body) }, body)).status).toBe(202);
    }
    const [run] = await handle.db.select().from(syncRuns).where(and(eq(syncRuns.orgId, org.id), eq(syncRuns.status, "queued")));
    // The plan queues its batches; this test is the worker that takes them.
    for (const batchId of await executeSyncJob(handle, { orgId: org.id, runId: run!.id })) {
      await executeBatchJob(handle, { orgId: org.id, runId: run!.id, batchId });
    }
    const [done] = await handle.db.select().from(syncRuns).where(eq(syncRuns.id, run!.id));
    expect(done).toMatchObject({ status: "succeeded", reposTotal: 2, reposDone: 2 });
    // A second job for the same run (a duplicate) finds it ended and leaves it alone.
    expect(await executeSyncJob(handle, { orgId: org.id, runId: run!.id })).toEqual([]);
    expect((await handle.db.select().from(syncRuns).where(eq(syncRuns.id, run!.id)))[0]).toEqual(done);
  });

  it("without a configured secret, deliveries are refused with what to set", async () => {
    const r = await handleWebhook(handle, null, { event: "push", delivery: "x", signature: "sha256=00" }, "{}");
    expect(r.status).toBe(503);
    expect(r.body.message).toContain("GITHUB_WEBHOOK_SECRET");
  });
});
