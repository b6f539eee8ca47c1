// Browser-test fixture: an organisation whose sync was running when its process died (the
// server killed mid-sync). Two repositories had a snapshot from an earlier sync; the dead sync
// had written neither. Seeded before the server starts, whose start-up must fail the run.
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { githubConnections, organizations, repositories, syncBatches, syncRuns } from "@/lib/db/schema";
import { emptyOrgFacts, type RepoSummary } from "@/lib/github/facts";

export async function seedAbandonedSync(db: Db, orgSlug: string, githubUrl: string): Promise<void> {
  const [org] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, orgSlug));
  if (!org) throw new Error(`organisation ${orgSlug} is not seeded`);
  await db.insert(githubConnections).values({ orgId: org.id, kind: "app", baseUrl: githubUrl, installationId: null, accountLogin: orgSlug }).onConflictDoNothing();
  const repos: RepoSummary[] = ["payments-api", "billing-web"].map((name, i) => ({
    githubId: 990_001 + i,
    name,
    fullName: `${orgSlug}/${name}`,
    visibility: "private",
    archived: false,
    fork: false,
    defaultBranch: "main",
    pushedAt: null,
  }));
  const yesterday = new Date(Date.now() - 86_400_000);
  await db.insert(repositories).values(repos.map((r) => ({ orgId: org.id, githubId: r.githubId, name: r.name, fullName: r.fullName, visibility: r.visibility, defaultBranch: r.defaultBranch, syncedAt: yesterday })));
  // A pid of this host that no longer runs anything: the process that was syncing.
  const gone = spawnSync(process.execPath, ["-e", ""]).pid;
  const worker = `${hostname()}:${gone}`;
  const [run] = await db
    .insert(syncRuns)
    .values({ orgId: org.id, scope: "org", trigger: "manual", requestedBy: "admin@acme.test", status: "running", reposTotal: repos.length, heartbeatAt: sql`now()`, worker })
    .returning({ id: syncRuns.id });
  await db.insert(syncBatches).values({
    orgId: org.id,
    runId: run!.id,
    seq: 0,
    repos,
    filesFor: [],
    org: emptyOrgFacts(orgSlug),
    status: "running",
    attempts: 1,
    worker,
  });
}
