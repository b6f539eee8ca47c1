import "server-only";
import type { AnyUseCase, UseCase } from "@/lib/door/use-case";
import { auditEntry } from "@/lib/audit/define-event";
import { conflict, notFound } from "@/lib/http/errors";
import { ROLE_LABELS } from "@/lib/authz/roles";
import { AddMemberSchema, ChangeMemberRoleSchema, RemoveMemberSchema } from "./members-schema";
import { MemberAdded, MemberRemoved, MemberRoleChanged } from "./members-audit";
import type { MemberDto } from "./members-dto";
import {
  clearRemoval,
  deleteMember,
  findMember,
  findMemberByEmail,
  insertMember,
  lockAndCountAdmins,
  recordRemoval,
  updateMemberRole,
} from "./members-repo";

const LAST_ADMIN =
  "An organisation needs at least one admin: make another member admin first, then try again.";

export const addMember: UseCase<typeof AddMemberSchema, MemberDto> = {
  action: MemberAdded.action,
  permission: "member.manage",
  input: AddMemberSchema,
  async run({ tx, actor, input, audit }) {
    const existing = await findMemberByEmail(tx, actor.orgId, input.email);
    if (existing) {
      throw conflict(`${input.email} is already a member (${ROLE_LABELS[existing.role]}). Change their role instead.`);
    }
    const id = await insertMember(tx, actor.orgId, input.email, input.role);
    // An admin adding someone back lifts an earlier manual removal: sign-in may derive them again.
    await clearRemoval(tx, actor.orgId, input.email);
    await audit(auditEntry(MemberAdded, { id, label: input.email }, { email: input.email, role: input.role }));
    return (await findMember(tx, actor.orgId, id))!;
  },
};

export const changeMemberRole: UseCase<typeof ChangeMemberRoleSchema, MemberDto> = {
  action: MemberRoleChanged.action,
  permission: "member.manage",
  input: ChangeMemberRoleSchema,
  async run({ tx, actor, input, audit }) {
    const member = await findMember(tx, actor.orgId, input.memberId);
    if (!member) throw notFound("Member");
    if (member.role === input.role) {
      throw conflict(`${member.email} already has the ${ROLE_LABELS[input.role]} role.`);
    }
    if (member.role === "admin" && (await lockAndCountAdmins(tx, actor.orgId)) <= 1) throw conflict(LAST_ADMIN);
    await updateMemberRole(tx, actor.orgId, member.id, input.role);
    await audit(
      auditEntry(MemberRoleChanged, { id: member.id, label: member.email }, {
        email: member.email,
        from: member.role,
        to: input.role,
      }),
    );
    return (await findMember(tx, actor.orgId, member.id))!;
  },
};

export const removeMember: UseCase<typeof RemoveMemberSchema, { id: string }> = {
  action: MemberRemoved.action,
  permission: "member.manage",
  input: RemoveMemberSchema,
  async run({ tx, actor, input, audit }) {
    const member = await findMember(tx, actor.orgId, input.memberId);
    if (!member) throw notFound("Member");
    if (member.role === "admin" && (await lockAndCountAdmins(tx, actor.orgId)) <= 1) throw conflict(LAST_ADMIN);
    await deleteMember(tx, actor.orgId, member.id);
    // Remembered so that IdP groups or bootstrap admins do not bring them back at the next sign-in.
    await recordRemoval(tx, actor.orgId, member.email, actor.user);
    await audit(auditEntry(MemberRemoved, { id: member.id, label: member.email }, { email: member.email, role: member.role }));
    return { id: member.id };
  },
};

/** Every write use-case, for the authorisation matrix test. */
export const MEMBER_USE_CASES: readonly AnyUseCase[] = [addMember, changeMemberRole, removeMember];
