import { apiVersionOf, type KubeResource } from "./resources";
import type { KubeObject } from "./state";

// Lists as the API server answers them: `<Kind>List` with metadata.resourceVersion, paged by
// `limit` with an opaque `continue` token (and `remainingItemCount` when no selector narrows
// the list), filtered by equality-based label selectors, or reduced to metadata
// (`PartialObjectMetadataList`) when the client asks for it in its Accept header.

/** Equality-based selectors: `a=b`, `a==b`, `a!=b`, `a`, `!a`, comma-separated. Undefined when malformed. */
export function labelFilter(selector: string | null): ((labels: Record<string, string> | undefined) => boolean) | undefined {
  if (selector === null || selector.trim() === "") return () => true;
  const tests: ((l: Record<string, string>) => boolean)[] = [];
  for (const raw of selector.split(",")) {
    const term = raw.trim();
    const m = /^(!?)([A-Za-z0-9./_-]+)(?:\s*(==|=|!=)\s*([A-Za-z0-9._-]*))?$/.exec(term);
    if (m === null) return undefined;
    // Groups 1 and 2 always match (possibly empty); 3 and 4 only with an operator.
    const [, not = "", k = "", op, v = ""] = m;
    if (op === undefined) tests.push(not === "!" ? (l) => !(k in l) : (l) => k in l);
    else if (not === "!") return undefined;
    else tests.push(op === "!=" ? (l) => l[k] !== v : (l) => l[k] === v);
  }
  return (labels) => tests.every((t) => t(labels ?? {}));
}

interface ContinueToken {
  v: "meta.k8s.io/v1";
  rv: string;
  start: string;
}

const itemKey = (o: KubeObject): string => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;

export type Page = { items: KubeObject[]; continue: string | null; remaining: number } | { error: string };

/** One page: items after the token's key, at most `limit` (0 or absent: all). */
export function pageOf(items: readonly KubeObject[], limit: number, token: string | null, resourceVersion: string): Page {
  let start = "";
  if (token !== null && token !== "") {
    try {
      const parsed = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as Partial<ContinueToken>;
      if (parsed.v !== "meta.k8s.io/v1" || typeof parsed.start !== "string") throw new Error("bad version");
      start = parsed.start;
    } catch {
      return { error: "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)" };
    }
  }
  const rest = items.filter((o) => itemKey(o) >= start);
  const slice = limit > 0 ? rest.slice(0, limit) : rest;
  const next = rest[slice.length];
  const cont = next === undefined ? null : Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: resourceVersion, start: itemKey(next) } satisfies ContinueToken)).toString("base64");
  return { items: slice, continue: cont, remaining: rest.length - slice.length };
}

export const PARTIAL_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
export const PARTIAL_OBJECT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";

/** What the Accept header asks for: the full object, its metadata, or only renderings the simulator cannot give (406). */
export function acceptedAs(accept: string | undefined, list: boolean): "full" | "partial" | "unsupported" {
  const wanted = list ? "PartialObjectMetadataList" : "PartialObjectMetadata";
  const types = (accept ?? "").split(",").map((t) => {
    const [media = "", ...params] = t.split(";").map((x) => x.trim());
    return { media: media.toLowerCase(), params: new Map(params.map((p) => [p.split("=")[0] ?? "", p.split("=")[1] ?? ""])) };
  });
  if (types.some((t) => t.media === "application/json" && t.params.get("as") === wanted && t.params.get("g") === "meta.k8s.io" && t.params.get("v") === "v1")) return "partial";
  return types.some((t) => ["", "*/*", "application/*", "application/json"].includes(t.media) && !t.params.has("as")) ? "full" : "unsupported";
}

export function asPartial(o: KubeObject): KubeObject {
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: structuredClone(o.metadata) };
}

/** Built-in lists carry items without kind/apiVersion; custom resources' lists keep them. */
export function listBody(r: KubeResource, page: { items: KubeObject[]; continue: string | null; remaining: number }, resourceVersion: string, partial: boolean, counted: boolean): Record<string, unknown> {
  const metadata = { resourceVersion, ...(page.continue === null ? {} : { continue: page.continue, ...(counted ? { remainingItemCount: page.remaining } : {}) }) };
  if (partial) return { kind: "PartialObjectMetadataList", apiVersion: "meta.k8s.io/v1", metadata, items: page.items.map(asPartial) };
  const items = page.items.map((o) => (r.crd !== null ? structuredClone(o) : (({ apiVersion: _a, kind: _k, ...rest }) => structuredClone(rest))(o)));
  return { kind: `${r.kind}List`, apiVersion: apiVersionOf(r), metadata, items };
}
