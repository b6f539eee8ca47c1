import type { MappingToken } from "@actions/workflow-parser/templates/tokens/mapping-token";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/template-token";
import {
  isBasicExpression,
  isLiteral,
  isMapping,
  isSequence,
  isString,
} from "@actions/workflow-parser/templates/tokens/type-guards";
import { embeddedExpressions } from "./line-scan";

// Read-only helpers over the token tree produced by GitHub's template reader.

export type { MappingToken, TemplateToken };
export { isBasicExpression, isMapping, isSequence, isString };

export function get(map: TemplateToken | undefined, key: string): TemplateToken | undefined {
  return map !== undefined && isMapping(map) ? map.find(key) : undefined;
}

export function* entries(map: TemplateToken | undefined): Generator<[string, TemplateToken, number]> {
  if (map === undefined || !isMapping(map)) return;
  for (const pair of map) {
    const key = isLiteral(pair.key) ? String(pair.key.toString()) : pair.key.toString();
    yield [key, pair.value, pair.key.line ?? pair.value.line ?? 0];
  }
}

export function items(seq: TemplateToken | undefined): TemplateToken[] {
  if (seq === undefined || !isSequence(seq)) return [];
  const out: TemplateToken[] = [];
  for (let i = 0; i < seq.count; i++) out.push(seq.get(i));
  return out;
}

export function lineOf(token: TemplateToken | undefined, fallback = 0): number {
  return token?.line ?? fallback;
}

/** The scalar as written: literal text, or `${{ expr }}` source for expressions. */
export function text(token: TemplateToken | undefined): string | undefined {
  if (token === undefined) return undefined;
  if (isBasicExpression(token)) {
    const source = token.source;
    if (source === undefined || token.originalExpressions === undefined) return `\${{ ${token.expression} }}`;
    return unquote(source);
  }
  if (isLiteral(token)) return token.toString();
  return undefined;
}

/** Raw YAML source of a flow scalar keeps its quotes; the value does not. */
function unquote(source: string): string {
  const t = source.trim();
  const q = t[0];
  return (q === "'" || q === '"') && t.length >= 2 && t.endsWith(q) ? t.slice(1, -1) : source;
}

export interface ExprAt {
  expr: string;
  line: number;
}

/** Every `${{ }}` expression inside a token, with its own line. */
export function expressionsIn(token: TemplateToken, out: ExprAt[] = []): ExprAt[] {
  if (isBasicExpression(token)) {
    const originals = token.originalExpressions;
    if (originals && originals.length > 0) {
      for (const o of originals) out.push({ expr: o.expression, line: o.line ?? token.line ?? 0 });
    } else {
      out.push({ expr: token.expression, line: token.line ?? 0 });
    }
  } else if (isString(token)) {
    // Expressions the schema does not allow in this place stay plain strings; they still name secrets.
    if (token.value.includes("${{")) embedded(token.value, token.line ?? 0, out);
  } else if (isMapping(token)) {
    for (const pair of token) {
      expressionsIn(pair.key, out);
      expressionsIn(pair.value, out);
    }
  } else if (isSequence(token)) {
    for (let i = 0; i < token.count; i++) expressionsIn(token.get(i), out);
  }
  return out;
}

/** `if:` accepts a bare expression without `${{ }}`; such a plain string is an expression too. */
export function conditionExpressions(token: TemplateToken | undefined): ExprAt[] {
  if (token === undefined) return [];
  if (isString(token)) {
    if (token.value.includes("${{")) return embedded(token.value, token.line ?? 0, []);
    return token.value.trim() === "" ? [] : [{ expr: token.value, line: token.line ?? 0 }];
  }
  return expressionsIn(token);
}

function embedded(value: string, line: number, out: ExprAt[]): ExprAt[] {
  for (const e of embeddedExpressions(value)) out.push({ expr: e.inner.trim(), line });
  return out;
}
