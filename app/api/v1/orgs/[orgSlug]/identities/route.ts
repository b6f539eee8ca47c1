import { defineRoute } from "@/lib/http/define-route";
import { listIdentitiesRoute } from "@/lib/inventory/credentials-routes";

export const GET = defineRoute(listIdentitiesRoute);
