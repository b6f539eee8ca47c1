import { defineRoute } from "@/lib/http/define-route";
import { listReviewsRoute, signOffRoute } from "@/lib/findings/findings-routes";

export const GET = defineRoute(listReviewsRoute);
export const POST = defineRoute(signOffRoute);
