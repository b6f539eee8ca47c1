import "server-only";
import { eq, sql } from "drizzle-orm";
import { findingReviews } from "@/lib/db/schema";
import { auditEntry } from "@/lib/audit/define-event";
import type { UseCase } from "@/lib/door/use-case";
import { ReviewSignedOff } from "./findings-audit";
import { SignOffSchema } from "./findings-schema";
import { computeReview, defaultSince, signedReviewDto } from "./review-repo";
import type { SignedReviewDto } from "./findings-dto";
import { getDatabase } from "@/lib/db";
import { enqueue } from "@/lib/jobs/queue";
import { webhookOf } from "./report-delivery";

/**
 * A reviewer (responder or admin) signs off the review as it stands now, with a note: the
 * counts and lists are frozen in `finding_review` (never changed after), and its `until`
 * becomes the next review's default `since`. Sign-offs of one org are serialised and numbered.
 */
export const signOffReview: UseCase<typeof SignOffSchema, SignedReviewDto> = {
  action: ReviewSignedOff.action,
  permission: "review.sign_off",
  input: SignOffSchema,
  async run({ tx, actor, input, audit }) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`finding-review:${actor.orgId}`}))`);
    const until = new Date();
    const fallback = await defaultSince(tx, actor.orgId, until);
    const since = input.since ?? fallback.since;
    const review = await computeReview(tx, actor.orgId, since, until, fallback.baseline);
    const [{ next }] = (await tx
      .select({ next: sql<number>`coalesce(max(${findingReviews.number}), 0) + 1` })
      .from(findingReviews)
      .where(eq(findingReviews.orgId, actor.orgId))) as [{ next: number }];
    const [row] = await tx
      .insert(findingReviews)
      .values({ orgId: actor.orgId, number: Number(next), since, until, signedOffBy: actor.user.email, note: input.note, counts: review.counts, review: review as unknown as Record<string, unknown> })
      .returning();
    await audit(auditEntry(ReviewSignedOff, { id: row!.id, label: `Review #${row!.number}` }, { number: row!.number, since: since.toISOString(), until: until.toISOString(), counts: { ...review.counts } }));
    return signedReviewDto(row!);
  },
  // The report goes to the webhook (if one is set for sign-offs) from a job: the sign-off never
  // waits for it, and a webhook that fails leaves it standing (report-delivery.ts records why).
  async afterCommit(review, actor) {
    const handle = await getDatabase();
    if ((await webhookOf(handle.db, actor.orgId))?.onSignOff) await enqueue(handle, "report-deliver", { orgId: actor.orgId, reviewId: review.id });
  },
};
