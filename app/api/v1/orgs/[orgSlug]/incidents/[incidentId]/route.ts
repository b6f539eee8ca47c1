import { defineRoute } from "@/lib/http/define-route";
import { incidentDetailRoute } from "@/lib/incidents/incident-routes";

export const GET = defineRoute(incidentDetailRoute);
