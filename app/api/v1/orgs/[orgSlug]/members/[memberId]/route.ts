import { defineRoute } from "@/lib/http/define-route";
import { changeMemberRoleRoute, removeMemberRoute } from "@/lib/members/members-routes";

export const PATCH = defineRoute(changeMemberRoleRoute);
export const DELETE = defineRoute(removeMemberRoute);
