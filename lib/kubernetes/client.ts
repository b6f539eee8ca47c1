import "server-only";
import { ApiException, CoreV1Api, CustomObjectsApi, KubeConfig, RbacAuthorizationV1Api, setHeaderOptions } from "@kubernetes/client-node";
import { CloudReadError } from "../cloud/types";
import type { KubeConnection } from "./types";

// @kubernetes/client-node set up from a KubeConnection, and its failures as sentences. A
// kubeconfig is accepted with inline credentials only: `exec` and `auth-provider` users would
// run programs on Gatehouse's server, and file paths would read its disk.

export interface KubeClients {
  server: string;
  core: CoreV1Api;
  rbac: RbacAuthorizationV1Api;
  custom: CustomObjectsApi;
}

/** One request, named in a failure: `list` `secrets` in `acme-ci`. */
export interface KubeRequest {
  verb: string;
  resource: string;
  group: string;
  /** null: cluster-wide (a cluster resource, or a list across all namespaces). */
  namespace: string | null;
  name?: string;
}

/** Request options asking for Kubernetes' metadata-only rendering of a list: names, labels, annotations; never a secret's data. */
export const METADATA_ONLY = setHeaderOptions("Accept", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");

const bad = (message: string): CloudReadError => new CloudReadError(message, "credentials");

function checkServer(server: string | undefined, skipTLSVerify: boolean): string {
  let url: URL;
  try {
    url = new URL(server ?? "");
  } catch {
    throw bad(`The Kubernetes API server "${server ?? ""}" is not a URL: give it as https://host[:port].`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw bad(`The Kubernetes API server ${server ?? ""} is not http(s): give it as https://host[:port].`);
  // client-node itself refuses plain HTTP unless TLS verification is off; say so before it does.
  if (url.protocol === "http:" && !skipTLSVerify) throw bad(`The Kubernetes API server ${server ?? ""} is plain http://: use https:// (client-node sends credentials over http only with skipTLSVerify set, for a local simulator).`);
  return (server ?? "").replace(/\/+$/, "");
}

function fromKubeconfig(text: string, context: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (error) {
    throw bad(`The kubeconfig could not be read (${error instanceof Error ? error.message : String(error)}): paste the whole file as \`kubectl config view --minify --flatten\` prints it.`);
  }
  if (context !== undefined) {
    if (kc.getContextObject(context) === null) throw bad(`The kubeconfig has no context "${context}" (it has: ${kc.getContexts().map((c) => c.name).join(", ") || "none"}).`);
    kc.setCurrentContext(context);
  }
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (cluster === null || user === null) throw bad(`The kubeconfig's current context "${kc.getCurrentContext() ?? ""}" names no cluster or no user: set current-context, or give the context to use.`);
  if (user.exec !== undefined || user.authProvider !== undefined) {
    throw bad(`The kubeconfig's user "${user.name}" signs in through ${user.exec !== undefined ? "an exec plugin" : "an auth-provider"}, which would run a program on Gatehouse's server: give a ServiceAccount token (token:) instead, as lib/kubernetes/README.md shows.`);
  }
  const files = [cluster.caFile && "certificate-authority", user.certFile && "client-certificate", user.keyFile && "client-key"].filter(Boolean);
  if (files.length > 0) throw bad(`The kubeconfig points at files (${files.join(", ")}) on the machine it came from: inline them (\`kubectl config view --minify --flatten\`).`);
  if (!user.token && !(user.certData && user.keyData)) throw bad(`The kubeconfig's user "${user.name}" has no token and no client certificate: add a ServiceAccount token (token:).`);
  checkServer(cluster.server, cluster.skipTLSVerify);
  return kc;
}

export function kubeConfigOf(conn: KubeConnection): KubeConfig {
  if ("kubeconfig" in conn) return fromKubeconfig(conn.kubeconfig, conn.context);
  const kc = new KubeConfig();
  if ("inCluster" in conn) {
    kc.loadFromCluster();
    const server = kc.getCurrentCluster()?.server ?? "";
    if (/^https?:\/\/(undefined|\[undefined\])?:/.test(server)) throw bad("Gatehouse is not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set): connect with a kubeconfig, or a server URL and token.");
    return kc;
  }
  if (conn.token.trim() === "") throw bad("No bearer token was given for the Kubernetes API server: create one for the gatehouse-reader ServiceAccount (lib/kubernetes/README.md).");
  const server = checkServer(conn.server, conn.skipTLSVerify === true);
  kc.loadFromOptions({
    clusters: [{ name: "gatehouse", server, skipTLSVerify: conn.skipTLSVerify === true, ...(conn.caData ? { caData: conn.caData } : {}) }],
    users: [{ name: "gatehouse", token: conn.token }],
    contexts: [{ name: "gatehouse", cluster: "gatehouse", user: "gatehouse" }],
    currentContext: "gatehouse",
  });
  return kc;
}

export function kubeClients(conn: KubeConnection): KubeClients {
  const kc = kubeConfigOf(conn);
  return { server: kc.getCurrentCluster()?.server ?? "", core: kc.makeApiClient(CoreV1Api), rbac: kc.makeApiClient(RbacAuthorizationV1Api), custom: kc.makeApiClient(CustomObjectsApi) };
}

/** The message of a Kubernetes Status body, when the error carries one. */
function statusMessage(error: ApiException<unknown>): string | null {
  const body = typeof error.body === "string" ? safeJson(error.body) : error.body;
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export const isApiStatus = (error: unknown, code: number): boolean => error instanceof ApiException && error.code === code;

const describe = (r: KubeRequest): string => `${r.verb} ${r.group === "" ? r.resource : `${r.resource}.${r.group}`}${r.name ? ` ${r.name}` : ""} ${r.namespace === null ? "cluster-wide" : `in namespace ${r.namespace}`}`;

/** Any failure of a request as a CloudReadError that says what to do. */
export function kubeError(error: unknown, r: KubeRequest, server: string): CloudReadError {
  if (error instanceof CloudReadError) return error;
  if (error instanceof ApiException) {
    const message = statusMessage(error);
    const said = message === null ? "" : `: ${message}`;
    if (error.code === 401) return new CloudReadError(`The Kubernetes API server at ${server} refused the credentials (401 Unauthorized) to ${describe(r)}: the token is wrong or expired; create a new one for the connection's ServiceAccount.`, "credentials");
    if (error.code === 403) {
      return new CloudReadError(
        `Kubernetes refused to ${describe(r)} (403 Forbidden${said}): grant the connection's account "${r.verb}" on "${r.resource}" in API group "${r.group}"${r.namespace === null ? " cluster-wide (a ClusterRoleBinding)" : ` in namespace ${r.namespace}`} — the ${["get", "list", "watch"].includes(r.verb) ? "gatehouse-reader" : "gatehouse-responder"} ClusterRole of lib/kubernetes/README.md has it.`,
        "denied",
      );
    }
    if (error.code === 410) return new CloudReadError(`The cluster changed too much while Gatehouse paged through ${describe(r)} (410 Expired): read again.`, "network");
    if (error.code === 429 || error.code >= 500) return new CloudReadError(`The Kubernetes API server at ${server} answered ${error.code} to ${describe(r)}${said}: try again later.`, "network");
    return new CloudReadError(`The Kubernetes API server at ${server} answered ${error.code} to ${describe(r)}${said}.`, "shape");
  }
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /CERT|SELF_SIGNED|TLS|SSL/.test(code)) {
    return new CloudReadError(`Gatehouse does not trust the certificate of the Kubernetes API server at ${server} (${code}): give the cluster's CA (certificate-authority-data).`, "network");
  }
  return new CloudReadError(`Could not reach the Kubernetes API server at ${server} to ${describe(r)} (${text}): check the server URL and the network.`, "network");
}

interface ListPage<T> {
  items?: T[] | null;
  metadata?: { _continue?: string; continue?: string } | null;
}

/** Every page of a list (limit/continue); a page without `items` is a shape failure. */
export async function listAll<T>(clients: KubeClients, r: KubeRequest, fetchPage: (cont: string | undefined) => Promise<ListPage<T>>): Promise<T[]> {
  const out: T[] = [];
  let cont: string | undefined;
  do {
    let page: ListPage<T>;
    try {
      page = await fetchPage(cont);
    } catch (error) {
      throw kubeError(error, r, clients.server);
    }
    if (!Array.isArray(page?.items)) throw new CloudReadError(`The answer to ${describe(r)} from ${clients.server} has no items: is it a Kubernetes API server?`, "shape");
    out.push(...page.items);
    const next = page.metadata?._continue ?? page.metadata?.continue;
    if (next !== undefined && next !== "" && next === cont) throw new CloudReadError(`The Kubernetes API server at ${clients.server} returned the same continue token twice while paging through ${describe(r)}.`, "shape");
    cont = next === "" ? undefined : next;
  } while (cont !== undefined);
  return out;
}
