import { bearer, json, parseJson, serveCloud, type CloudReply, type CloudRequest } from "../cloud/server";
import { allows, type KubeSimToken } from "./authz";
import { acceptedAs, asPartial, labelFilter, listBody, pageOf, PARTIAL_LIST, PARTIAL_OBJECT } from "./list";
import { jsonPatch, mergePatch } from "./patch";
import { parseKubePath, RESOURCES, type KubePath } from "./resources";
import { ClusterState, type KubeObject } from "./state";
import { badRequest, deleted, forbidden, methodNotAllowed, notFound, pathNotFound, statusReply, unauthorized } from "./status";
import { invalidPipelineRun, reconcileCancel } from "./tekton";

// A Kubernetes API server for the calls Gatehouse makes (sim/kubernetes/README.md): lists
// (paged, label-selected, or metadata only), gets, JSON/merge patches and deletes, with
// bearer tokens authorised by RBAC-like rules, Kubernetes' Status errors, server-side dry run
// (`dryRun=All`, in the query or a DeleteOptions body: everything is checked, nothing stored),
// and every write logged whatever its outcome.

export interface KubeSimFixture {
  /** The cluster's name, as a kubeconfig would call it. */
  cluster: string;
  /** Manifests (apiVersion, kind, metadata…) of every object the cluster holds. */
  objects: KubeObject[];
  /** The CRD-served APIs installed (Tekton Pipelines, Pipelines-as-Code); both by default. Absent APIs answer 404. */
  apis?: { tekton?: boolean; pac?: boolean };
}

export interface KubeSimOptions {
  port?: number;
  fixture: KubeSimFixture;
  /** Bearer token → the user it authenticates as and what it may do. Any other token is 401. */
  tokens: Record<string, KubeSimToken>;
  /** Act as Tekton's controller at once after a cancel (default true); false: only `control.reconcile()` does. */
  tektonController?: boolean;
}

export interface KubeWrite {
  at: string;
  /** The HTTP method: PATCH, DELETE (POST, PUT: refused with 405, still logged). */
  verb: string;
  /** Path and query as received. */
  path: string;
  contentType: string | null;
  body: unknown;
  /** The bearer token presented (simulator tokens only), and the user it authenticated as. */
  token: string | null;
  user: string | null;
  /** The request asked for a dry run (dryRun in the query or a DeleteOptions body), whatever its outcome. */
  dryRun: boolean;
  status: number;
}

export interface KubeRequestRecord {
  method: string;
  path: string;
  user: string | null;
  status: number;
  /** The answer held metadata only (PartialObjectMetadata[List]). */
  metadataOnly: boolean;
}

export interface KubeSimControl {
  object(resource: string, namespace: string | null, name: string): KubeObject | undefined;
  objects(resource: string, namespace?: string | null): KubeObject[];
  /** Creates or replaces an object, as `kubectl apply` would. */
  put(object: KubeObject): KubeObject;
  /** One pass of Tekton's controller: names of the PipelineRuns it marked cancelled. */
  reconcile(): string[];
}

export interface KubeSim {
  url: string;
  cluster: string;
  /** Every PATCH/DELETE/POST/PUT received, whatever its outcome (live array; also `GET /_sim/write-log`). */
  writeLog: KubeWrite[];
  /** Every API request, in order (live array). */
  requests: KubeRequestRecord[];
  control: KubeSimControl;
  close(): Promise<void>;
}

interface Served {
  reply: CloudReply;
  metadataOnly?: boolean;
  user?: string;
}

const VERBS: Record<string, (p: KubePath, q: URLSearchParams) => string> = {
  GET: (p, q) => (p.name !== null ? "get" : ["true", "1"].includes(q.get("watch") ?? "") ? "watch" : "list"),
  DELETE: (p) => (p.name !== null ? "delete" : "deletecollection"),
  PATCH: () => "patch",
  POST: () => "create",
  PUT: () => "update",
};

const clean = (o: KubeObject): KubeObject => structuredClone(o);

export async function startKubernetesSim(options: KubeSimOptions): Promise<KubeSim> {
  const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const state = new ClusterState(options.fixture.objects, now());
  const installed = new Set(Object.entries({ tekton: true, pac: true, ...options.fixture.apis }).filter(([, on]) => on).map(([k]) => k));
  const controller = options.tektonController ?? true;
  const writeLog: KubeWrite[] = [];
  const requests: KubeRequestRecord[] = [];

  /** Tekton's controller on one run; a status change is a write of its own (a new resourceVersion). */
  const cancelIfAsked = (o: KubeObject): KubeObject => (reconcileCancel(o, now()) ? state.put(o, now()) : o);

  const dryRunOf = (req: CloudRequest, body: unknown): string[] => {
    const fromBody = typeof body === "object" && body !== null && Array.isArray((body as { dryRun?: unknown }).dryRun) ? ((body as { dryRun: unknown[] }).dryRun.map(String)) : [];
    return [...req.url.searchParams.getAll("dryRun"), ...fromBody];
  };

  const list = (req: CloudRequest, p: KubePath): Served => {
    const q = req.url.searchParams;
    const as = acceptedAs(req.headers.accept, true);
    if (as === "unsupported") return { reply: statusReply(406, "NotAcceptable", `only the following media types are accepted: application/json, ${PARTIAL_LIST}`) };
    if ((q.get("fieldSelector") ?? "") !== "") return { reply: badRequest("field selectors are not served by this simulator") };
    const matches = labelFilter(q.get("labelSelector"));
    if (matches === undefined) return { reply: badRequest(`unable to parse requirement: ${q.get("labelSelector") ?? ""}`) };
    const limit = Number(q.get("limit") ?? "0");
    if (!Number.isInteger(limit) || limit < 0) return { reply: badRequest(`limit: Invalid value: ${q.get("limit") ?? ""}`) };
    const items = state.list(p.r, p.namespace).filter((o) => matches(o.metadata.labels));
    const page = pageOf(items, limit, q.get("continue"), state.resourceVersion);
    if ("error" in page) return { reply: badRequest(page.error) };
    const partial = as === "partial";
    return { reply: json(200, listBody(p.r, page, state.resourceVersion, partial, (q.get("labelSelector") ?? "") === ""), partial ? { "content-type": PARTIAL_LIST } : {}), metadataOnly: partial };
  };

  const patch = (req: CloudRequest, p: KubePath, current: KubeObject, dryRun: boolean): CloudReply => {
    const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
    const body = parseJson(req.raw);
    if (body === undefined || body === null) return badRequest("the body of the request could not be decoded as JSON");
    let next: unknown;
    if (type === "application/json-patch+json") next = jsonPatch(current, body);
    else if (type === "application/merge-patch+json" || (type === "application/strategic-merge-patch+json" && p.r.crd === null)) next = mergePatch(current, body);
    else return statusReply(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json${p.r.crd === null ? ", application/strategic-merge-patch+json" : ""}`);
    if (typeof next === "string") return statusReply(422, "Invalid", next);
    const o = next as KubeObject;
    const m = o.metadata as KubeObject["metadata"] | undefined;
    if (o.kind !== current.kind || o.apiVersion !== current.apiVersion || m?.name !== current.metadata.name || m.namespace !== current.metadata.namespace || m.uid !== current.metadata.uid) {
      return statusReply(422, "Invalid", `${p.r.kind} "${current.metadata.name}" is invalid: metadata: Invalid value: kind, apiVersion, name, namespace and uid are immutable`);
    }
    const refused = p.r.resource === "pipelineruns" ? invalidPipelineRun(o) : null;
    if (refused !== null) return badRequest(refused);
    if (dryRun) return json(200, clean(o));
    const stored = state.put(o, now());
    return json(200, clean(controller && p.r.resource === "pipelineruns" ? cancelIfAsked(stored) : stored));
  };

  const serve = (req: CloudRequest, token: KubeSimToken | undefined): Served => {
    if (token === undefined) return { reply: unauthorized() };
    const p = parseKubePath(req.url.pathname, installed);
    if (p === undefined) return { reply: pathNotFound(), user: token.user };
    const verb = (VERBS[req.method] ?? (() => req.method.toLowerCase()))(p, req.url.searchParams);
    const served = (reply: CloudReply, extra: Omit<Served, "reply" | "user"> = {}): Served => ({ reply, user: token.user, ...extra });
    if (!allows(token, { verb, group: p.r.group, resource: p.r.resource, namespace: p.r.namespaced ? p.namespace : null, name: p.name })) {
      return served(forbidden(token.user, verb, p.r, p.r.namespaced ? p.namespace : null, p.name));
    }
    if (verb === "list") return { ...list(req, p), user: token.user };
    if (verb === "watch") return served(badRequest("watch is not served by this simulator"));
    if (!["get", "patch", "delete"].includes(verb) || p.name === null) return served(methodNotAllowed());
    const body = req.method === "DELETE" ? parseJson(req.raw) : undefined;
    const dryRunValues = dryRunOf(req, body);
    if (dryRunValues.some((v) => v !== "All")) {
      return served(statusReply(422, "Invalid", `${verb === "patch" ? "PatchOptions" : "DeleteOptions"}.meta.k8s.io "" is invalid: dryRun: Unsupported value: ${JSON.stringify(dryRunValues)}: supported values: "All"`));
    }
    const dryRun = dryRunValues.length > 0;
    const current = state.get(p.r, p.namespace, p.name);
    if (current === undefined) return served(notFound(p.r, p.name));
    if (verb === "get") {
      const as = acceptedAs(req.headers.accept, false);
      if (as === "unsupported") return served(statusReply(406, "NotAcceptable", `only the following media types are accepted: application/json, ${PARTIAL_OBJECT}`));
      return as === "partial" ? served(json(200, asPartial(current), { "content-type": PARTIAL_OBJECT }), { metadataOnly: true }) : served(json(200, clean(current)));
    }
    if (verb === "patch") return served(patch(req, p, current, dryRun));
    if (!dryRun) state.remove(p.r, p.namespace, p.name);
    // Custom resources answer a delete with the object; built-in types with a Status.
    return served(p.r.crd !== null ? json(200, clean(current)) : deleted(p.r, p.name, current.metadata.uid ?? ""));
  };

  const server = await serveCloud(options.port ?? 0, (req) => {
    if (req.method === "GET" && req.url.pathname === "/_sim/write-log") return json(200, { writeLog });
    const presented = bearer(req.headers);
    const token = presented === null ? undefined : options.tokens[presented];
    const out = serve(req, token);
    const path = `${req.url.pathname}${req.url.search}`;
    requests.push({ method: req.method, path, user: out.user ?? null, status: out.reply.status, metadataOnly: out.metadataOnly ?? false });
    if (req.method !== "GET" && req.method !== "HEAD") {
      const body = parseJson(req.raw);
      // Asked for a dry run, whatever became of the request.
      const dryRun = dryRunOf(req, req.method === "DELETE" ? body : undefined).length > 0;
      writeLog.push({ at: new Date().toISOString(), verb: req.method, path, contentType: req.headers["content-type"] ?? null, body: body === undefined ? req.raw : body, token: presented, user: out.user ?? null, dryRun, status: out.reply.status });
    }
    return out.reply;
  });

  const resourceNamed = (resource: string) => {
    const r = RESOURCES.find((x) => x.resource === resource);
    if (r === undefined) throw new Error(`The Kubernetes simulator does not serve ${resource}.`);
    return r;
  };
  return {
    url: server.url,
    cluster: options.fixture.cluster,
    writeLog,
    requests,
    control: {
      object: (resource, namespace, name) => {
        const o = state.get(resourceNamed(resource), namespace, name);
        return o === undefined ? undefined : clean(o);
      },
      objects: (resource, namespace = null) => state.list(resourceNamed(resource), namespace).map(clean),
      put: (o) => clean(state.put(structuredClone(o), now())),
      reconcile: () =>
        state
          .list(resourceNamed("pipelineruns"), null)
          .filter((o) => cancelIfAsked(o) !== o)
          .map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`),
    },
    close: server.close,
  };
}
