import "server-only";
import { grantedSubset } from "../installation-auth";

// What each incident step may do on GitHub, reviewed as one table. A step's installation token is
// minted with exactly these permissions (GitHub adds `metadata: read` to every token) and scoped to
// the repositories it acts on, so a leaked token can do one kind of thing to a few repositories
// for at most an hour — and it is revoked as soon as the step's calls are done.

export type ResponderStep =
  | "list-runs"
  | "disable-workflows"
  | "enable-workflows"
  | "cancel-runs"
  | "delete-caches"
  | "delete-artifacts"
  | "delete-run-logs"
  | "delete-deploy-keys"
  | "write-secrets"
  | "list-releases";

export type PermissionLevel = "read" | "write";

/** Where a secret lives. */
export type SecretScope = "repository" | "organization" | "environment";

export const STEP_PERMISSIONS: Record<ResponderStep, Record<string, PermissionLevel>> = {
  // runs in the compromise window (exposure), their artifacts
  "list-runs": { actions: "read" },
  // PUT …/workflows/{id}/disable|enable (after a GET of its state)
  "disable-workflows": { actions: "write" },
  "enable-workflows": { actions: "write" },
  // POST …/runs/{id}/cancel, then force-cancel; lists the queued and in-progress runs
  "cancel-runs": { actions: "write" },
  "delete-caches": { actions: "write" },
  "delete-artifacts": { actions: "write" },
  "delete-run-logs": { actions: "write" },
  // DELETE …/keys/{id}: deploy keys are repository administration
  "delete-deploy-keys": { administration: "write" },
  // one of the three, by the secret's scope (see SECRET_SCOPE_PERMISSIONS): open the session with
  // `secretScope` and the token carries only that one
  "write-secrets": { secrets: "write", environments: "write", organization_secrets: "write" },
  // releases are repository contents
  "list-releases": { contents: "read" },
};

/** The write-secrets token narrowed to one scope: a repository secret's token cannot touch the organisation's. */
export const SECRET_SCOPE_PERMISSIONS: Record<SecretScope, Record<string, PermissionLevel>> = {
  repository: { secrets: "write" },
  organization: { organization_secrets: "write" },
  environment: { environments: "write" },
};

/** What a session's token is minted with. */
export function tokenPermissions(step: ResponderStep, secretScope?: SecretScope): Record<string, PermissionLevel> {
  if (step === "write-secrets" && secretScope) return { ...SECRET_SCOPE_PERMISSIONS[secretScope] };
  return { ...STEP_PERMISSIONS[step] };
}

/**
 * Everything the responder App must be granted for every step (the highest level any step needs,
 * plus metadata), for its installation's settings and the simulator's demo App.
 */
export const RESPONDER_PERMISSIONS: Readonly<Record<string, PermissionLevel>> = Object.freeze(
  Object.values(STEP_PERMISSIONS).reduce<Record<string, PermissionLevel>>(
    (all, step) => {
      for (const [name, level] of Object.entries(step)) if (all[name] !== "write") all[name] = level;
      return all;
    },
    { metadata: "read" },
  ),
);

/** The requested permissions an installation does not grant at that level, e.g. [["actions", "write"]]. */
export function missingPermissions(requested: Readonly<Record<string, PermissionLevel>>, granted: Readonly<Record<string, unknown>>): [string, PermissionLevel][] {
  const have = grantedSubset(requested, granted);
  return Object.entries(requested).filter(([name]) => have[name] === undefined);
}
