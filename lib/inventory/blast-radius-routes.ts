import "server-only";
import type { OrgReadRoute } from "@/lib/http/define-route";
import { BlastRadiusSchema } from "./blast-radius-schema";
import { computeBlastRadius, type BlastRadius } from "./blast-radius";

export const blastRadiusRoute: OrgReadRoute<typeof BlastRadiusSchema, BlastRadius> = {
  kind: "org-read",
  action: "inventory.blast_radius",
  permission: "inventory.read",
  input: BlastRadiusSchema,
  run: ({ db, actor, input }) => computeBlastRadius(db, actor.orgId, { type: input.type, id: input.id }),
};
