// GitHub App permission model. Levels are ordered read < write < admin.
// Installation tokens always hold metadata:read (GitHub grants it to every installation).

export type PermissionLevel = "read" | "write" | "admin";
export type Permissions = Record<string, PermissionLevel>;

/** One acceptable grant; a route accepts any of several (GitHub's `a=read; b=read` header). */
export type PermissionNeed = readonly [name: string, level: PermissionLevel];

const RANK: Record<PermissionLevel, number> = { read: 1, write: 2, admin: 3 };

export function hasPermission(granted: Permissions, need: PermissionNeed): boolean {
  const have = granted[need[0]];
  return have !== undefined && RANK[have] >= RANK[need[1]];
}

/** Value of GitHub's `x-accepted-github-permissions` header for a set of alternatives. */
export function acceptedPermissionsHeader(needs: readonly PermissionNeed[]): string {
  return needs.map(([name, level]) => `${name}=${level}`).join("; ");
}

/** The read-only "reader app" set (ARCHITECTURE.md) plus the responder writes; the sim default. */
export const DEFAULT_INSTALLATION_PERMISSIONS: Permissions = {
  metadata: "read",
  actions: "write",
  contents: "read",
  secrets: "write",
  environments: "write",
  actions_variables: "read",
  administration: "write",
  members: "read",
  organization_secrets: "write",
  organization_actions_variables: "read",
  organization_administration: "read",
  organization_self_hosted_runners: "read",
  organization_custom_properties: "read",
};

/**
 * The responder App's default grants in the simulator: the writes of the incident playbook
 * (workflows, runs, caches, artifacts, logs; secrets at every scope; deploy keys) and the reads
 * they need (releases are `contents`). Matches `RESPONDER_PERMISSIONS` of lib/github/responder.
 */
export const RESPONDER_INSTALLATION_PERMISSIONS: Permissions = {
  metadata: "read",
  actions: "write",
  contents: "read",
  secrets: "write",
  environments: "write",
  administration: "write",
  organization_secrets: "write",
};

/** Narrowing requested in a token body must be a subset of the installation's grants. */
export function narrowPermissions(
  granted: Permissions,
  requested: Record<string, unknown> | undefined,
): Permissions | { error: string } {
  if (!requested) return { ...granted };
  const result: Permissions = { metadata: "read" };
  for (const [name, level] of Object.entries(requested)) {
    if (level !== "read" && level !== "write" && level !== "admin") return { error: `Invalid level for ${name}` };
    if (!hasPermission(granted, [name, level])) {
      return { error: `The permissions requested are not granted to this installation.` };
    }
    result[name] = level;
  }
  return result;
}
