import { z } from "zod";
import { defineAuditEvent } from "@/lib/audit/define-event";
import { RoleSchema } from "./members-schema";

export const MemberAdded = defineAuditEvent(
  "member.add",
  "membership",
  z.object({ email: z.string(), role: RoleSchema }),
);

export const MemberRoleChanged = defineAuditEvent(
  "member.change_role",
  "membership",
  z.object({ email: z.string(), from: RoleSchema, to: RoleSchema }),
);

export const MemberRemoved = defineAuditEvent(
  "member.remove",
  "membership",
  z.object({ email: z.string(), role: RoleSchema }),
);
