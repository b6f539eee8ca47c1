// The resources the simulator serves, as the API server's discovery names them. Kubernetes
// messages name a resource by its plural, qualified by its group when it has one
// (`secrets`, `pipelineruns.tekton.dev`); lists are `<Kind>List`. Built-in lists carry their
// items without kind/apiVersion, custom resources' lists (served as unstructured) with them.

export interface KubeResource {
  resource: string;
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
  /** Served from a CustomResourceDefinition: present only when its API is installed. */
  crd: "tekton" | "pac" | null;
}

export const RESOURCES: readonly KubeResource[] = [
  { resource: "namespaces", group: "", version: "v1", kind: "Namespace", namespaced: false, crd: null },
  { resource: "serviceaccounts", group: "", version: "v1", kind: "ServiceAccount", namespaced: true, crd: null },
  { resource: "secrets", group: "", version: "v1", kind: "Secret", namespaced: true, crd: null },
  { resource: "roles", group: "rbac.authorization.k8s.io", version: "v1", kind: "Role", namespaced: true, crd: null },
  { resource: "rolebindings", group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding", namespaced: true, crd: null },
  { resource: "clusterroles", group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", namespaced: false, crd: null },
  { resource: "clusterrolebindings", group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding", namespaced: false, crd: null },
  { resource: "repositories", group: "pipelinesascode.tekton.dev", version: "v1alpha1", kind: "Repository", namespaced: true, crd: "pac" },
  { resource: "pipelineruns", group: "tekton.dev", version: "v1", kind: "PipelineRun", namespaced: true, crd: "tekton" },
];

export const apiVersionOf = (r: KubeResource): string => (r.group === "" ? r.version : `${r.group}/${r.version}`);

/** How Kubernetes names the resource in a Status message: `secrets`, `pipelineruns.tekton.dev`. */
export const qualifiedName = (r: KubeResource): string => (r.group === "" ? r.resource : `${r.resource}.${r.group}`);

export function resourceOfKind(apiVersion: string, kind: string): KubeResource | undefined {
  return RESOURCES.find((r) => r.kind === kind && apiVersionOf(r) === apiVersion);
}

export interface KubePath {
  r: KubeResource;
  /** null: a cluster-scoped resource, or a namespaced one listed across all namespaces. */
  namespace: string | null;
  name: string | null;
}

/**
 * `/api/v1[/namespaces/{ns}]/{resource}[/{name}]` and `/apis/{group}/{version}[/namespaces/{ns}]/{resource}[/{name}]`;
 * `/api/v1/namespaces/{name}` is the Namespace itself. Undefined when nothing is served there.
 */
export function parseKubePath(pathname: string, installed: ReadonlySet<string>): KubePath | undefined {
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.+?)\/?$/.exec(pathname);
  if (m === null) return undefined;
  const group = m[2] ?? "";
  const version = (m[1] ?? m[3]) as string;
  const parts = (m[4] as string).split("/").map(decodeURIComponent);
  let namespace: string | null = null;
  if (parts[0] === "namespaces" && parts.length >= 3) {
    namespace = parts[1] as string;
    parts.splice(0, 2);
  }
  if (parts.length > 2) return undefined;
  const [resource, name = null] = parts as [string, string?];
  const r = RESOURCES.find((x) => x.resource === resource && x.group === group && x.version === version);
  if (r === undefined || (r.crd !== null && !installed.has(r.crd))) return undefined;
  if (!r.namespaced && namespace !== null) return undefined;
  if (r.namespaced && namespace === null && name !== null) return undefined;
  return { r, namespace, name };
}
