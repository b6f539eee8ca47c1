import "server-only";
import { and, asc, desc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { findingEvents, findingExceptions, findingReviews, type FindingEventData } from "@/lib/db/schema";
import type { ReviewCounts } from "@/lib/db/schema/findings";
import { coveringExceptions, exceptionDto, type ExceptionRow } from "./exceptions-repo";
import { openBacklog, reviewFindingRows, toFindingDto, type ReviewFindingRow } from "./findings-repo";
import type { FindingDto, ReviewDto, ReviewSummaryDto, SignedReviewDto } from "./findings-dto";
import { LIFECYCLE, periodChanges, type Lifecycle } from "./review-period";
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

/** The latest sign-off of the org, or null. */
export async function latestReview(db: Db, orgId: string) {
  const [row] = await db.select().from(findingReviews).where(eq(findingReviews.orgId, orgId)).orderBy(desc(findingReviews.number)).limit(1);
  return row ?? null;
}

/** The period a review covers when no `since` is given: from the last sign-off, else a week back. */
export async function defaultSince(db: Db, orgId: string, until: Date): Promise<{ since: Date; baseline: ReviewDto["baseline"] }> {
  const last = await latestReview(db, orgId);
  if (!last) return { since: new Date(until.getTime() - FIRST_REVIEW_DAYS * DAY_MS), baseline: null };
  return { since: last.until, baseline: { id: last.id, number: last.number, signedOffBy: last.signedOffBy, signedOffAt: last.until.toISOString() } };
}

export async function computeReview(db: Db, orgId: string, since: Date, until: Date, baseline: ReviewDto["baseline"]): Promise<ReviewDto> {
  const e = findingEvents;
  const inPeriod = and(eq(e.orgId, orgId), gt(e.at, since), lte(e.at, until), inArray(e.type, [...LIFECYCLE, "exception_expired"]));
  const events = await db
    // What happened is enough here; what a finding was (data) is read only for one whose row is gone.
    .select({ findingId: e.findingId, fingerprint: e.fingerprint, type: e.type, exceptionId: sql<string | null>`${e.data}->'exception'->>'id'` })
    .from(e)
    .where(inPeriod)
    .orderBy(asc(e.id));
  const changedIds = [...new Set(events.map((x) => x.findingId))];
  const before = changedIds.length === 0 ? [] : await db
    .selectDistinctOn([e.findingId], { findingId: e.findingId, type: e.type })
    .from(e)
    .where(and(eq(e.orgId, orgId), inArray(e.findingId, changedIds), lte(e.at, since), inArray(e.type, LIFECYCLE)))
    .orderBy(e.findingId, desc(e.id));
  const changes = periodChanges(new Map(before.map((b) => [b.findingId, b.type as Lifecycle])), events);

  // The findings that changed and the accepted ones about to expire are read as rows; the rest
  // of the open backlog is counted per owner in SQL and only its worst REVIEW_OPEN_LIMIT read.
  const covering = await coveringExceptions(db, orgId, until, "open");
  const expiringIds = [...covering].filter(([, x]) => expiresSoon(x, until)).map(([id]) => id);
  const wanted = [...new Set([...changes.new, ...changes.regressed, ...changes.expired, ...changes.fixed, ...expiringIds])];
  const rows = new Map<string, ReviewFindingRow>((await reviewFindingRows(db, orgId, wanted)).map((r) => [r.id, r]));
  // A finding whose row is gone: as its last event of the period says it was.
  const gone = wanted.filter((id) => !rows.has(id));
  const lastEvent = new Map(
    (gone.length === 0 ? [] : await db.selectDistinctOn([e.findingId], { findingId: e.findingId, fingerprint: e.fingerprint, data: e.data }).from(e).where(and(inPeriod, inArray(e.findingId, gone))).orderBy(e.findingId, desc(e.id))).map((x) => [x.findingId, x]),
  );
  const dto = (id: string): FindingDto => {
    const row = rows.get(id);
    if (row) return toFindingDto(row, covering.get(id), until);
    const ev = lastEvent.get(id)!;
    return fromEvent(id, ev.fingerprint, ev.data);
  };
  const isOpen = (id: string) => rows.get(id)?.fixedAt === null;
  const lists: Record<ListName, FindingDto[]> = {
    new: changes.new.filter(isOpen).map(dto),
    regressed: changes.regressed.filter(isOpen).map(dto),
    fixed: changes.fixed.map(dto),
    // An exception that expired and no other covers now: the finding is back on someone's desk.
    expired: await withExpiredException(db, orgId, events, changes.expired.filter((id) => isOpen(id) && !covering.has(id)).map(dto), until),
    expiring: expiringIds.map(dto),
    open: [],
  };
  const listed = new Set([...lists.new, ...lists.regressed, ...lists.expired].map((f) => f.id));
  const known = [...lists.new, ...lists.regressed, ...lists.expired, ...lists.expiring].filter((x) => listed.has(x.id) || covering.has(x.id));
  const backlog = await openBacklog(db, orgId, { known, ids: [...listed, ...covering.keys()] }, REVIEW_OPEN_LIMIT);
  lists.open = backlog.top.map((r) => toFindingDto(r, undefined, until));
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

/** An expired finding is shown with the exception that expired on it (status expired). */
async function withExpiredException(db: Db, orgId: string, events: { findingId: string; type: string; exceptionId: string | null }[], list: FindingDto[], until: Date): Promise<FindingDto[]> {
  const which = new Map<string, string>();
  for (const e of events) if (e.type === "exception_expired" && e.exceptionId) which.set(e.findingId, e.exceptionId);
  const ids = [...new Set(list.map((f) => which.get(f.id)).filter((id): id is string => id !== undefined))];
  if (ids.length === 0) return list;
  const rows = await db.select().from(findingExceptions).where(and(eq(findingExceptions.orgId, orgId), inArray(findingExceptions.id, ids)));
  const byId = new Map(rows.map((r) => [r.id, exceptionDto(r, until)]));
  return list.map((f) => {
    const exception = byId.get(which.get(f.id) ?? "");
    return exception ? { ...f, exception } : f;
  });
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
