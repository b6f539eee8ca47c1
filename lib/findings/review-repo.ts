import "server-only";
import { and, desc, eq, or, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { findingExceptions, findingReviews, type FindingEventData } from "@/lib/db/schema";
import type { ReviewCounts } from "@/lib/db/schema/findings";
import { rowsOf } from "@/lib/db/migrate";
import { coveragePairs, exceptionDto, inForce, longestLasting, type ExceptionRow } from "./exceptions-repo";
import { openBacklog, reviewEntryDto, reviewJoins, reviewSelect, type ReviewFindingRow } from "./findings-repo";
import type { FindingDto, ReviewDto, ReviewSummaryDto, SignedReviewDto } from "./findings-dto";
import { LIFECYCLE, periodChanges, stoodBefore, type Lifecycle, type PeriodEvent } from "./review-period";
import { severityRank } from "./state";
import { broadestCredentials } from "./breadth-repo";

// A review of the period (since, until], computed from finding_event (what changed, net per
// finding: review-period.ts) and the findings and exceptions as they stand at `until` (now).

/** How far ahead an exception counts as expiring. */
export const EXPIRING_DAYS = 14;
/** The open list is the backlog: the worst this many are listed, all are counted. */
export const REVIEW_OPEN_LIMIT = 500;
/** Without a sign-off yet, a review looks back a week. */
export const FIRST_REVIEW_DAYS = 7;

const DAY_MS = 86_400_000;
const LISTS = ["new", "fixed", "regressed", "expiring", "expired", "open"] as const;
type ListName = (typeof LISTS)[number];
const emptyCounts = (): ReviewCounts => ({ new: 0, fixed: 0, regressed: 0, expiring: 0, expired: 0, open: 0 });

const bySeverity = (a: FindingDto, b: FindingDto) =>
  severityRank(a.severity) - severityRank(b.severity) || a.repo.localeCompare(b.repo) || a.path.localeCompare(b.path) || a.line - b.line;

/** A finding whose row is gone (its repository was removed): what its last event said it was. */
function fromEvent(id: string, fingerprint: string, d: FindingEventData): FindingDto {
  return { id, fingerprint, rule: d.rule, severity: d.severity, repo: d.repo, path: d.path, line: d.line, job: d.job, message: d.message, state: "fixed", owner: null, assignee: null };
}

/** The latest sign-off of the org (what a baseline names of it, not the review it froze: megabytes at scale), or null. */
export async function latestReview(db: Db, orgId: string) {
  const r = findingReviews;
  const [row] = await db.select({ id: r.id, number: r.number, signedOffBy: r.signedOffBy, until: r.until }).from(r).where(eq(r.orgId, orgId)).orderBy(desc(r.number)).limit(1);
  return row ?? null;
}

/** The period a review covers when no `since` is given: from the last sign-off, else a week back. */
export async function defaultSince(db: Db, orgId: string, until: Date): Promise<{ since: Date; baseline: ReviewDto["baseline"] }> {
  const last = await latestReview(db, orgId);
  if (!last) return { since: new Date(until.getTime() - FIRST_REVIEW_DAYS * DAY_MS), baseline: null };
  return { since: last.until, baseline: { id: last.id, number: last.number, signedOffBy: last.signedOffBy, signedOffAt: last.until.toISOString() } };
}

/** One finding that changed in the period: how, where it stood at `since`, and its row now. */
interface RawChange extends Partial<ReviewFindingRow> {
  finding_id: string;
  /** Its first and last opened / fixed / regressed event in the period, and where the first falls. */
  first_type: Lifecycle | null;
  last_type: Lifecycle | null;
  first_life: number | null;
  /** Its first exception_expired event in the period, and the exception the last one named. */
  first_expired: number | null;
  expired_exception: string | null;
  /** With none in the period, its last opened / fixed / regressed event up to `since`: where it stood then. */
  before_type: Lifecycle | null;
  /** Its row is gone (its repository was removed): its last event of the period. */
  gone: { fingerprint: string; data: FindingEventData } | null;
}

/**
 * Every finding with a lifecycle or exception_expired event in (since, until], in one statement:
 * its events summed up; where it stood at `since` when its first lifecycle event in the period
 * does not say (stoodBefore: only an exception expired on it), from its last lifecycle event up to
 * then (a look-up on the finding's index); and its row with what an entry shows (reviewSelect),
 * or its last event's data when the row is gone.
 */
async function periodFindings(db: Db, orgId: string, since: Date, until: Date): Promise<RawChange[]> {
  const lifecycle = sql.param([...LIFECYCLE]);
  const types = sql.param([...LIFECYCLE, "exception_expired"]);
  return rowsOf<RawChange>(
    await db.execute(sql`with ev as (
        select e.id, e.finding_id, e.type, e.data->'exception'->>'id' as exception_id
        from finding_event e
        where e.org_id = ${orgId} and e.at > ${since} and e.at <= ${until} and e.type = any(${types}::text[])
      ),
      per as (
        select finding_id,
          (array_agg(type order by id) filter (where type <> 'exception_expired'))[1] as first_type,
          (array_agg(type order by id desc) filter (where type <> 'exception_expired'))[1] as last_type,
          (min(id) filter (where type <> 'exception_expired'))::float8 as first_life,
          (min(id) filter (where type = 'exception_expired'))::float8 as first_expired,
          (array_agg(exception_id order by id desc) filter (where type = 'exception_expired' and exception_id is not null))[1] as expired_exception,
          max(id) as last_event
        from ev group by finding_id
      )
      select p.finding_id, p.first_type, p.last_type, p.first_life, p.first_expired, p.expired_exception, b.type as before_type, ${reviewSelect},
        case when f.id is null then (select jsonb_build_object('fingerprint', g.fingerprint, 'data', g.data) from finding_event g where g.id = p.last_event) end as gone
      from per p
      left join lateral (
        select e.type from finding_event e
        where p.first_type is null and e.org_id = ${orgId} and e.finding_id = p.finding_id and e.at <= ${since} and e.type = any(${lifecycle}::text[])
        order by e.id desc limit 1
      ) b on true
      left join lateral (select * from finding f where f.id = p.finding_id and f.org_id = ${orgId} limit 1) f on true
      ${reviewJoins(orgId)}`),
  );
}

/**
 * The review of (since, until]. Read in one read-only transaction (one snapshot; with JIT off:
 * the planner's estimates for these few-thousand-row statements can pass its JIT threshold, and
 * compiling costs more than running them).
 */
export async function computeReview(db: Db, orgId: string, since: Date, until: Date, baseline: ReviewDto["baseline"]): Promise<ReviewDto> {
  return db.transaction(
    async (tx) => {
      await tx.execute(sql`select set_config('jit', 'off', true)`);
      return reviewIn(tx, orgId, since, until, baseline);
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

async function reviewIn(db: Db, orgId: string, since: Date, until: Date, baseline: ReviewDto["baseline"]): Promise<ReviewDto> {
  const period = await periodFindings(db, orgId, since, until);
  // periodChanges reads the period in order; per finding only its last lifecycle event and
  // whether an exception expired count, each where its first such event fell.
  const before = new Map<string, Lifecycle>();
  const events: (PeriodEvent & { at: number })[] = [];
  const rows = new Map<string, ReviewFindingRow>();
  const expiredWith = new Map<string, string>();
  for (const p of period) {
    const stood = p.first_type ? stoodBefore(p.first_type) : (p.before_type ?? undefined);
    if (stood) before.set(p.finding_id, stood);
    if (p.last_type) events.push({ findingId: p.finding_id, type: p.last_type, at: p.first_life! });
    if (p.first_expired !== null) events.push({ findingId: p.finding_id, type: "exception_expired", at: p.first_expired });
    if (p.expired_exception) expiredWith.set(p.finding_id, p.expired_exception);
    if (p.id) rows.set(p.id, p as ReviewFindingRow);
  }
  events.sort((a, b) => a.at - b.at);
  const changes = periodChanges(before, events);
  const gone = new Map(period.filter((p) => !p.id).map((p) => [p.finding_id, p]));

  // The exceptions in force now, and those that expired on a finding in the period.
  const exceptionRows = await db
    .select({ exception: findingExceptions, inForce: sql<boolean>`${inForce(until)}` })
    .from(findingExceptions)
    .where(and(eq(findingExceptions.orgId, orgId), or(inForce(until), sql`${findingExceptions.id} = any(${sql.param([...new Set(expiredWith.values())])}::uuid[])`)));
  // The open findings they accept, with their rows (the expiring ones are listed, all are left out of the backlog).
  const inForceRows = exceptionRows.filter((x) => x.inForce).map((x) => x.exception);
  const pairs = coveragePairs(orgId, inForceRows, "open");
  const covering = new Map<string, ExceptionRow>();
  if (pairs) {
    const byId = new Map(inForceRows.map((x) => [x.id, x]));
    const covered = rowsOf<ReviewFindingRow & { exception_id: string }>(
      await db.execute(sql`select x.exception_id, ${reviewSelect} from (${pairs}) x
        join lateral (select * from finding f where f.id = x.finding_id limit 1) f on true ${reviewJoins(orgId)}`),
    );
    for (const r of covered) {
      covering.set(r.id, longestLasting(covering.get(r.id), byId.get(r.exception_id)!));
      if (!rows.has(r.id)) rows.set(r.id, r);
    }
  }
  const expiringIds = [...covering].filter(([, x]) => expiresSoon(x, until)).map(([id]) => id);

  const dto = (id: string): FindingDto => {
    const row = rows.get(id);
    if (row) return reviewEntryDto(row, covering.get(id), until);
    const ev = gone.get(id)!;
    return fromEvent(id, ev.gone!.fingerprint, ev.gone!.data);
  };
  const isOpen = (id: string) => rows.get(id)?.fixed_at === null;
  const expiredExceptions = new Map(exceptionRows.map((x) => [x.exception.id, x.exception]));
  const lists: Record<ListName, FindingDto[]> = {
    new: changes.new.filter(isOpen).map(dto),
    regressed: changes.regressed.filter(isOpen).map(dto),
    fixed: changes.fixed.map(dto),
    // An exception that expired and no other covers now: the finding is back on someone's desk,
    // shown with the exception that expired on it (status expired).
    expired: changes.expired
      .filter((id) => isOpen(id) && !covering.has(id))
      .map((id) => {
        const f = dto(id);
        const exception = expiredExceptions.get(expiredWith.get(id) ?? "");
        return exception ? { ...f, exception: exceptionDto(exception, until) } : f;
      }),
    expiring: expiringIds.map(dto),
    open: [],
  };
  const listed = [...lists.new, ...lists.regressed, ...lists.expired];
  const known = [...listed, ...[...covering.keys()].map((id) => rows.get(id)!)];
  const backlog = await openBacklog(db, orgId, { known, ids: known.map((x) => x.id) }, REVIEW_OPEN_LIMIT);
  lists.open = backlog.top.map((r) => reviewEntryDto(r, undefined, until));
  for (const name of LISTS) lists[name].sort(bySeverity);

  const counts = emptyCounts();
  const owners = new Map<string | null, ReviewCounts>();
  const ownerCounts = (owner: string | null) => owners.get(owner) ?? owners.set(owner, emptyCounts()).get(owner)!;
  for (const name of LISTS) {
    if (name === "open") continue;
    counts[name] = lists[name].length;
    for (const f of lists[name]) ownerCounts(f.owner)[name]++;
  }
  counts.open = backlog.total;
  for (const [owner, n] of backlog.byOwner) ownerCounts(owner).open += n;
  const attention = (c: ReviewCounts) => c.new + c.regressed + c.expired;
  const byOwner = [...owners.entries()]
    .map(([owner, c]) => ({ owner, counts: c }))
    .sort((a, b) => attention(b.counts) - attention(a.counts) || b.counts.open - a.counts.open || (a.owner ?? "~").localeCompare(b.owner ?? "~"));
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    baseline,
    counts,
    ...lists,
    openTruncated: backlog.total > REVIEW_OPEN_LIMIT,
    byOwner,
    broadest: await broadestCredentials(db, orgId),
  };
}

function expiresSoon(exception: ExceptionRow | undefined, until: Date): boolean {
  return exception !== undefined && exception.expiresAt.getTime() <= until.getTime() + EXPIRING_DAYS * DAY_MS;
}

type ReviewRow = typeof findingReviews.$inferSelect;

export function signedReviewDto(row: ReviewRow): SignedReviewDto {
  return { ...(row.review as unknown as ReviewDto), id: row.id, number: row.number, signedOffBy: row.signedOffBy, signedOffAt: row.until.toISOString(), note: row.note };
}

export async function listReviews(db: Db, orgId: string): Promise<ReviewSummaryDto[]> {
  const rows = await db
    .select({ id: findingReviews.id, number: findingReviews.number, since: findingReviews.since, until: findingReviews.until, signedOffBy: findingReviews.signedOffBy, note: findingReviews.note, counts: findingReviews.counts })
    .from(findingReviews)
    .where(eq(findingReviews.orgId, orgId))
    .orderBy(desc(findingReviews.number));
  return rows.map((r) => ({ ...r, since: r.since.toISOString(), until: r.until.toISOString() }));
}

/** One signed-off review of the org, or null (another org's is not found). */
export async function getReview(db: Db, orgId: string, reviewId: string): Promise<SignedReviewDto | null> {
  const [row] = await db.select().from(findingReviews).where(and(eq(findingReviews.orgId, orgId), eq(findingReviews.id, reviewId))).limit(1);
  return row ? signedReviewDto(row) : null;
}
