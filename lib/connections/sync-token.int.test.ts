// The sync's installation token, through the production path (executeSyncJob) against the
// simulator and a real database: it is minted with exactly the read permissions the sync
// uses, even where the installation was granted writes, and a full sync still succeeds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { uniqueSlug } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { githubConnections, organizations, repositories } from "@/lib/db/schema";
import { appKeys, APP_ID, startSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import { SYNC_PERMISSIONS, SYNC_TOKEN_PERMISSIONS } from "@/lib/github/permissions";
import { createJwtSigner } from "@/lib/github/app-jwt";
import { DEFAULT_INSTALLATION_PERMISSIONS, type GithubSim } from "@/sim/github";
import { createSyncRun, latestSyncRun } from "./connection-repo";
import { executeBatchJob, executeSyncJob } from "./sync-runner";

let handle: DatabaseHandle;
let sim: GithubSim;

beforeAll(async () => {
  handle = await openTestDatabase();
  // test-org's installation holds writes too (secrets, actions, administration…); acme's lacks `secrets`.
  const { secrets: _dropped, ...withoutSecrets } = DEFAULT_INSTALLATION_PERMISSIONS;
  // Installation ids of this file's own: connections.int.test.ts connects test-org's default one
  // in the same database, and an installation belongs to one Gatehouse organisation.
  const id = () => 200_000_000 + Math.floor(Math.random() * 100_000_000);
  sim = await startSim({ "test-org": { id: id() }, acme: { id: id(), permissions: withoutSecrets } });
  useSimulatorApp(sim);
});
afterAll(async () => {
  await handle.db.delete(githubConnections).where(inArray(githubConnections.installationId, [...sim.core.installations.keys()]));
  await sim.close();
  await handle.close();
});

/** A Gatehouse organisation (a slug of its own) connected to the simulator's installation on `login`. */
async function connectedOrg(login: string) {
  const [org] = await handle.db.insert(organizations).values({ slug: uniqueSlug(login), name: login }).returning({ id: organizations.id });
  const installation = sim.core.installationForOrg(login)!;
  await handle.db.insert(githubConnections).values({ orgId: org!.id, kind: "app", baseUrl: sim.url, installationId: installation.id, accountLogin: login });
  return { orgId: org!.id, installationId: installation.id };
}

async function sync(orgId: string) {
  const runId = await createSyncRun(handle.db, orgId, { scope: "org", trigger: "manual", requestedBy: null });
  // The plan queues its batches; this test is the worker that takes them.
  for (const batchId of await executeSyncJob(handle, { orgId, runId })) await executeBatchJob(handle, { orgId, runId, batchId });
  return (await latestSyncRun(handle.db, orgId))!;
}

const SYNC_READS = Object.fromEntries(SYNC_PERMISSIONS.map((p) => [p.permission, "read"]));

describe("the sync's installation token", () => {
  it("carries exactly the read permissions the sync uses, not the installation's writes, and the full sync succeeds", async () => {
    const { orgId, installationId } = await connectedOrg("test-org");
    const run = await sync(orgId);
    expect(run).toMatchObject({ status: "succeeded" });
    expect(await handle.db.select().from(repositories).where(eq(repositories.orgId, orgId))).toHaveLength(4);

    const minted = sim.installationTokens().filter((t) => t.installationId === installationId);
    expect(minted.length).toBeGreaterThan(0);
    for (const token of minted) expect(token.permissions).toEqual(SYNC_READS);
    // The installation itself could write: the narrowing is the token's, not the fixture's.
    expect(sim.core.installations.get(installationId)!.permissions.secrets).toBe("write");
  });

  it("a token with the sync's permissions is refused a write the installation could make, as GitHub refuses it", async () => {
    const installationId = sim.core.installationForOrg("test-org")!.id;
    const jwt = createJwtSigner(APP_ID, appKeys().privateKey)();
    const mint = await fetch(`${sim.url}/app/installations/${installationId}/access_tokens`, {
      method: "POST",
      headers: { authorization: `bearer ${jwt}`, "content-type": "application/json" },
      body: JSON.stringify({ permissions: SYNC_TOKEN_PERMISSIONS }),
    });
    expect(mint.status).toBe(201);
    const { token, permissions } = (await mint.json()) as { token: string; permissions: Record<string, string> };
    expect(permissions).toEqual(SYNC_READS);
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${sim.url}${path}`, { method, headers: { authorization: `token ${token}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
    expect((await call("GET", "/repos/test-org/service/actions/secrets")).status).toBe(200);
    const write = await call("PUT", "/repos/test-org/service/actions/secrets/NEW_SECRET", { encrypted_value: "c2VhbGVk", key_id: "1" });
    expect(write.status).toBe(403);
    expect(write.headers.get("x-accepted-github-permissions")).toBe("secrets=write");
    expect(await write.json()).toMatchObject({ message: "Resource not accessible by integration" });
  });

  it("an installation lacking one of them: the token asks for the others only, and the sync names what is missing", async () => {
    const { orgId, installationId } = await connectedOrg("acme");
    const run = await sync(orgId);
    const minted = sim.installationTokens().filter((t) => t.installationId === installationId);
    expect(minted.length).toBeGreaterThan(0);
    const { secrets: _missing, ...rest } = SYNC_READS;
    for (const token of minted) expect(token.permissions).toEqual(rest);
    expect(run.status).not.toBe("succeeded");
    expect(JSON.stringify(run.errors)).toContain("`secrets` (read)");
  });
});
