// The two patch formats the API server takes for every resource (custom ones included):
// JSON Patch (RFC 6902: add, replace, remove, test; JSON Pointer paths, RFC 6901) and JSON
// Merge Patch (RFC 7386). Strategic merge is refused for custom resources, as the API server
// does; on the built-in types served here it would act as a merge patch (no list merge keys
// are touched by Gatehouse), so it is treated as one.

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

function pointer(path: string): string[] | undefined {
  if (path === "") return [];
  if (!path.startsWith("/")) return undefined;
  return path.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Applies a JSON Patch to a copy; a string is the API server's error message. */
export function jsonPatch(doc: Json, ops: Json): Json | string {
  if (!Array.isArray(ops)) return "the body of the request could not be decoded as a JSON Patch: expected an array of operations";
  const out = structuredClone(doc);
  for (const op of ops) {
    if (!isObject(op) || typeof op.op !== "string" || typeof op.path !== "string") return "invalid JSON Patch: every operation needs op and path";
    const parts = pointer(op.path);
    if (parts === undefined || parts.length === 0) return `invalid JSON Patch path "${op.path}"`;
    const last = parts[parts.length - 1] as string;
    let parent: Json = out;
    for (const p of parts.slice(0, -1)) {
      parent = Array.isArray(parent) ? parent[Number(p)] : isObject(parent) ? parent[p] : undefined;
      if (parent === undefined) return `doc is missing path: "${op.path}": missing value`;
    }
    const list = Array.isArray(parent) ? (parent as Json[]) : null;
    const map = isObject(parent) ? parent : null;
    if (list === null && map === null) return `doc is missing path: "${op.path}": missing value`;
    const index = last === "-" && list !== null ? list.length : Number(last);
    const exists = list !== null ? Number.isInteger(index) && index >= 0 && index < list.length : Object.hasOwn(map as object, last);
    const current = list !== null ? list[index] : (map as Record<string, Json>)[last];
    if (op.op === "add" || op.op === "replace") {
      if (op.op === "replace" && !exists) return `replace operation does not apply: doc is missing key: ${op.path}: missing value`;
      if (list !== null) list.splice(index, op.op === "replace" ? 1 : 0, op.value);
      else (map as Record<string, Json>)[last] = op.value;
    } else if (op.op === "remove") {
      if (!exists) return `remove operation does not apply: doc is missing path: "${op.path}": missing value`;
      if (list !== null) list.splice(index, 1);
      else delete (map as Record<string, Json>)[last];
    } else if (op.op === "test") {
      if (JSON.stringify(current) !== JSON.stringify(op.value)) return `testing value ${op.path} failed: test failed`;
    } else return `Unexpected kind: ${op.op}`;
  }
  return out;
}

/** RFC 7386: objects merge key by key, null deletes, anything else replaces. */
export function mergePatch(doc: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObject(doc) ? structuredClone(doc) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
