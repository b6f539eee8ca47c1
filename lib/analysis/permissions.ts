import type { RepoContext } from "./context";
import { entries, isString, type TemplateToken } from "./tree";
import type { PermissionLevel, PermissionMap, Permissions, PermissionsSource } from "./types";

// GITHUB_TOKEN permission semantics:
// - a job's `permissions:` replaces the workflow's entirely (no merging);
// - inside an explicit block, an absent scope is `none` (`{}` grants nothing but metadata);
// - with no block at either level the job inherits the repository/organisation default.

export const SCOPES = [
  "actions",
  "attestations",
  "checks",
  "contents",
  "deployments",
  "discussions",
  "id-token",
  "issues",
  "models",
  "packages",
  "pages",
  "pull-requests",
  "repository-projects",
  "security-events",
  "statuses",
] as const;

/** Parses a `permissions:` value; `undefined` when the key is absent or unreadable. */
export function readPermissions(token: TemplateToken | undefined): Permissions | undefined {
  if (token === undefined) return undefined;
  if (isString(token)) {
    if (token.value === "read-all" || token.value === "write-all") return token.value;
    return undefined;
  }
  const map: PermissionMap = {};
  let any = false;
  for (const [scope, value] of entries(token)) {
    any = true;
    const level = isString(value) ? value.value : "";
    if (level === "read" || level === "write" || level === "none") map[scope] = level;
  }
  // An empty mapping is `{}`; a non-mapping that is not a shorthand is unreadable.
  return any || (token as { count?: number }).count === 0 ? map : undefined;
}

const RESTRICTED_DEFAULT: PermissionMap = { contents: "read", packages: "read" };
const PERMISSIVE_DEFAULT: PermissionMap = Object.fromEntries(
  SCOPES.filter((s) => s !== "id-token" && s !== "models" && s !== "attestations").map((s) => [s, "write" as const]),
);

export interface EffectivePermissions {
  permissions: Permissions;
  source: PermissionsSource;
}

export function effectivePermissions(
  job: Permissions | undefined,
  workflow: Permissions | undefined,
  context: RepoContext | undefined,
): EffectivePermissions {
  if (job !== undefined) return { permissions: job, source: "job" };
  if (workflow !== undefined) return { permissions: workflow, source: "workflow" };
  const def = context?.defaultWorkflowPermissions;
  if (def === "read") return { permissions: { ...RESTRICTED_DEFAULT }, source: "default" };
  if (def === "write") return { permissions: { ...PERMISSIVE_DEFAULT }, source: "default" };
  return { permissions: null, source: "default" };
}

export function levelOf(p: Permissions, scope: string): PermissionLevel | "unknown" {
  if (p === null) return "unknown";
  if (p === "read-all") return scope === "id-token" ? "none" : "read";
  if (p === "write-all") return "write";
  return p[scope] ?? "none";
}

export function writeScopes(p: Permissions): string[] {
  if (p === null) return [];
  if (p === "write-all") return [...SCOPES];
  if (p === "read-all") return [];
  return Object.entries(p)
    .filter(([, level]) => level === "write")
    .map(([scope]) => scope);
}

export function hasIdToken(p: Permissions): boolean {
  return levelOf(p, "id-token") === "write";
}
