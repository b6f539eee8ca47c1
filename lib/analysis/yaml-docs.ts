import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type YAMLMap } from "yaml";

// YAML for the systems without a parser of their own (Buildkite, Tekton): `yaml`'s AST, so
// every value keeps its line. GitHub workflows go through GitHub's parser instead (parse.ts).
// Bounded: aliases are followed by the walkers below at most `maxNodes` times in all, and
// the input was screened (size, UTF-8, NUL) before it gets here.

export interface YamlDoc {
  /** The document's root node; null for an empty document. */
  root: Node | null;
  /** 1-based line of a node (its first character). */
  lineOf(node: Node | null | undefined, fallback?: number): number;
  /** Follows an alias to its anchor's node; other nodes are returned as they are. */
  deref(node: unknown): Node | null;
}

export type YamlDocsOutcome = { ok: true; docs: YamlDoc[]; warnings: string[] } | { ok: false; message: string };

/** Parses every document of a YAML stream. A syntax error anywhere refuses the file, with its line. */
export function parseYamlDocuments(text: string, maxNodes: number): YamlDocsOutcome {
  const lineCounter = new LineCounter();
  let parsed: Document.Parsed[];
  try {
    parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: false }) as Document.Parsed[];
  } catch (e) {
    return { ok: false, message: `YAML could not be read: ${(e as Error).message}` };
  }
  if (!Array.isArray(parsed)) return { ok: true, docs: [], warnings: [] };
  const warnings: string[] = [];
  let budget = maxNodes;
  const docs: YamlDoc[] = [];
  for (const doc of parsed) {
    const error = doc.errors[0];
    if (error !== undefined) {
      const at = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
      return { ok: false, message: `invalid YAML (Line: ${at.line}, Col: ${at.col}): ${error.message.split("\n")[0]}` };
    }
    for (const w of doc.warnings) warnings.push(w.message.split("\n")[0] ?? w.message);
    const lineOf = (node: Node | null | undefined, fallback = 1) => (node?.range ? lineCounter.linePos(node.range[0]).line : fallback);
    const deref = (node: unknown): Node | null => {
      let n = node;
      for (let hops = 0; isAlias(n) && hops < 16; hops++) {
        if (--budget < 0) throw new YamlTooLarge();
        n = n.resolve(doc);
      }
      return isAlias(n) ? null : ((n as Node | undefined) ?? null);
    };
    docs.push({ root: (doc.contents as Node | null) ?? null, lineOf, deref });
  }
  return { ok: true, docs, warnings };
}

/** Thrown by `deref` when alias expansion passes the node budget; callers refuse the file. */
export class YamlTooLarge extends Error {
  constructor() {
    super("file expands to too many YAML nodes (aliases); refused");
  }
}

/** The value of `key` in a mapping (aliases and `<<` merge keys followed), or undefined. */
export function getIn(doc: YamlDoc, node: unknown, key: string): Node | undefined {
  for (const [k, value] of entriesOf(doc, node)) if (k === key) return value ?? undefined;
  return undefined;
}

/** Merge keys nest at most this deep (an anchor may even merge itself). */
const MERGE_DEPTH = 8;

/**
 * Key/value pairs of a mapping with scalar keys, aliases followed. `<<: *anchor` (or a list of
 * anchors) merge keys are expanded as YAML 1.1 and Go's yaml do: a key written in the mapping
 * wins over a merged one, an earlier merged mapping over a later one.
 */
export function entriesOf(doc: YamlDoc, node: unknown, depth = 0): Array<[string, Node | null, Node]> {
  const map = doc.deref(node);
  if (!isMap(map)) return [];
  const out: Array<[string, Node | null, Node]> = [];
  const merged: Node[] = [];
  for (const pair of (map as YAMLMap).items) {
    const k = doc.deref(pair.key);
    if (!isScalar(k) || k.value === null || k.value === undefined) continue;
    const name = String(k.value);
    if (name === "<<" && k.type === "PLAIN") {
      const value = doc.deref(pair.value);
      if (isSeq(value)) merged.push(...itemsOf(doc, value));
      else if (value !== null) merged.push(value);
      continue;
    }
    out.push([name, doc.deref(pair.value), k]);
  }
  if (merged.length === 0 || depth >= MERGE_DEPTH) return out;
  const seen = new Set(out.map(([name]) => name));
  for (const source of merged) {
    for (const entry of entriesOf(doc, source, depth + 1)) {
      if (seen.has(entry[0])) continue;
      seen.add(entry[0]);
      out.push(entry);
    }
  }
  return out;
}

/** Items of a sequence, aliases followed; a non-sequence has none. */
export function itemsOf(doc: YamlDoc, node: unknown): Node[] {
  const seq = doc.deref(node);
  if (!isSeq(seq)) return [];
  return seq.items.flatMap((i) => {
    const n = doc.deref(i);
    return n === null ? [] : [n];
  });
}

/** A scalar's text (numbers and booleans as written by String()); null for anything else. */
export function scalarText(doc: YamlDoc, node: unknown): string | null {
  const n = doc.deref(node);
  if (!isScalar(n) || n.value === null || n.value === undefined) return null;
  return String(n.value);
}
