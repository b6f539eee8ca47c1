import { z } from "zod";
import { OrgSlugSchema } from "@/lib/members/members-schema";
import { TRIAGE_STATES } from "@/lib/db/schema/findings";

export const FindingRefSchema = z.object({ orgSlug: OrgSlugSchema, findingId: z.string().uuid({ message: "must be a finding id" }) });

/** An assignee: an org member's email, or an owner handle as CODEOWNERS writes it (@org/team, @user). */
export const ASSIGNEE_HANDLE = /^@[A-Za-z0-9][A-Za-z0-9-]*(\/[A-Za-z0-9._-]+)?$/;

export const TriageFindingSchema = FindingRefSchema.extend({
  state: z.enum(TRIAGE_STATES, { message: "must be open or acknowledged (accepted comes from an exception; fixed and regressed from a sync)" }).optional(),
  /** null or "" unassigns. */
  assignee: z
    .string()
    .trim()
    .max(320)
    .refine((a) => a === "" || a.includes("@"), { message: "must be a member's email or an owner handle such as @acme/platform" })
    .nullable()
    .optional(),
  note: z.string().trim().min(1, { message: "must not be empty" }).max(4000).optional(),
});

/** GitHub's secret names: letters, digits and underscores, not starting with a digit. */
const SecretNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,199}$/, { message: "must be a secret name (letters, digits, underscores)" });

/** The latest expiry an exception may have, granted at `now`: the same moment a year later. */
export function latestExpiry(now: Date): Date {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d;
}

export const ExceptionScopeSchema = z
  .strictObject(
    {
      findingId: z.string().uuid({ message: "must be a finding id" }).optional(),
      rule: z.string().trim().min(1, { message: "is required" }).max(100).optional(),
      repo: z.string().trim().min(1, { message: "is required" }).max(300).optional(),
      secret: SecretNameSchema.optional(),
    },
    { message: "must be { findingId }, { rule, repo } or { rule, secret }" },
  )
  .superRefine((s, ctx) => {
    const shape = [s.findingId !== undefined && "findingId", s.rule !== undefined && "rule", s.repo !== undefined && "repo", s.secret !== undefined && "secret"].filter(Boolean).join(",");
    if (shape === "findingId" || shape === "rule,repo" || shape === "rule,secret") return;
    ctx.addIssue({ code: "custom", message: "must be { findingId }, { rule, repo } or { rule, secret }: one finding, a rule in one repository, or a rule for one secret everywhere" });
  });

export const GrantExceptionSchema = z.object({
  orgSlug: OrgSlugSchema,
  scope: ExceptionScopeSchema,
  reason: z.string().trim().min(10, { message: "must say why this is accepted (at least 10 characters)" }).max(2000),
  expiresAt: z.coerce
    .date({ message: "must be a date (ISO 8601, e.g. 2027-03-31)" })
    .superRefine((d, ctx) => {
      const now = new Date();
      if (d.getTime() <= now.getTime()) ctx.addIssue({ code: "custom", message: "is in the past: choose a date within the next year" });
      else if (d.getTime() > latestExpiry(now).getTime()) ctx.addIssue({ code: "custom", message: "is more than a year away: an exception lasts at most a year (grant a new one when it expires)" });
    }),
});

export const ExceptionRefSchema = z.object({ orgSlug: OrgSlugSchema, exceptionId: z.string().uuid({ message: "must be an exception id" }) });
export const RevokeExceptionSchema = ExceptionRefSchema.extend({ reason: z.string().trim().min(1).max(2000).optional() });

export const ListExceptionsSchema = z.object({ orgSlug: OrgSlugSchema, status: z.enum(["active", "expired", "revoked"], { message: "must be active, expired or revoked" }).optional() });

const SinceSchema = z.coerce
  .date({ message: "must be a date (ISO 8601, e.g. 2026-11-30 or 2026-11-30T09:00:00Z)" })
  .refine((d) => d.getTime() < Date.now(), { message: "must be in the past: a review covers what happened since then" });

/** GET …/review: since the last sign-off unless `since` says otherwise. */
export const ReviewQuerySchema = z.object({ orgSlug: OrgSlugSchema, since: SinceSchema.optional() });

export const SignOffSchema = z.object({
  orgSlug: OrgSlugSchema,
  note: z.string().trim().min(3, { message: "must say what the review found or decided (at least 3 characters)" }).max(10_000),
  since: SinceSchema.optional(),
});

export const REVIEW_FORMATS = ["json", "md", "csv"] as const;
export const ReviewRefSchema = z.object({
  orgSlug: OrgSlugSchema,
  reviewId: z.string().uuid({ message: "must be a review id" }),
  format: z.enum(REVIEW_FORMATS, { message: "must be json, md or csv" }).default("json"),
});
export const ListReviewsSchema = z.object({ orgSlug: OrgSlugSchema });

/** Hosts where plain http never leaves the machine (a local relay, the tests' receiver). */
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** A Slack-compatible incoming webhook: https (http only to this machine), no credentials in it besides its path. */
export const WebhookUrlSchema = z
  .string()
  .trim()
  .max(2000, { message: "is too long for a webhook URL" })
  .url({ message: "must be the incoming webhook's URL, such as https://hooks.slack.com/services/T…/B…/…" })
  .refine(
    (v) => {
      const u = new URL(v);
      return u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK.has(u.hostname));
    },
    { message: "must start with https:// (plain http only to localhost)" },
  )
  .refine((v) => !new URL(v).username && !new URL(v).password, { message: "must not carry a user name or password" });

export const ConfigureWebhookSchema = z.object({
  orgSlug: OrgSlugSchema,
  /** Omitted: keep the stored URL (so changing when it is sent does not ask for the secret again). */
  url: WebhookUrlSchema.optional(),
  onSignOff: z.boolean({ message: "must be true or false" }),
  weekly: z.boolean({ message: "must be true or false" }),
});

export const WebhookRefSchema = z.object({ orgSlug: OrgSlugSchema });
