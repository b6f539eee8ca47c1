import "server-only";
import type { OrgReadRoute } from "@/lib/http/define-route";
import { ListAuditSchema } from "./audit-schema";
import { listAuditEvents, type AuditPage } from "./audit-repo";

export const listAuditRoute: OrgReadRoute<typeof ListAuditSchema, AuditPage> = {
  kind: "org-read",
  action: "audit.list",
  permission: "audit.read",
  input: ListAuditSchema,
  run: ({ db, actor, input }) => listAuditEvents(db, actor.orgId, input),
};
