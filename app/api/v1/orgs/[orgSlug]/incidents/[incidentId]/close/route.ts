import { defineRoute } from "@/lib/http/define-route";
import { closeIncidentRoute } from "@/lib/incidents/incident-routes";

export const POST = defineRoute(closeIncidentRoute);
