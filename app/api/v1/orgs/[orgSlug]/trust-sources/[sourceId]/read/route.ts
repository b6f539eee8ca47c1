import { defineRoute } from "@/lib/http/define-route";
import { readTrustSourceRoute } from "@/lib/trust-sources/trust-sources-routes";

export const POST = defineRoute(readTrustSourceRoute);
