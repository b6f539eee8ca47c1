import { defineRoute } from "@/lib/http/define-route";
import { removeTrustSourceRoute } from "@/lib/trust-sources/trust-sources-routes";

export const DELETE = defineRoute(removeTrustSourceRoute);
