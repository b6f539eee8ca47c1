import { defineRoute } from "@/lib/http/define-route";
import { listIncidentsRoute, startIncidentRoute } from "@/lib/incidents/incident-routes";

export const GET = defineRoute(listIncidentsRoute);
export const POST = defineRoute(startIncidentRoute);
