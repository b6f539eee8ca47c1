import type { Metadata } from "next";
import Link from "next/link";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { can } from "@/lib/authz/actor";
import { getDatabase } from "@/lib/db";
import { computeReview, defaultSince, listReviews } from "@/lib/findings/review-repo";
import { PageHeader } from "@/components/ui/page-header";
import { Alert } from "@/components/ui/alert";
import { utc } from "@/components/incidents/labels";
import { OwnerTable, ReviewCounts, ReviewLists } from "@/components/findings/review-lists";
import { PastReviews } from "@/components/findings/past-reviews";
import { BroadestCredentials } from "@/components/findings/broadest-credentials";
import { SignOffForm } from "@/components/findings/sign-off-form";
import { TrendChart } from "@/components/findings/trend-chart";
import { findingsTrend } from "@/lib/findings/trend-repo";
import { ReportWebhookForm } from "@/components/findings/report-webhook-form";
import { webhookOf } from "@/lib/findings/report-delivery";
import { reportWebhookDto } from "@/lib/findings/report-webhook-service";

export const metadata: Metadata = { title: "Weekly review" };

/** ?since=2026-11-30 (a day, UTC) or a full ISO time; anything else is said and ignored. */
function parseSince(v: string | string[] | undefined): { since: Date | null; problem: string | null } {
  if (typeof v !== "string" || v === "") return { since: null, problem: null };
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(d.getTime())) return { since: null, problem: `“${v.slice(0, 40)}” is not a date: showing the review since the last sign-off.` };
  if (d.getTime() >= Date.now()) return { since: null, problem: "That date is not in the past: showing the review since the last sign-off." };
  return { since: d, problem: null };
}

export default async function ReviewPage({ params, searchParams }: { params: Promise<{ orgSlug: string }>; searchParams: Promise<{ since?: string | string[] }> }) {
  const { orgSlug } = await params;
  const { actor } = await requirePagePermission(orgSlug, "finding.read");
  const chosen = parseSince((await searchParams).since);
  const { db } = await getDatabase();
  const until = new Date();
  const fallback = await defaultSince(db, actor.orgId, until);
  const review = await computeReview(db, actor.orgId, chosen.since ?? fallback.since, until, fallback.baseline);
  const canReport = can(actor, "report.manage");
  const [past, trend, webhook] = await Promise.all([listReviews(db, actor.orgId), findingsTrend(db, actor.orgId, until), canReport ? webhookOf(db, actor.orgId) : null]);
  const base = `/orgs/${actor.orgSlug}/review`;
  const b = review.baseline;
  const period = chosen.since
    ? `Since ${utc(review.since)} (the date you chose)`
    : b
      ? `Since review #${b.number}, signed off by ${b.signedOffBy} at ${utc(b.signedOffAt)}`
      : `Since ${utc(review.since)}, a week ago (no review has been signed off yet)`;
  return (
    <>
      <PageHeader
        title="Weekly review"
        description={`${period}, until now: what is new, what was fixed, what came back, which exceptions run out, and who owns each.`}
        actions={
          <form method="get" action={base} className="flex flex-wrap items-end gap-2 text-sm" aria-label="Review period">
            <label className="flex flex-col gap-1">
              <span className="font-medium">Review since</span>
              <input type="date" name="since" defaultValue={chosen.since ? review.since.slice(0, 10) : ""} className="rounded-md border border-slate-300 bg-white px-2 py-1.5" />
            </label>
            <button type="submit" className="rounded-md bg-blue-800 px-3 py-1.5 font-medium text-white hover:bg-blue-900">
              Show
            </button>
            {chosen.since ? (
              <Link href={base} className="px-2 py-1.5 text-blue-800 underline">
                Since the last sign-off
              </Link>
            ) : null}
          </form>
        }
      />
      <div className="space-y-6">
        {chosen.problem ? <Alert tone="info">{chosen.problem}</Alert> : null}
        <ReviewCounts review={review} />
        <div className="grid gap-6 lg:grid-cols-3">
          <div className="lg:col-span-2">
            <OwnerTable review={review} />
          </div>
          {can(actor, "review.sign_off") ? <SignOffForm orgSlug={actor.orgSlug} since={review.since} chosenSince={chosen.since !== null} /> : null}
        </div>
        <TrendChart points={trend} title="Findings over time" />
        <ReviewLists review={review} orgSlug={actor.orgSlug} actions={can(actor, "finding.triage") ? { canTriage: true, canGrant: can(actor, "exception.grant") } : null} />
        <BroadestCredentials list={review.broadest ?? []} />
        <PastReviews orgSlug={actor.orgSlug} reviews={past} />
        {canReport ? <ReportWebhookForm orgSlug={actor.orgSlug} webhook={webhook ? reportWebhookDto(webhook) : null} /> : null}
      </div>
    </>
  );
}
