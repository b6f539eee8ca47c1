import { defineRoute } from "@/lib/http/define-route";
import { secretValueRoute } from "@/lib/incidents/incident-routes";

export const POST = defineRoute(secretValueRoute);
