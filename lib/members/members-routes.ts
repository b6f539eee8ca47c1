import "server-only";
import type { RouteDef } from "@/lib/http/define-route";
import { ListMembersSchema } from "./members-schema";
import { listMembers } from "./members-repo";
import { addMember, changeMemberRole, removeMember } from "./members-service";

export const listMembersRoute: RouteDef<typeof ListMembersSchema, Awaited<ReturnType<typeof listMembers>>> = {
  kind: "org-read",
  action: "member.list",
  permission: "member.read",
  input: ListMembersSchema,
  run: ({ db, actor }) => listMembers(db, actor.orgId),
};

export const addMemberRoute = { kind: "write", useCase: addMember, successStatus: 201 } as const;
export const changeMemberRoleRoute = { kind: "write", useCase: changeMemberRole } as const;
export const removeMemberRoute = { kind: "write", useCase: removeMember } as const;
