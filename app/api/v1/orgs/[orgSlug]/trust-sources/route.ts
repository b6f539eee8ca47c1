import { defineRoute } from "@/lib/http/define-route";
import { createTrustSourceRoute, listTrustSourcesRoute } from "@/lib/trust-sources/trust-sources-routes";

export const GET = defineRoute(listTrustSourcesRoute);
export const POST = defineRoute(createTrustSourceRoute);
