import { z } from "zod";
import { OrgSlugSchema } from "@/lib/members/members-schema";

export const BLAST_TARGETS = ["workflow", "job", "secret", "identity", "action", "trust"] as const;

export const BlastTargetSchema = z.object({
  type: z.enum(BLAST_TARGETS, { message: "must be workflow, job, secret, identity, action or trust" }),
  id: z.string().trim().min(1, { message: "is required" }).max(500),
});

export const BlastRadiusSchema = BlastTargetSchema.extend({ orgSlug: OrgSlugSchema });
export type BlastTarget = z.infer<typeof BlastTargetSchema>;
