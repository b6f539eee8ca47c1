import "server-only";
import type { OrgReadRoute } from "@/lib/http/define-route";
import { notFound } from "@/lib/http/errors";
import { FindingRefSchema, ListExceptionsSchema, ListReviewsSchema, ReviewQuerySchema, ReviewRefSchema } from "./findings-schema";
import { getFindingWithHistory } from "./findings-repo";
import { listExceptions } from "./exceptions-repo";
import { triageFinding } from "./findings-service";
import { grantException, revokeException } from "./exceptions-service";
import type { ExceptionDto, FindingDetailDto, FindingEventDto, ReviewDto, ReviewSummaryDto, SignedReviewDto } from "./findings-dto";
import { computeReview, defaultSince, getReview, listReviews } from "./review-repo";
import { reviewCsv, reviewMarkdown } from "./review-report";
import { signOffReview } from "./review-service";
import { WebhookRefSchema } from "./findings-schema";
import { webhookOf } from "./report-delivery";
import { configureReportWebhook, removeReportWebhook, reportWebhookDto, testReportWebhook, type ReportWebhookDto } from "./report-webhook-service";

export const findingDetailRoute: OrgReadRoute<typeof FindingRefSchema, FindingDetailDto & { history: FindingEventDto[] }> = {
  kind: "org-read",
  action: "finding.read",
  permission: "finding.read",
  input: FindingRefSchema,
  run: async ({ db, actor, input }) => {
    const found = await getFindingWithHistory(db, actor.orgId, input.findingId);
    if (!found) throw notFound("Finding");
    return found;
  },
};

export const listExceptionsRoute: OrgReadRoute<typeof ListExceptionsSchema, ExceptionDto[]> = {
  kind: "org-read",
  action: "exception.list",
  permission: "finding.read",
  input: ListExceptionsSchema,
  run: ({ db, actor, input }) => listExceptions(db, actor.orgId, input.status),
};

export const triageFindingRoute = { kind: "write", useCase: triageFinding } as const;
export const grantExceptionRoute = { kind: "write", useCase: grantException, successStatus: 201 } as const;
export const revokeExceptionRoute = { kind: "write", useCase: revokeException } as const;

export const reviewRoute: OrgReadRoute<typeof ReviewQuerySchema, ReviewDto> = {
  kind: "org-read",
  action: "review.read",
  permission: "finding.read",
  input: ReviewQuerySchema,
  run: async ({ db, actor, input }) => {
    const until = new Date();
    const fallback = await defaultSince(db, actor.orgId, until);
    return computeReview(db, actor.orgId, input.since ?? fallback.since, until, fallback.baseline);
  },
};

export const listReviewsRoute: OrgReadRoute<typeof ListReviewsSchema, ReviewSummaryDto[]> = {
  kind: "org-read",
  action: "review.list",
  permission: "finding.read",
  input: ListReviewsSchema,
  run: ({ db, actor }) => listReviews(db, actor.orgId),
};

/** A signed-off review: JSON in the API's envelope, or the report as a Markdown or CSV file. */
export const reviewDetailRoute: OrgReadRoute<typeof ReviewRefSchema, SignedReviewDto | Response> = {
  kind: "org-read",
  action: "review.read",
  permission: "finding.read",
  input: ReviewRefSchema,
  run: async ({ db, actor, input }) => {
    const review = await getReview(db, actor.orgId, input.reviewId);
    if (!review) throw notFound("Review");
    if (input.format === "json") return review;
    const md = input.format === "md";
    return new Response(md ? reviewMarkdown(review, actor.orgSlug) : reviewCsv(review), {
      headers: {
        "content-type": md ? "text/markdown; charset=utf-8" : "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="gatehouse-${actor.orgSlug}-review-${review.number}.${input.format}"`,
        "cache-control": "no-store",
      },
    });
  },
};

export const signOffRoute = { kind: "write", useCase: signOffReview, successStatus: 201 } as const;

/** Where the weekly report goes (admins): the host and options, never the URL. */
export const reportWebhookRoute: OrgReadRoute<typeof WebhookRefSchema, ReportWebhookDto | null> = {
  kind: "org-read",
  action: "report_webhook.read",
  permission: "report.manage",
  input: WebhookRefSchema,
  run: async ({ db, actor }) => {
    const row = await webhookOf(db, actor.orgId);
    return row ? reportWebhookDto(row) : null;
  },
};
export const configureReportWebhookRoute = { kind: "write", useCase: configureReportWebhook } as const;
export const removeReportWebhookRoute = { kind: "write", useCase: removeReportWebhook } as const;
export const testReportWebhookRoute = { kind: "write", useCase: testReportWebhook } as const;
