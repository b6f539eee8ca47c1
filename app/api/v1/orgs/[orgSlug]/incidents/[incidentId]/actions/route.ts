import { defineRoute } from "@/lib/http/define-route";
import { incidentActionRoute } from "@/lib/incidents/incident-routes";

export const POST = defineRoute(incidentActionRoute);
