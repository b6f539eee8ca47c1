import { z } from "zod";
import { OrgSlugSchema } from "@/lib/members/members-schema";

export const ConnectGithubSchema = z.object({
  orgSlug: OrgSlugSchema,
  /** The App installation to use; absent in token mode. */
  installationId: z.coerce.number().int().positive().optional(),
});

export const StartSyncSchema = z.object({ orgSlug: OrgSlugSchema });
export const OrgOnlySchema = z.object({ orgSlug: OrgSlugSchema });
