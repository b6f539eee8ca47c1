import "server-only";
import type { V1PolicyRule, V1RoleBinding } from "@kubernetes/client-node";
import { CloudReadError } from "../cloud/types";
import { isApiStatus, kubeClients, listAll, METADATA_ONLY, type KubeClients } from "./client";
import { grantsOf, roleKey, unionFlags, type BindingInput, type RoleInput } from "./rbac";
import { repositoryOf, runningPipelineRunOf, secretsOf, workloadIdentities, type SecretMeta } from "./shapes";
import type { ClusterRead, KubeConnection, NamespaceRead, PacRepositoryRead, PipelineRunRead, PolicyRule } from "./types";

// One read of a cluster: its namespaces (or the ones named), each namespace's ServiceAccounts
// with what they can do, the Pipelines-as-Code Repositories and the running PipelineRuns.
// Every call is a paged list; secrets are listed as metadata only. README.md lists the calls.

export interface ReadClusterOptions {
  /** Read only these namespaces (a connection bound by RoleBindings there); all namespaces otherwise. */
  namespaces?: string[];
  /** Items per page (limit); default 500. */
  pageSize?: number;
}

const RBAC = "rbac.authorization.k8s.io";

type Page<T> = Promise<{ items?: T[] | null; metadata?: { _continue?: string; continue?: string } | null }>;

function policyRules(rules: V1PolicyRule[] | undefined): PolicyRule[] {
  return (rules ?? []).map((r) => ({
    apiGroups: r.apiGroups ?? [],
    resources: r.resources ?? [],
    verbs: r.verbs,
    ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}),
    ...(r.nonResourceURLs?.length ? { nonResourceURLs: r.nonResourceURLs } : {}),
  }));
}

const bindingInput = (kind: BindingInput["kind"], b: V1RoleBinding): BindingInput => ({
  kind,
  namespace: kind === "RoleBinding" ? (b.metadata?.namespace ?? "") : null,
  name: b.metadata?.name ?? "",
  roleRef: { kind: b.roleRef.kind, name: b.roleRef.name },
  subjects: (b.subjects ?? []).map((s) => ({ kind: s.kind, name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}) })),
});

export async function readCluster(conn: KubeConnection, options: ReadClusterOptions = {}): Promise<ClusterRead> {
  const clients: KubeClients = kubeClients(conn);
  const { core, rbac, custom } = clients;
  const limit = options.pageSize ?? 500;
  const warnings: string[] = [];
  const scoped = options.namespaces !== undefined;
  const names = scoped
    ? [...new Set(options.namespaces)].sort()
    : (await listAll(clients, { verb: "list", resource: "namespaces", group: "", namespace: null }, (c) => core.listNamespace({ limit, _continue: c }))).map((n) => n.metadata?.name ?? "").filter((n) => n !== "");

  /** One list per namespace when scoped, else one list across all namespaces. */
  const across = async <T>(resource: string, group: string, one: (ns: string, cont: string | undefined) => Page<T>, all: (cont: string | undefined) => Page<T>): Promise<T[]> =>
    scoped ? (await Promise.all(names.map((ns) => listAll(clients, { verb: "list", resource, group, namespace: ns }, (c) => one(ns, c))))).flat() : listAll(clients, { verb: "list", resource, group, namespace: null }, all);

  /** A custom resource's list; its API being absent (404) is a warning, not a failure. */
  const customList = async (group: string, version: string, plural: string, product: string): Promise<{ items: unknown[]; warning: string | null }> => {
    let absent = false;
    const guard = async (p: Promise<unknown>): Page<unknown> => {
      try {
        return (await p) as Awaited<Page<unknown>>;
      } catch (error) {
        if (!isApiStatus(error, 404)) throw error;
        absent = true;
        return { items: [] };
      }
    };
    const items = await across(plural, group, (namespace, c) => guard(custom.listNamespacedCustomObject({ group, version, namespace, plural, limit, _continue: c })), (c) => guard(custom.listCustomObjectForAllNamespaces({ group, version, plural, limit, _continue: c })));
    return { items, warning: absent ? `${product} is not installed on ${clients.server} (the API server does not serve ${plural}.${group}/${version}): none were read.` : null };
  };

  const secretMetas = async (): Promise<{ metas: SecretMeta[] | null; warning: string | null }> => {
    try {
      const items = await across("secrets", "", (namespace, c) => core.listNamespacedSecret({ namespace, limit, _continue: c }, METADATA_ONLY), (c) => core.listSecretForAllNamespaces({ limit, _continue: c }, METADATA_ONLY));
      return { metas: items.map((s) => ({ name: `${s.metadata?.namespace ?? ""}/${s.metadata?.name ?? ""}`, annotations: s.metadata?.annotations ?? {} })), warning: null };
    } catch (error) {
      if (!(error instanceof CloudReadError) || error.kind !== "denied") throw error;
      return { metas: null, warning: `Secrets' metadata was not read, so token secrets an account does not list are missed and the kind of those it lists is unknown: ${error.message}` };
    }
  };

  const [accounts, { metas, warning: secretsWarning }, roleBindings, roles, clusterRoleBindings, clusterRoles, pac, tekton] = await Promise.all([
    across("serviceaccounts", "", (namespace, c) => core.listNamespacedServiceAccount({ namespace, limit, _continue: c }), (c) => core.listServiceAccountForAllNamespaces({ limit, _continue: c })),
    secretMetas(),
    across("rolebindings", RBAC, (namespace, c) => rbac.listNamespacedRoleBinding({ namespace, limit, _continue: c }), (c) => rbac.listRoleBindingForAllNamespaces({ limit, _continue: c })),
    across("roles", RBAC, (namespace, c) => rbac.listNamespacedRole({ namespace, limit, _continue: c }), (c) => rbac.listRoleForAllNamespaces({ limit, _continue: c })),
    listAll(clients, { verb: "list", resource: "clusterrolebindings", group: RBAC, namespace: null }, (c) => rbac.listClusterRoleBinding({ limit, _continue: c })),
    listAll(clients, { verb: "list", resource: "clusterroles", group: RBAC, namespace: null }, (c) => rbac.listClusterRole({ limit, _continue: c })),
    customList("pipelinesascode.tekton.dev", "v1alpha1", "repositories", "Pipelines-as-Code"),
    customList("tekton.dev", "v1", "pipelineruns", "Tekton Pipelines"),
  ]);

  const bindings = [...clusterRoleBindings.map((b) => bindingInput("ClusterRoleBinding", b)), ...roleBindings.map((b) => bindingInput("RoleBinding", b))];
  const roleMap = new Map<string, RoleInput>([
    ...roles.map((r): [string, RoleInput] => [roleKey("Role", r.metadata?.namespace ?? "", r.metadata?.name ?? ""), { kind: "Role", namespace: r.metadata?.namespace ?? "", name: r.metadata?.name ?? "", rules: policyRules(r.rules) }]),
    ...clusterRoles.map((r): [string, RoleInput] => [roleKey("ClusterRole", null, r.metadata?.name ?? ""), { kind: "ClusterRole", namespace: null, name: r.metadata?.name ?? "", rules: policyRules(r.rules) }]),
  ]);

  // Warnings in a fixed order, whatever order the lists finished in.
  warnings.push(...[secretsWarning, pac.warning, tekton.warning].filter((w) => w !== null));
  const repos: PacRepositoryRead[] = [];
  for (const raw of pac.items) {
    const r = repositoryOf(raw);
    if (typeof r === "string") warnings.push(r);
    else repos.push(r);
  }
  const running: PipelineRunRead[] = [];
  for (const raw of tekton.items) {
    const r = runningPipelineRunOf(raw);
    if (typeof r === "string") warnings.push(r);
    else if (r !== null) running.push(r);
  }

  const missing = new Set<string>();
  const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const namespaces: NamespaceRead[] = names.map((ns) => {
    const serviceAccounts = accounts
      .filter((a) => a.metadata?.namespace === ns)
      .map((a) => {
        const name = a.metadata?.name ?? "";
        const identity = workloadIdentities(a.metadata?.annotations, `${ns}/${name}`);
        warnings.push(...identity.warnings);
        const nsMetas = metas === null ? null : metas.filter((m) => m.name.startsWith(`${ns}/`)).map((m) => ({ ...m, name: m.name.slice(ns.length + 1) }));
        const { grants, missing: gone } = grantsOf({ namespace: ns, name }, bindings, roleMap);
        gone.forEach((g) => missing.add(g));
        return {
          namespace: ns,
          name,
          uid: a.metadata?.uid ?? null,
          workloadIdentities: identity.identities,
          secrets: secretsOf(name, (a.secrets ?? []).map((s) => s.name ?? "").filter((s) => s !== ""), nsMetas),
          imagePullSecrets: (a.imagePullSecrets ?? []).map((s) => s.name ?? "").filter((s) => s !== ""),
          automountToken: a.automountServiceAccountToken ?? null,
          grants,
          flags: unionFlags(grants),
        };
      })
      .sort(byName);
    if (scoped && serviceAccounts.length === 0) warnings.push(`Namespace ${ns} has no ServiceAccounts (every namespace has \`default\`): check that it exists.`);
    return { name: ns, serviceAccounts, repositories: repos.filter((r) => r.namespace === ns).sort(byName), runningPipelineRuns: running.filter((r) => r.namespace === ns).sort(byName) };
  });
  warnings.push(...[...missing].sort().map((m) => `${m}: that binding grants nothing.`));
  return { server: clients.server, namespaces, warnings };
}
