import { defineRoute } from "@/lib/http/define-route";
import { listWorkflowsRoute } from "@/lib/inventory/inventory-routes";

export const GET = defineRoute(listWorkflowsRoute);
