import { defineRoute } from "@/lib/http/define-route";
import { latestSyncRunRoute } from "@/lib/connections/connection-routes";

export const GET = defineRoute(latestSyncRunRoute);
