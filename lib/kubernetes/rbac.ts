import type { Grant, PolicyRule, RbacFlag } from "./types";

// RBAC, read the way the API server's authorizer applies it (plugin/pkg/auth/authorizer/rbac):
// a binding holds for a ServiceAccount when a subject names it (ServiceAccount, or the User
// `system:serviceaccount:NS:NAME`) or a group it belongs to (`system:serviceaccounts`,
// `system:serviceaccounts:NS`, `system:authenticated`); a RoleBinding's rules hold in its own
// namespace, a ClusterRoleBinding's everywhere. Also the roles Gatehouse itself asks for.

const READ = ["get", "list", "watch"];

/**
 * What Gatehouse reads, and nothing else: `gatehouse-reader` (README.md). Secrets: `list` only,
 * asked for as PartialObjectMetadataList so their data never crosses the wire — though RBAC
 * cannot limit the verb to metadata (README.md says what that means, and how to do without).
 */
export const GATEHOUSE_READER_RULES: PolicyRule[] = [
  { apiGroups: [""], resources: ["namespaces", "serviceaccounts"], verbs: READ },
  { apiGroups: [""], resources: ["secrets"], verbs: ["list"] },
  { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterrolebindings", "clusterroles", "rolebindings", "roles"], verbs: READ },
  { apiGroups: ["pipelinesascode.tekton.dev"], resources: ["repositories"], verbs: READ },
  { apiGroups: ["tekton.dev"], resources: ["pipelineruns"], verbs: READ },
];

/** The incident writes (`gatehouse-responder`, bound beside the reader, per namespace by RoleBindings). */
export const GATEHOUSE_RESPONDER_RULES: PolicyRule[] = [
  { apiGroups: ["tekton.dev"], resources: ["pipelineruns"], verbs: ["patch"] },
  { apiGroups: [""], resources: ["secrets"], verbs: ["delete"] },
  { apiGroups: ["pipelinesascode.tekton.dev"], resources: ["repositories"], verbs: ["delete"] },
];

const list = (values: string[]): string => `[${values.map((v) => JSON.stringify(v)).join(", ")}]`;

/** A ClusterRole manifest, `kubectl apply -f -` ready. */
export function clusterRoleYaml(name: string, rules: PolicyRule[]): string {
  const body = rules.map((r) => [`  - apiGroups: ${list(r.apiGroups)}`, `    resources: ${list(r.resources)}`, ...(r.resourceNames ? [`    resourceNames: ${list(r.resourceNames)}`] : []), `    verbs: ${list(r.verbs)}`].join("\n"));
  return ["apiVersion: rbac.authorization.k8s.io/v1", "kind: ClusterRole", "metadata:", `  name: ${name}`, "rules:", ...body].join("\n") + "\n";
}

export interface BindingInput {
  kind: "RoleBinding" | "ClusterRoleBinding";
  /** null for a ClusterRoleBinding. */
  namespace: string | null;
  name: string;
  roleRef: { kind: string; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
}

export interface RoleInput {
  kind: "Role" | "ClusterRole";
  namespace: string | null;
  name: string;
  rules: PolicyRule[];
}

export const roleKey = (kind: string, namespace: string | null, name: string): string => (kind === "Role" ? `Role/${namespace ?? ""}/${name}` : `ClusterRole/${name}`);

const FLAG_ORDER: RbacFlag[] = ["cluster-admin", "wildcard-verbs", "wildcard-resources", "secrets-read", "escalation"];
const has = (values: string[] | undefined, v: string): boolean => (values ?? []).includes("*") || (values ?? []).includes(v);

export function flagsOf(rules: PolicyRule[], clusterWide: boolean, roleName: string | null): RbacFlag[] {
  const flags = new Set<RbacFlag>();
  const resourceRules = rules.filter((r) => (r.resources ?? []).length > 0);
  if (clusterWide && (roleName === "cluster-admin" || resourceRules.some((r) => r.verbs.includes("*") && r.resources.includes("*") && r.apiGroups.includes("*")))) flags.add("cluster-admin");
  if (resourceRules.some((r) => r.verbs.includes("*"))) flags.add("wildcard-verbs");
  if (resourceRules.some((r) => r.resources.includes("*"))) flags.add("wildcard-resources");
  if (resourceRules.some((r) => has(r.apiGroups, "") && has(r.resources, "secrets") && READ.some((v) => has(r.verbs, v)))) flags.add("secrets-read");
  // RBAC's own escalation paths: binding or widening roles, impersonating, minting another account's token.
  const escalates = (r: PolicyRule): boolean =>
    (has(r.apiGroups, "rbac.authorization.k8s.io") && ["roles", "clusterroles"].some((x) => has(r.resources, x)) && ["escalate", "bind"].some((v) => has(r.verbs, v))) ||
    (["users", "groups", "serviceaccounts"].some((x) => has(r.resources, x)) && has(r.verbs, "impersonate")) ||
    (has(r.apiGroups, "") && has(r.resources, "serviceaccounts/token") && has(r.verbs, "create"));
  if (resourceRules.some(escalates)) flags.add("escalation");
  return FLAG_ORDER.filter((f) => flags.has(f));
}

/** How `subjects` names the account, or null when no subject does. */
function matchingSubject(b: BindingInput, namespace: string, name: string): string | null {
  for (const s of b.subjects) {
    if (s.kind === "ServiceAccount" && s.name === name && (s.namespace ?? b.namespace) === namespace) return `ServiceAccount ${namespace}/${name}`;
    if (s.kind === "User" && s.name === `system:serviceaccount:${namespace}:${name}`) return `User ${s.name}`;
    if (s.kind === "Group" && ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"].includes(s.name)) return `Group ${s.name}`;
  }
  return null;
}

/** The grants a ServiceAccount holds; `missing` names bound roles that do not exist. */
export function grantsOf(account: { namespace: string; name: string }, bindings: BindingInput[], roles: ReadonlyMap<string, RoleInput>): { grants: Grant[]; missing: string[] } {
  const grants: Grant[] = [];
  const missing: string[] = [];
  for (const b of bindings) {
    const subject = matchingSubject(b, account.namespace, account.name);
    if (subject === null) continue;
    const key = roleKey(b.roleRef.kind, b.namespace, b.roleRef.name);
    const role = roles.get(key);
    const bindingName = b.namespace === null ? `${b.kind}/${b.name}` : `${b.kind}/${b.namespace}/${b.name}`;
    if (role === undefined) missing.push(`${bindingName} refers to ${key}, which does not exist`);
    const rules = role?.rules ?? [];
    grants.push({ binding: bindingName, role: key, namespace: b.namespace, subject, rules, flags: flagsOf(rules, b.namespace === null, b.roleRef.kind === "ClusterRole" ? b.roleRef.name : null) });
  }
  return { grants, missing };
}

export const unionFlags = (grants: Grant[]): RbacFlag[] => FLAG_ORDER.filter((f) => grants.some((g) => g.flags.includes(f)));
