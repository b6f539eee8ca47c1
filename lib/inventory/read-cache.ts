import "server-only";
import { sql, type Placeholder, type SQL } from "drizzle-orm";
import { rowsOf } from "@/lib/db/migrate";
import type { Db } from "@/lib/db/types";
import { ownerOverrides, syncRuns, trusts } from "@/lib/db/schema";

// Results of expensive inventory reads, cached per process while what they were computed from
// is unchanged: the Workflows list's filtered totals ("N workflows" — counting 50,000 rows on
// every page turn would cost more than the page) and blast radii (seconds for a target used by
// most of the org, such as actions/checkout).
//
// Invariants:
// - inventory rows change only inside sync runs, and a run's row moves (repos_done within
//   250 ms of each snapshot, status at the end) whenever it has written; owner overrides
//   change outside runs and have a fingerprint of their own (overridesVersion), and so do the
//   org's cloud trusts (trustsVersion: a read sets read_at, an evaluation — which replaces every
//   trust_match row of the org — sets evaluated_at on every trust, a removed source drops rows);
// - an entry is used only while the version it was computed under is the current one, and for
//   at most its cache's maxAgeMs, a backstop for a run older than the latest RUNS_WATCHED;
// - keys always start with the org id: orgs never share an entry;
// - concurrent reads of one key share one computation; a failed one is not kept.

const RUNS_WATCHED = 5;

/**
 * A fingerprint of the org's latest sync runs, as an SQL expression: changes whenever one of
 * them writes. An expression so that a reader can fetch it in the statement it runs anyway.
 */
export function inventoryVersionSql(orgId: string | Placeholder): SQL<string> {
  return sql<string>`(select coalesce(string_agg(v.v, ',' order by v.started_at desc), '') from (
    select ${syncRuns.id}::text || ':' || ${syncRuns.status} || ':' || ${syncRuns.reposDone} || ':' || ${syncRuns.reposFailed} as v, ${syncRuns.startedAt} as started_at
    from ${syncRuns} where ${syncRuns.orgId} = ${orgId} order by ${syncRuns.startedAt} desc limit ${RUNS_WATCHED}) v)`;
}

/** A fingerprint of the org's owner overrides (a few hundred rows at most: set by hand), as an SQL expression. */
function overridesVersionSql(orgId: string): SQL<string> {
  return sql<string>`(select count(*)::text || ':' || coalesce(md5(string_agg(o.target_type || ' ' || o.target_key || ' ' || o.owner, ',' order by o.target_type, o.target_key)), '')
    from ${ownerOverrides} o where o.org_id = ${orgId})`;
}

/**
 * A fingerprint of the org's cloud trusts and their last evaluation (tens to a few hundred
 * rows, on trust_org_provider_idx), as an SQL expression: trust_match rows are only ever
 * written by an evaluation, which stamps evaluated_at on every trust of the org.
 */
function trustsVersionSql(orgId: string): SQL<string> {
  return sql<string>`(select count(*)::text || ':' || coalesce(md5(string_agg(t.id::text || ' ' || t.read_at::text || ' ' || coalesce(t.evaluated_at::text, '-'), ',' order by t.id)), '')
    from ${trusts} t where t.org_id = ${orgId})`;
}

/**
 * The version of what the inventory's derived reads are computed from — the org's latest sync
 * runs and its owner overrides — in one round trip.
 */
export async function inventoryAndOverridesVersion(db: Db, orgId: string): Promise<string> {
  const [row] = rowsOf<{ v: string }>(await db.execute(sql`select ${inventoryVersionSql(orgId)} || '|' || ${overridesVersionSql(orgId)} as v`));
  return row?.v ?? "";
}

/**
 * The version of what a blast radius is computed from: inventoryAndOverridesVersion's and the
 * org's cloud trusts with their matches (a blast radius reaches the roles its jobs can assume),
 * in one round trip. Kept apart so a trust evaluation does not invalidate reads that ignore trusts.
 */
export async function blastRadiusVersion(db: Db, orgId: string): Promise<string> {
  const [row] = rowsOf<{ v: string }>(
    await db.execute(sql`select ${inventoryVersionSql(orgId)} || '|' || ${overridesVersionSql(orgId)} || '|' || ${trustsVersionSql(orgId)} as v`),
  );
  return row?.v ?? "";
}

interface Entry<T> {
  version: string;
  value: Promise<T>;
  at: number;
}

export interface VersionedCache<T> {
  /** The value for `key` computed by `compute`, or the cached one while `version` is unchanged and young enough. */
  get(orgId: string, key: string, version: string, compute: () => Promise<T>, now?: number): Promise<T>;
  readonly size: number;
}

/** Bounded: beyond maxEntries, the least recently computed entries go first. */
export function createVersionedCache<T>(maxEntries: number, maxAgeMs: number): VersionedCache<T> {
  const entries = new Map<string, Entry<T>>();
  return {
    get(orgId, key, version, compute, now = Date.now()) {
      const id = `${orgId}|${key}`;
      const hit = entries.get(id);
      if (hit && hit.version === version && now - hit.at < maxAgeMs) return hit.value;
      const value = compute();
      const entry: Entry<T> = { version, value, at: now };
      entries.delete(id);
      entries.set(id, entry);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      value.catch(() => {
        if (entries.get(id) === entry) entries.delete(id);
      });
      return value;
    },
    get size() {
      return entries.size;
    },
  };
}

const totals = createVersionedCache<number>(5_000, 30_000);

/** A filtered view's total (see createVersionedCache), `key` naming the view and its filters. */
export function cachedTotal(orgId: string, key: string, version: string, count: () => Promise<number>, now = Date.now()): Promise<number> {
  return totals.get(orgId, key, version, count, now);
}
