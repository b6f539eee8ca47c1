import { defineRoute } from "@/lib/http/define-route";
import { grantExceptionRoute, listExceptionsRoute } from "@/lib/findings/findings-routes";

export const GET = defineRoute(listExceptionsRoute);
export const POST = defineRoute(grantExceptionRoute);
