import { defineRoute } from "@/lib/http/define-route";
import { reviewDetailRoute } from "@/lib/findings/findings-routes";

export const GET = defineRoute(reviewDetailRoute);
