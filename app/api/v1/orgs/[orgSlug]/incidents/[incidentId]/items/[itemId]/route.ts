import { defineRoute } from "@/lib/http/define-route";
import { updateItemRoute } from "@/lib/incidents/incident-routes";

export const PATCH = defineRoute(updateItemRoute);
