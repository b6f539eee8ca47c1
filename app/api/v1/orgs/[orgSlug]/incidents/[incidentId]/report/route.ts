import { defineRoute } from "@/lib/http/define-route";
import { incidentReportRoute } from "@/lib/incidents/incident-routes";

export const GET = defineRoute(incidentReportRoute);
