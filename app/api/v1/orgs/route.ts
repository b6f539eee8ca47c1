import { defineRoute } from "@/lib/http/define-route";
import { listMyOrgsRoute } from "@/lib/orgs/orgs-routes";

export const GET = defineRoute(listMyOrgsRoute);
