import { defineRoute } from "@/lib/http/define-route";
import { connectRoute, disconnectRoute } from "@/lib/connections/connection-routes";

export const POST = defineRoute(connectRoute);
export const DELETE = defineRoute(disconnectRoute);
