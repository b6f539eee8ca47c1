import { defineRoute } from "@/lib/http/define-route";
import { listTrustsRoute } from "@/lib/trust-sources/trust-sources-routes";

export const GET = defineRoute(listTrustsRoute);
