import "server-only";

// What the sync needs from a GitHub App installation (ARCHITECTURE.md "Reader app" +
// github-api.md Appendix 1), reviewed as one table. `members` is not in the architecture's reader
// list but GitHub requires it for teams and team repositories (admin-team ownership).

type Level = "read" | "write" | "admin";

export interface PermissionNeed {
  permission: string;
  needed: "read" | "write";
  usedFor: string;
}

export interface PermissionCheck extends PermissionNeed {
  granted: Level | null;
  ok: boolean;
}

export const SYNC_PERMISSIONS: readonly PermissionNeed[] = [
  { permission: "metadata", needed: "read", usedFor: "list the organisation's repositories and their custom properties" },
  { permission: "contents", needed: "read", usedFor: "read workflow files, composite actions and CODEOWNERS" },
  { permission: "actions", needed: "read", usedFor: "list workflows and their state, environments, and repository OIDC subject templates" },
  { permission: "secrets", needed: "read", usedFor: "list repository secrets (names and dates, never values)" },
  { permission: "environments", needed: "read", usedFor: "list environment secrets and variables" },
  { permission: "actions_variables", needed: "read", usedFor: "read repository variables (they resolve vars.X in identities)" },
  { permission: "administration", needed: "read", usedFor: "read default workflow permissions, deploy keys and repository runners" },
  { permission: "organization_secrets", needed: "read", usedFor: "list organisation secrets, their visibility and selected repositories" },
  { permission: "organization_actions_variables", needed: "read", usedFor: "read organisation variables" },
  { permission: "organization_administration", needed: "read", usedFor: "read the organisation's default workflow permissions and OIDC subject template" },
  { permission: "organization_self_hosted_runners", needed: "read", usedFor: "list runner groups and organisation runners" },
  { permission: "organization_custom_properties", needed: "read", usedFor: "read custom properties (owner and criticality of repositories)" },
  { permission: "members", needed: "read", usedFor: "list teams and their repositories (owners from admin teams)" },
];

/**
 * What a sync's installation token is minted with: exactly the table above, read only. GitHub
 * narrows the token to these, so it cannot write even where the installation could.
 */
export const SYNC_TOKEN_PERMISSIONS: Readonly<Record<string, "read" | "write">> = Object.freeze(
  Object.fromEntries(SYNC_PERMISSIONS.map((p) => [p.permission, p.needed])),
);

const RANK: Record<Level, number> = { read: 1, write: 2, admin: 3 };

function levelOf(value: string | undefined): Level | null {
  return value === "read" || value === "write" || value === "admin" ? value : null;
}

/** Compares an installation's granted permissions with what the sync needs. */
export function checkPermissions(granted: Record<string, string>): PermissionCheck[] {
  return SYNC_PERMISSIONS.map((need) => {
    const level = levelOf(granted[need.permission]);
    return { ...need, granted: level, ok: level !== null && RANK[level] >= RANK[need.needed] };
  });
}
