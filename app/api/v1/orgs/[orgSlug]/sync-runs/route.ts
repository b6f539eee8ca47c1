import { defineRoute } from "@/lib/http/define-route";
import { startSyncRoute } from "@/lib/connections/connection-routes";

export const POST = defineRoute(startSyncRoute);
