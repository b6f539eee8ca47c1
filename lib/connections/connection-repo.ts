import "server-only";
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { githubConnections, syncRuns } from "@/lib/db/schema";

export type ConnectionRow = typeof githubConnections.$inferSelect;
export type SyncRunRow = typeof syncRuns.$inferSelect;

export async function findConnection(db: Db, orgId: string): Promise<ConnectionRow | null> {
  const [row] = await db.select().from(githubConnections).where(eq(githubConnections.orgId, orgId)).limit(1);
  return row ?? null;
}

export async function findConnectionByInstallation(db: Db, installationId: number): Promise<ConnectionRow | null> {
  const [row] = await db.select().from(githubConnections).where(eq(githubConnections.installationId, installationId)).limit(1);
  return row ?? null;
}

export async function listConnections(db: Db): Promise<ConnectionRow[]> {
  return db.select().from(githubConnections);
}

export async function latestSyncRun(db: Db, orgId: string): Promise<SyncRunRow | null> {
  const [row] = await db.select().from(syncRuns).where(eq(syncRuns.orgId, orgId)).orderBy(desc(syncRuns.startedAt)).limit(1);
  return row ?? null;
}

export async function findSyncRun(db: Db, orgId: string, runId: string): Promise<SyncRunRow | null> {
  const [row] = await db.select().from(syncRuns).where(and(eq(syncRuns.orgId, orgId), eq(syncRuns.id, runId))).limit(1);
  return row ?? null;
}

export async function createSyncRun(
  db: Db,
  orgId: string,
  values: Pick<typeof syncRuns.$inferInsert, "scope" | "trigger" | "requestedBy">,
): Promise<string> {
  const [row] = await db.insert(syncRuns).values({ orgId, status: "queued", ...values }).returning({ id: syncRuns.id });
  return row!.id;
}
