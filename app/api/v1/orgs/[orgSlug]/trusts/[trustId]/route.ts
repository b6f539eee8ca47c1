import { defineRoute } from "@/lib/http/define-route";
import { trustDetailRoute } from "@/lib/trust-sources/trust-sources-routes";

export const GET = defineRoute(trustDetailRoute);
