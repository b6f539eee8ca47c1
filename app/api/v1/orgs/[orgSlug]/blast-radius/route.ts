import { defineRoute } from "@/lib/http/define-route";
import { blastRadiusRoute } from "@/lib/inventory/blast-radius-routes";

export const GET = defineRoute(blastRadiusRoute);
