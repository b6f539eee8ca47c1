import type { DatabaseHandle } from "@/lib/db/types";
import { githubConnections, memberships, organizations } from "@/lib/db/schema";
import type { SessionUser } from "@/lib/authz/actor";
import type { Role } from "@/lib/authz/roles";
import type { GithubSim } from "@/sim/github";
import { createSyncRun } from "@/lib/connections/connection-repo";
import { executeBatchJob, executeSyncJob } from "@/lib/connections/sync-runner";
import { createUser, uniqueSlug } from "./fixtures";

/**
 * A Gatehouse org of its own (a unique slug) connected to the simulator's GitHub organisation
 * `login` through the reader App's installation, with one member of `role`.
 */
export async function connectedSimOrg(handle: DatabaseHandle, sim: GithubSim, login: string, role: Role = "responder"): Promise<{ id: string; slug: string; member: SessionUser }> {
  const slug = uniqueSlug("sim");
  const [row] = await handle.db.insert(organizations).values({ slug, name: `${login} (test)` }).returning({ id: organizations.id });
  const member = await createUser(handle.db, `${role}-${crypto.randomUUID()}@example.test`);
  await handle.db.insert(memberships).values({ orgId: row!.id, email: member.email, role });
  const installation = sim.core.installationForOrg(login)!;
  await handle.db.insert(githubConnections).values({ orgId: row!.id, kind: "app", baseUrl: sim.url, installationId: installation.id, accountLogin: login });
  return { id: row!.id, slug, member };
}

/** A whole sync of the org, run here as the worker would (plan, then every batch). */
export async function syncSimOrg(handle: DatabaseHandle, orgId: string): Promise<void> {
  const runId = await createSyncRun(handle.db, orgId, { scope: "org", trigger: "manual", requestedBy: null });
  for (const batchId of await executeSyncJob(handle, { orgId, runId })) await executeBatchJob(handle, { orgId, runId, batchId });
}
