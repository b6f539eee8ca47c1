import { defineRoute } from "@/lib/http/define-route";
import { exportRoute } from "@/lib/inventory/export-routes";

export const GET = defineRoute(exportRoute);
