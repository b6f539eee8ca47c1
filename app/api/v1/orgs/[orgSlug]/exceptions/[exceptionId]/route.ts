import { defineRoute } from "@/lib/http/define-route";
import { revokeExceptionRoute } from "@/lib/findings/findings-routes";

export const DELETE = defineRoute(revokeExceptionRoute);
