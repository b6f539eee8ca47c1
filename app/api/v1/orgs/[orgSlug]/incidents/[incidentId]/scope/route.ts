import { defineRoute } from "@/lib/http/define-route";
import { addScopeRoute } from "@/lib/incidents/incident-routes";

export const POST = defineRoute(addScopeRoute);
