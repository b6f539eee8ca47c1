import { hash } from "node:crypto";
import type { WorkflowFacts } from "./workflow-model";
import type { AnalysisError, Finding } from "./types";

// Results keyed by content hash: the same bytes, with the same local actions and the same
// context, always produce the same analysis, so a second pass over unchanged files is a lookup.

export interface CachedFile {
  facts: WorkflowFacts | null;
  /** Findings and errors with empty root/path; the caller stamps the real ones. */
  findings: Finding[];
  error: AnalysisError | null;
}

/**
 * Entries live in scopes (one per set of local actions + context + limits). Inside a scope
 * the key is the file text itself — a Map lookup of a string V8 has already hashed costs
 * nothing — or the SHA-1 of raw bytes.
 */
export interface AnalysisCache {
  get(scope: string, key: string): CachedFile | undefined;
  set(scope: string, key: string, value: CachedFile): void;
  readonly size: number;
  clear(): void;
}

/** Bounded: when full, the oldest half of the entries is dropped. */
export function createAnalysisCache(maxEntries = 10_000): AnalysisCache {
  const scopes = new Map<string, Map<string, CachedFile>>();
  let size = 0;
  const evict = () => {
    let drop = Math.ceil(maxEntries / 2);
    for (const [scope, entries] of scopes) {
      for (const k of entries.keys()) {
        if (drop-- <= 0) return;
        entries.delete(k);
        size--;
      }
      if (entries.size === 0) scopes.delete(scope);
    }
  };
  return {
    get: (scope, key) => scopes.get(scope)?.get(key),
    set(scope, key, value) {
      if (size >= maxEntries) evict();
      let entries = scopes.get(scope);
      if (entries === undefined) scopes.set(scope, (entries = new Map()));
      if (!entries.has(key)) size++;
      entries.set(key, value);
    },
    get size() {
      return size;
    },
    clear: () => {
      scopes.clear();
      size = 0;
    },
  };
}

export function contentHash(content: string | Uint8Array): string {
  return hash("sha1", content, "base64");
}

/** Cache key of one file's content: the text itself, or a digest of bytes. */
export function contentKey(content: string | Uint8Array): string {
  return typeof content === "string" ? content : `#${contentHash(content)}`;
}
