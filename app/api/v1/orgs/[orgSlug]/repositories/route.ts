import { defineRoute } from "@/lib/http/define-route";
import { listRepositoriesRoute } from "@/lib/inventory/inventory-routes";

export const GET = defineRoute(listRepositoriesRoute);
