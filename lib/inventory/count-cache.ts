import "server-only";
import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { syncRuns } from "@/lib/db/schema";

// Totals of filtered inventory views (the Workflows list's "N workflows"), cached per process.
// Counting 50,000 rows on every page turn would cost more than the page itself.
//
// Invariant: inventory rows change only inside sync runs, and a run's row moves (repos_done
// within 250 ms of each snapshot, status at the end) whenever it has written. A cached total
// is used only while the org's latest runs look exactly as they did when it was counted, and
// for at most MAX_AGE_MS, a backstop for a run older than the latest RUNS_WATCHED.

const MAX_ENTRIES = 5_000;
const MAX_AGE_MS = 30_000;
const RUNS_WATCHED = 5;

interface Entry {
  version: string;
  total: number;
  at: number;
}

const entries = new Map<string, Entry>();

/** A fingerprint of the org's latest sync runs: changes whenever one of them writes. */
export async function inventoryVersion(db: Db, orgId: string): Promise<string> {
  const runs = await db
    .select({ v: sql<string>`${syncRuns.id}::text || ':' || ${syncRuns.status} || ':' || ${syncRuns.reposDone} || ':' || ${syncRuns.reposFailed}` })
    .from(syncRuns)
    .where(eq(syncRuns.orgId, orgId))
    .orderBy(desc(syncRuns.startedAt))
    .limit(RUNS_WATCHED);
  return runs.map((r) => r.v).join(",");
}

/**
 * The total for `key` (the org and the view's filters) counted by `count`, or the cached one
 * while `version` (see inventoryVersion) is unchanged and young enough.
 */
export async function cachedTotal(orgId: string, key: string, version: string, count: () => Promise<number>, now = Date.now()): Promise<number> {
  const id = `${orgId}|${key}`;
  const hit = entries.get(id);
  if (hit && hit.version === version && now - hit.at < MAX_AGE_MS) return hit.total;
  const total = await count();
  entries.delete(id);
  entries.set(id, { version, total, at: now });
  // Oldest first in insertion order: drop the least recently counted.
  while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
  return total;
}
