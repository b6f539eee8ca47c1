import { defineRoute } from "@/lib/http/define-route";
import { containPipelineRoute } from "@/lib/incidents/incident-routes";

export const POST = defineRoute(containPipelineRoute);
