import { defineRoute } from "@/lib/http/define-route";
import { listAuditRoute } from "@/lib/audit/audit-routes";

export const GET = defineRoute(listAuditRoute);
