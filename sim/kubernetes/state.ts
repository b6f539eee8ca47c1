import { createHash } from "node:crypto";
import { resourceOfKind, type KubeResource } from "./resources";

// The cluster's objects, as the API server stores them: keyed by resource, namespace and name,
// each with a uid (derived from its identity, so a fixture gives the same uids on every run),
// a resourceVersion from one cluster-wide counter, and a creationTimestamp.

export interface KubeMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMeta;
  [key: string]: unknown;
}

const key = (namespace: string | null | undefined, name: string): string => `${namespace ?? ""}/${name}`;

function uidFor(kind: string, namespace: string | undefined, name: string): string {
  const h = createHash("sha256").update(`${kind}/${namespace ?? ""}/${name}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class ClusterState {
  private readonly objects = new Map<KubeResource, Map<string, KubeObject>>();
  private version = 1000;

  constructor(objects: readonly KubeObject[], createdAt: string) {
    for (const o of objects) this.put(structuredClone(o), createdAt);
  }

  get resourceVersion(): string {
    return String(this.version);
  }

  /** Stores an object (create or replace), completing its metadata; returns the stored copy. */
  put(o: KubeObject, now: string): KubeObject {
    const r = resourceOfKind(o.apiVersion, o.kind);
    if (r === undefined) throw new Error(`The Kubernetes simulator does not serve ${o.apiVersion} ${o.kind}.`);
    if (r.namespaced !== (o.metadata.namespace !== undefined)) throw new Error(`${o.kind} ${o.metadata.name}: metadata.namespace must be ${r.namespaced ? "set" : "absent"}.`);
    this.version += 1;
    const stored: KubeObject = {
      ...o,
      metadata: { ...o.metadata, uid: o.metadata.uid ?? uidFor(o.kind, o.metadata.namespace, o.metadata.name), resourceVersion: String(this.version), creationTimestamp: o.metadata.creationTimestamp ?? now },
    };
    const bucket = this.objects.get(r) ?? new Map<string, KubeObject>();
    this.objects.set(r, bucket);
    bucket.set(key(o.metadata.namespace, o.metadata.name), stored);
    return stored;
  }

  get(r: KubeResource, namespace: string | null, name: string): KubeObject | undefined {
    return this.objects.get(r)?.get(key(namespace, name));
  }

  /** Sorted by namespace then name, as etcd's key order returns them. */
  list(r: KubeResource, namespace: string | null): KubeObject[] {
    const all = [...(this.objects.get(r)?.entries() ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
    return namespace === null ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  remove(r: KubeResource, namespace: string | null, name: string): boolean {
    const removed = this.objects.get(r)?.delete(key(namespace, name)) ?? false;
    if (removed) this.version += 1;
    return removed;
  }
}
