// What the snapshot writer compares to decide whether a row changed: a hash of the values it
// would write, independent of object key order (PostgreSQL's jsonb reorders keys, so stored
// values cannot be compared as JSON text). No I/O.
import { createHash } from "node:crypto";

/** JSON with object keys sorted at every depth; undefined members are left out, as JSON.stringify does. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : stableJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
}

/** 128 bits of SHA-256 over stableJson(value), as hex. */
export function contentHash(value: unknown): string {
  return createHash("sha256").update(stableJson(value)).digest("hex").slice(0, 32);
}
