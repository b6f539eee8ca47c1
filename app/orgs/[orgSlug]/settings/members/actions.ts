"use server";

import { defineAction } from "@/lib/http/define-action";
import { addMember, changeMemberRole, removeMember } from "@/lib/members/members-service";

// Thin adapters: the one door authenticates, validates, checks member.manage and audits.
export const addMemberAction = defineAction(addMember);
export const changeMemberRoleAction = defineAction(changeMemberRole);
export const removeMemberAction = defineAction(removeMember);
