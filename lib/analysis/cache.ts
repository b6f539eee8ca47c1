import { hash } from "node:crypto";
import type { ParseOutcome } from "./parse";
import type { WorkflowFacts } from "./workflow-model";
import type { AnalysisError, Finding, WorkflowModel } from "./types";

// Results keyed by content hash: the same bytes, with the same local actions and the same
// context, always produce the same analysis, so a second pass over unchanged files is a lookup.

export interface CachedFile {
  /** A GitHub Actions workflow's facts (its model included), for the repository-level rules. */
  facts: WorkflowFacts | null;
  /** Another system's pipeline (Buildkite, Tekton): its model only; `facts` is then null. */
  pipeline?: WorkflowModel;
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
  /**
   * Parsed workflows by `parseKey` (limits, path) and text. Parsing is most of the cost and
   * depends on nothing else, so repositories sharing a workflow file (an org-wide template)
   * parse it once even though their contexts — hence their result scopes — differ.
   * Invariant: nothing mutates a parsed token tree or its warnings, so one outcome is shared.
   */
  getParsed(parseKey: string, text: string): ParseOutcome | undefined;
  setParsed(parseKey: string, text: string, value: ParseOutcome): void;
  readonly size: number;
  clear(): void;
}

/**
 * Bounded: when full, the oldest half of the results is dropped; parses are least recently
 * used first (a parsed tree is about 80 KB, so `maxParses` bounds most of the memory).
 */
export function createAnalysisCache(maxEntries = 10_000, maxParses = 512): AnalysisCache {
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
  const parses = new Map<string, Map<string, ParseOutcome>>();
  let parseCount = 0;
  const parsesOf = (parseKey: string) => {
    let byText = parses.get(parseKey);
    if (byText === undefined) parses.set(parseKey, (byText = new Map()));
    return byText;
  };
  return {
    get: (scope, key) => scopes.get(scope)?.get(key),
    getParsed(parseKey, text) {
      const byText = parses.get(parseKey);
      const hit = byText?.get(text);
      if (hit !== undefined && byText !== undefined) {
        // Most recently used last: re-insert at both levels.
        byText.delete(text);
        byText.set(text, hit);
        parses.delete(parseKey);
        parses.set(parseKey, byText);
      }
      return hit;
    },
    setParsed(parseKey, text, value) {
      if (maxParses <= 0) return;
      const byText = parsesOf(parseKey);
      if (!byText.has(text)) parseCount++;
      byText.set(text, value);
      while (parseCount > maxParses) {
        const [oldestKey, oldest] = parses.entries().next().value as [string, Map<string, ParseOutcome>];
        const first = oldest.keys().next();
        if (!first.done) {
          oldest.delete(first.value);
          parseCount--;
        }
        if (oldest.size === 0) parses.delete(oldestKey);
      }
    },
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
      parses.clear();
      parseCount = 0;
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
