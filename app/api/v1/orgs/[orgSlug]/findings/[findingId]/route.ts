import { defineRoute } from "@/lib/http/define-route";
import { findingDetailRoute, triageFindingRoute } from "@/lib/findings/findings-routes";

export const GET = defineRoute(findingDetailRoute);
export const PATCH = defineRoute(triageFindingRoute);
