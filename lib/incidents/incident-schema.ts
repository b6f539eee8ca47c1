import { z } from "zod";
import { OrgSlugSchema } from "@/lib/members/members-schema";
import { INCIDENT_KINDS, ITEM_STATUSES, SEVERITIES } from "@/lib/db/schema/incidents";

const IsoDate = z.coerce.date({ message: "must be a date and time (ISO 8601, UTC)" });

export const WindowSchema = z
  .object({ from: IsoDate, to: IsoDate })
  .refine((w) => w.to.getTime() > w.from.getTime(), { message: "must end after it starts", path: ["to"] });

export const StartIncidentSchema = z.object({
  orgSlug: OrgSlugSchema,
  kind: z.enum(INCIDENT_KINDS, { message: "must be action, workflow, job, secret, identity, runner or repository" }),
  target: z.string().trim().min(1, { message: "is required" }).max(500),
  window: WindowSchema.optional(),
  title: z.string().trim().min(3, { message: "must say what happened (at least 3 characters)" }).max(200),
  severity: z.enum(SEVERITIES, { message: "must be low, medium, high or critical" }).default("high"),
  commander: z.string().trim().toLowerCase().email({ message: "must be an email address" }).optional(),
});

export const IncidentRefSchema = z.object({ orgSlug: OrgSlugSchema, incidentId: z.string().uuid({ message: "must be an incident id" }) });

export const UpdateItemSchema = IncidentRefSchema.extend({
  itemId: z.string().uuid({ message: "must be an item id" }),
  status: z.enum(ITEM_STATUSES, { message: "must be todo, in_progress, done, verified, skipped or failed" }).optional(),
  /** Required when skipping (why) or failing (the error). */
  reason: z.string().trim().min(1).max(2000).optional(),
  assignee: z.string().trim().max(320).nullable().optional(),
  note: z.string().trim().min(1).max(4000).optional(),
  evidence: z.string().trim().min(1).max(20_000).optional(),
});

export const AddScopeSchema = IncidentRefSchema.extend({ workflowIds: z.array(z.string().uuid()).min(1, { message: "name at least one workflow" }).max(500) });

export const CloseIncidentSchema = IncidentRefSchema.extend({ summary: z.string().trim().min(10, { message: "must say what happened and what was done (at least 10 characters)" }).max(20_000) });

export const ListIncidentsSchema = z.object({ orgSlug: OrgSlugSchema, status: z.enum(["open", "closed"]).optional() });
export const ReportSchema = IncidentRefSchema.extend({ format: z.enum(["md", "json"], { message: "must be md or json" }).default("md") });
