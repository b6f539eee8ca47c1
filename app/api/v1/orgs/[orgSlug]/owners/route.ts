import { defineRoute } from "@/lib/http/define-route";
import { clearOwnerRoute, listOwnersRoute, setOwnerRoute } from "@/lib/inventory/credentials-routes";

export const GET = defineRoute(listOwnersRoute);
export const PUT = defineRoute(setOwnerRoute);
export const DELETE = defineRoute(clearOwnerRoute);
