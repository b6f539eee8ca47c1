import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { rowsOf } from "@/lib/db/migrate";
import { trendPoints, type TrendPoint, type TrendRun } from "./trend";
import { breadthPoints } from "./breadth-trend";

/** The trend looks back this far… */
export const TREND_DAYS = 90;
/** …and shows at most this many syncs (the latest). */
export const TREND_MAX_SYNCS = 60;

const LIFECYCLE_DELTA = sql`case e.type when 'fixed' then -1 else 1 end`;

/**
 * Findings present per severity after each of the org's finished syncs in the last TREND_DAYS
 * (at most TREND_MAX_SYNCS, oldest first), from finding_event alone: the count at the first
 * sync's end is one aggregate over the org's lifecycle events up to it, each later sync adds
 * the events stamped after the previous sync's end and up to its own. Events of a sync still
 * running belong to no point yet. Each point carries the over-broad credentials its run left.
 */
export async function findingsTrend(db: Db, orgId: string, now = new Date()): Promise<TrendPoint[]> {
  const from = new Date(now.getTime() - TREND_DAYS * 86_400_000);
  const runRows = rowsOf<{ id: string; finished_at: Date | string; trigger: string; status: string }>(
    await db.execute(sql`select id, finished_at, trigger, status from (
        select id, finished_at, trigger, status from sync_run
        where org_id = ${orgId} and finished_at is not null and finished_at > ${from} and finished_at <= ${now}
        order by finished_at desc limit ${TREND_MAX_SYNCS}
      ) latest order by finished_at`),
  );
  if (runRows.length === 0) return [];
  const runs: TrendRun[] = runRows.map((r) => ({ id: r.id, finishedAt: new Date(r.finished_at), trigger: r.trigger, status: r.status }));
  const first = runs[0]!.finishedAt;
  const last = runs[runs.length - 1]!.finishedAt;
  const lifecycle = sql`e.org_id = ${orgId} and e.type in ('opened', 'fixed', 'regressed')`;
  const base = rowsOf<{ severity: string; n: number | string }>(
    await db.execute(sql`select e.data->>'severity' as severity, sum(${LIFECYCLE_DELTA}) as n
      from finding_event e where ${lifecycle} and e.at <= ${first} group by 1`),
  );
  const deltas = rowsOf<{ run_id: string; severity: string; delta: number | string }>(
    await db.execute(sql`with runs as (
        select id, finished_at from sync_run
        where org_id = ${orgId} and id in (${sql.join(runs.map((r) => sql`${r.id}::uuid`), sql`, `)})
      )
      select r.id as run_id, e.data->>'severity' as severity, sum(${LIFECYCLE_DELTA}) as delta
      from finding_event e
      join lateral (select id from runs where runs.finished_at >= e.at order by runs.finished_at limit 1) r on true
      where ${lifecycle} and e.at > ${first} and e.at <= ${last}
      group by 1, 2`),
  );
  const points = trendPoints(
    new Map(base.map((b) => [b.severity, Number(b.n)])),
    runs,
    deltas.map((d) => ({ runId: d.run_id, severity: d.severity, delta: Number(d.delta) })),
  );
  // The over-broad credentials each run left (one row per run, written when it ended).
  const broad = await breadthPoints(db, orgId, runs.map((r) => r.id));
  return points.map((p) => ({ ...p, overBroad: broad.get(p.runId) ?? null }));
}
