import { z } from "zod";
import { defineAuditEvent } from "@/lib/audit/define-event";

const Target = {
  targetType: z.enum(["repository", "workflow"]),
  repository: z.string(),
  workflowPath: z.string().nullable(),
};

/** An owner set by hand on a repository or a workflow; `from` is the owner shown before. */
export const OwnerOverridden = defineAuditEvent(
  "owner.override",
  "owner",
  z.object({ ...Target, from: z.string().nullable(), to: z.string() }),
);

/** A hand-set owner removed: the owner the sync derives applies again. */
export const OwnerOverrideCleared = defineAuditEvent(
  "owner.clear_override",
  "owner",
  z.object({ ...Target, from: z.string(), to: z.string().nullable() }),
);
