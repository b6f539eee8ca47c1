import { getActionSchema } from "@actions/workflow-parser/actions/action-schema";
import { ACTION_ROOT } from "@actions/workflow-parser/actions/action-constants";
import type { ObjectReader } from "@actions/workflow-parser/templates/object-reader";
import { readTemplate } from "@actions/workflow-parser/templates/template-reader";
import { TemplateContext, TemplateValidationErrors } from "@actions/workflow-parser/templates/template-context";
import type { LiteralToken, MappingToken, SequenceToken } from "@actions/workflow-parser/templates/tokens/index";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/template-token";
import { isMapping } from "@actions/workflow-parser/templates/tokens/type-guards";
import { NoOperationTraceWriter } from "@actions/workflow-parser/templates/trace-writer";
import { WORKFLOW_ROOT } from "@actions/workflow-parser/workflows/workflow-constants";
import { getWorkflowSchema } from "@actions/workflow-parser/workflows/workflow-schema";
import { YamlObjectReader } from "@actions/workflow-parser/workflows/yaml-object-reader";

// Input is refused before GitHub's parser sees it when it is too big, binary or not
// UTF-8; while parsing, the node count is capped so alias expansion stays bounded.

export const DEFAULT_MAX_BYTES = 1024 * 1024;
/** Nodes after alias expansion; far above any hand-written workflow (the corpus maximum is a few thousand). */
export const DEFAULT_MAX_NODES = 200_000;

export interface ParseLimits {
  maxBytes: number;
  maxNodes: number;
}

export type ParseOutcome =
  | { ok: true; root: MappingToken; warnings: string[] }
  | { ok: false; message: string };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Decodes and screens raw input; returns text or the reason it is refused. */
export function screenInput(
  content: string | Uint8Array,
  maxBytes: number,
): { ok: true; text: string } | { ok: false; message: string } {
  if (typeof content === "string") {
    // UTF-16 length is a lower bound on the UTF-8 size; the exact figure is only needed near the limit.
    if (content.length > maxBytes || (content.length * 3 > maxBytes && Buffer.byteLength(content) > maxBytes)) {
      return { ok: false, message: `file is larger than the ${maxBytes}-byte limit` };
    }
    if (content.includes("\u0000")) return { ok: false, message: "file looks binary (contains NUL bytes)" };
    return { ok: true, text: content };
  }
  if (content.byteLength > maxBytes) {
    return { ok: false, message: `file is larger than the ${maxBytes}-byte limit (${content.byteLength} bytes)` };
  }
  if (content.includes(0)) return { ok: false, message: "file looks binary (contains NUL bytes)" };
  try {
    return { ok: true, text: utf8.decode(content) };
  } catch {
    return { ok: false, message: "file is not valid UTF-8" };
  }
}

class NodeLimitExceeded extends Error {}

/** Delegates to GitHub's YAML reader and stops once `maxNodes` tokens were produced. */
class BoundedReader implements ObjectReader {
  private count = 0;
  tripped = false;
  constructor(
    private readonly inner: YamlObjectReader,
    private readonly maxNodes: number,
  ) {}
  private tick<T>(value: T): T {
    if (value !== undefined && value !== false && ++this.count > this.maxNodes) {
      this.tripped = true;
      throw new NodeLimitExceeded();
    }
    return value;
  }
  allowLiteral(): LiteralToken | undefined {
    return this.tick(this.inner.allowLiteral());
  }
  allowSequenceStart(): SequenceToken | undefined {
    return this.tick(this.inner.allowSequenceStart());
  }
  allowSequenceEnd(): boolean {
    return this.inner.allowSequenceEnd();
  }
  allowMappingStart(): MappingToken | undefined {
    return this.tick(this.inner.allowMappingStart());
  }
  allowMappingEnd(): boolean {
    return this.inner.allowMappingEnd();
  }
  validateStart(): void {
    this.inner.validateStart();
  }
  validateEnd(): void {
    this.inner.validateEnd();
  }
}

const ALIAS_HINT = /(^|[\s[{,:-])\*[A-Za-z0-9_.-]/;

interface YamlNodeLike {
  items?: unknown[];
  key?: unknown;
  value?: unknown;
  source?: unknown;
  resolve?: (doc: unknown) => unknown;
}

/**
 * Size of the document once aliases are expanded, computed without expanding them
 * (each anchored node is sized once). Stops counting past `limit`.
 */
function expandedSize(doc: unknown, limit: number): number {
  const memo = new Map<unknown, number>();
  const active = new Set<unknown>();
  const size = (node: unknown): number => {
    if (node === null || typeof node !== "object") return 0;
    const hit = memo.get(node);
    if (hit !== undefined) return hit;
    if (active.has(node)) return 0;
    active.add(node);
    const n = node as YamlNodeLike;
    let total = 1;
    if (typeof n.resolve === "function" && typeof n.source === "string") total = size(n.resolve(doc));
    else if (Array.isArray(n.items)) for (const item of n.items) total = Math.min(limit + 1, total + size(item));
    else if ("key" in n && "value" in n) total = size(n.key) + size(n.value);
    active.delete(node);
    memo.set(node, total);
    return total;
  };
  const contents = (doc as { contents?: unknown } | null)?.contents;
  return size(contents);
}

const MAX_FLOW_DEPTH = 256;

/** Flow-collection depth, counted over brackets; quotes and comments only make it an over-estimate. */
function flowDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return false;
}

function parseTemplate(
  name: string,
  text: string,
  kind: "workflow" | "action",
  limits: ParseLimits,
): ParseOutcome {
  try {
    if (flowDepthExceeds(text, MAX_FLOW_DEPTH)) return { ok: false, message: `document is nested too deeply (more than ${MAX_FLOW_DEPTH} levels)` };
    const schema = kind === "workflow" ? getWorkflowSchema() : getActionSchema();
    const context = new TemplateContext(new TemplateValidationErrors(), schema, new NoOperationTraceWriter());
    const fileId = context.getFileId(name);
    const yaml = new YamlObjectReader(fileId, text);
    if (yaml.errors.length > 0) {
      const first = yaml.errors[0];
      const where = first?.range ? ` (line ${first.range.start.line})` : "";
      return { ok: false, message: `invalid YAML${where}: ${first?.message ?? "unknown error"}` };
    }
    // Documents without aliases cannot expand; only they skip the expansion checks.
    const aliases = ALIAS_HINT.test(text);
    if (aliases) {
      // GitHub's reader keeps the parsed yaml Document in a private field; size it before expanding.
      const doc: unknown = (yaml as unknown as { doc?: unknown }).doc;
      if (doc !== undefined && expandedSize(doc, limits.maxNodes) > limits.maxNodes) {
        return { ok: false, message: `document expands to more than ${limits.maxNodes} nodes (YAML alias bomb?)` };
      }
    }
    const bounded = aliases ? new BoundedReader(yaml, limits.maxNodes) : undefined;
    const root: TemplateToken | undefined = readTemplate(
      context,
      kind === "workflow" ? WORKFLOW_ROOT : ACTION_ROOT,
      bounded ?? yaml,
      fileId,
    );
    if (bounded?.tripped) {
      return { ok: false, message: `document expands to more than ${limits.maxNodes} nodes (YAML alias bomb?)` };
    }
    if (root === undefined || !isMapping(root)) {
      const firstError = context.errors.getErrors()[0]?.message;
      return {
        ok: false,
        message: `not a ${kind} document: the top level must be a mapping${firstError ? ` (${stripPrefix(firstError, name)})` : ""}`,
      };
    }
    const warnings = context.errors.getErrors().map((e) => stripPrefix(e.message, name));
    return { ok: true, root, warnings };
  } catch (err) {
    const message = err instanceof RangeError ? "document is nested too deeply" : `parser failure: ${String(err)}`;
    return { ok: false, message };
  }
}

function stripPrefix(message: string, name: string): string {
  return message.startsWith(name) ? message.slice(name.length).trimStart() : message;
}

export function parseWorkflowText(name: string, text: string, limits: ParseLimits): ParseOutcome {
  return parseTemplate(name, text, "workflow", limits);
}

export function parseActionText(name: string, text: string, limits: ParseLimits): ParseOutcome {
  return parseTemplate(name, text, "action", limits);
}
