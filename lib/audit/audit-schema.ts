import { z } from "zod";
import { OrgSlugSchema } from "@/lib/members/members-schema";

export const AUDIT_PAGE_SIZE = 50;

export const ListAuditSchema = z.object({
  orgSlug: OrgSlugSchema,
  action: z.string().trim().max(100).optional(),
  actor: z.string().trim().toLowerCase().max(320).optional(),
  outcome: z.enum(["success", "denied", "failure"]).optional(),
  /** Show events with an id lower than this (the next page). */
  before: z.coerce.number().int().positive().optional(),
});

export type AuditFilters = z.infer<typeof ListAuditSchema>;
