import { defineRoute } from "@/lib/http/define-route";
import { addMemberRoute, listMembersRoute } from "@/lib/members/members-routes";

export const GET = defineRoute(listMembersRoute);
export const POST = defineRoute(addMemberRoute);
