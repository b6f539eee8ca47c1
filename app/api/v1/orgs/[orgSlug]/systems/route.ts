import { defineRoute } from "@/lib/http/define-route";
import { listSystemsRoute } from "@/lib/inventory/credentials-routes";

export const GET = defineRoute(listSystemsRoute);
