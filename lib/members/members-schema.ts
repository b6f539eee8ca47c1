import { z } from "zod";
import { ROLES } from "@/lib/authz/roles";

export const OrgSlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{0,38}$/, { message: "must be a GitHub organisation login (letters, digits, hyphens)" });

export const RoleSchema = z.enum(ROLES, { message: "must be viewer, responder or admin" });

export const EmailSchema = z.string().trim().toLowerCase().email({ message: "must be an email address" }).max(320);

export const AddMemberSchema = z.object({ orgSlug: OrgSlugSchema, email: EmailSchema, role: RoleSchema });

export const ChangeMemberRoleSchema = z.object({
  orgSlug: OrgSlugSchema,
  memberId: z.string().uuid({ message: "must be a member id" }),
  role: RoleSchema,
});

export const RemoveMemberSchema = z.object({
  orgSlug: OrgSlugSchema,
  memberId: z.string().uuid({ message: "must be a member id" }),
});

export const ListMembersSchema = z.object({ orgSlug: OrgSlugSchema });
