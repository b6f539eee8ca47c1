import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { getDatabase } from "@/lib/db";
import { getReview } from "@/lib/findings/review-repo";
import { PageHeader } from "@/components/ui/page-header";
import { utc } from "@/components/incidents/labels";
import { orgApiPath } from "@/components/api/client";
import { OwnerTable, ReviewCounts, ReviewLists } from "@/components/findings/review-lists";
import { BroadestCredentials } from "@/components/findings/broadest-credentials";

export const metadata: Metadata = { title: "Signed-off review" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A signed-off review, exactly as its reviewer saw it (frozen): read-only. */
export default async function SignedReviewPage({ params }: { params: Promise<{ orgSlug: string; reviewId: string }> }) {
  const { orgSlug, reviewId } = await params;
  const { actor } = await requirePagePermission(orgSlug, "finding.read");
  if (!UUID.test(reviewId)) notFound();
  const { db } = await getDatabase();
  const review = await getReview(db, actor.orgId, reviewId);
  if (!review) notFound();
  const api = orgApiPath(actor.orgSlug, "reviews", review.id);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/orgs/${actor.orgSlug}/review`} className="text-blue-800 underline">
          Weekly review
        </Link>{" "}
        / #{review.number}
      </p>
      <PageHeader
        title={`Review #${review.number}`}
        description={`Signed off by ${review.signedOffBy} at ${utc(review.signedOffAt)}, covering ${utc(review.since)} → ${utc(review.until)}. Frozen as it was seen then.`}
        actions={
          <div className="flex gap-2 text-sm">
            <a href={`${api}?format=md`} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-100">
              Download Markdown
            </a>
            <a href={`${api}?format=csv`} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-100">
              Download CSV
            </a>
          </div>
        }
      />
      <div className="space-y-6">
        <blockquote className="whitespace-pre-line rounded-lg border-l-4 border-blue-800 bg-white p-4 text-sm" data-testid="review-note">
          {review.note}
        </blockquote>
        <ReviewCounts review={review} />
        <OwnerTable review={review} />
        <ReviewLists review={review} orgSlug={actor.orgSlug} actions={null} />
        <BroadestCredentials list={review.broadest} frozen />
      </div>
    </>
  );
}
