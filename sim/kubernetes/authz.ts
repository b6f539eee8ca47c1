// What a bearer token may do, in RBAC's own terms: PolicyRules (apiGroups, resources, verbs,
// resourceNames; `*` matches anything) that hold cluster-wide, as through a
// ClusterRoleBinding, or only in `namespaces`, as through RoleBindings there.

export interface KubeSimRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
  /** Absent: cluster-wide. Present: only requests inside these namespaces. */
  namespaces?: string[];
}

export interface KubeSimToken {
  /** The user the API server authenticates, named in Forbidden messages (`system:serviceaccount:gatehouse:reader`). */
  user: string;
  rules: KubeSimRule[];
}

export interface KubeAccess {
  verb: string;
  group: string;
  resource: string;
  /** null: a cluster-scoped request (a cluster resource, or a list across all namespaces). */
  namespace: string | null;
  name: string | null;
}

const has = (list: readonly string[], value: string): boolean => list.includes("*") || list.includes(value);

/** RBAC's rule match (rbac/v1 helpers: VerbMatches, APIGroupMatches, ResourceMatches, ResourceNameMatches). */
export function allows(token: KubeSimToken, a: KubeAccess): boolean {
  return token.rules.some(
    (rule) =>
      has(rule.verbs, a.verb) &&
      has(rule.apiGroups, a.group) &&
      has(rule.resources, a.resource) &&
      (rule.resourceNames === undefined || rule.resourceNames.length === 0 || (a.name !== null && rule.resourceNames.includes(a.name))) &&
      (rule.namespaces === undefined || (a.namespace !== null && rule.namespaces.includes(a.namespace))),
  );
}
