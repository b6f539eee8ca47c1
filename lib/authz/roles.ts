/**
 * The one permission table: role → permissions. Reviewed as a whole and snapshot-tested
 * (roles.test.ts); a change here shows up in review as a change of who may do what.
 * Each role includes everything the role before it has.
 */
export const ROLES = ["viewer", "responder", "admin"] as const;
export type Role = (typeof ROLES)[number];

const VIEWER = ["org.read", "inventory.read", "finding.read", "incident.read"] as const;
// review.sign_off: a reviewer signs off the week's review of findings (lib/findings).
const RESPONDER = [...VIEWER, "finding.triage", "review.sign_off", "incident.run", "owner.override", "sync.run"] as const;
const ADMIN = [
  ...RESPONDER,
  "member.read",
  "member.manage",
  "audit.read",
  "connection.manage",
  "exception.grant",
  // Where the weekly report is sent (a webhook URL, a secret) and when.
  "report.manage",
  // Cloud trust sources (lib/trust-sources): add an export or an API connection (credentials), read, remove.
  "trust.manage",
  // Re-enabling a workflow before a sync shows its cause gone, with a written reason.
  "incident.override",
] as const;

export type Permission = (typeof ADMIN)[number];

export const ROLE_GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: VIEWER,
  responder: RESPONDER,
  admin: ADMIN,
};

export const ALL_PERMISSIONS: readonly Permission[] = ADMIN;

export function roleGrants(role: Role, permission: Permission): boolean {
  return ROLE_GRANTS[role].includes(permission);
}

export const ROLE_LABELS: Record<Role, string> = {
  viewer: "Viewer",
  responder: "Responder",
  admin: "Admin",
};
