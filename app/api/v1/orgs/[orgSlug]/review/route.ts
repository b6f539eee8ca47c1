import { defineRoute } from "@/lib/http/define-route";
import { reviewRoute } from "@/lib/findings/findings-routes";

export const GET = defineRoute(reviewRoute);
