import { Badge, type BadgeTone } from "@/components/ui/badge";
import { ROLE_LABELS, type Role } from "@/lib/authz/roles";

const TONE: Record<Role, BadgeTone> = { viewer: "neutral", responder: "amber", admin: "blue" };

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={TONE[role]}>{ROLE_LABELS[role]}</Badge>;
}
