import type { Node } from "yaml";
import { entriesOf, getIn, itemsOf, scalarText, type YamlDoc } from "../yaml-docs";

// Tekton parameters: `$(params.name)` (also `$(params["name"])`, `$(params['name'])`) replaced by
// the literal value a run, a pipeline task or a default gives. Only string values substitute;
// an array or object parameter, or one nobody sets, stays as written.

export type ParamScope = ReadonlyMap<string, string>;

export const EMPTY_SCOPE: ParamScope = new Map();

const OPEN = "$(params";

/** The name inside `.name)`, `["name"])` or `['name'])` at `at`, with the index after `)`. */
function nameAt(text: string, at: number): { name: string; end: number } | null {
  if (text[at] === ".") {
    let i = at + 1;
    while (i < text.length && /[A-Za-z0-9_.-]/.test(text[i] ?? "")) i++;
    if (text[i] !== ")" || i === at + 1) return null;
    return { name: text.slice(at + 1, i), end: i + 1 };
  }
  if (text[at] === "[") {
    const quote = text[at + 1];
    if (quote !== '"' && quote !== "'") return null;
    const close = text.indexOf(quote, at + 2);
    if (close < 0 || text[close + 1] !== "]" || text[close + 2] !== ")") return null;
    return { name: text.slice(at + 2, close), end: close + 3 };
  }
  return null;
}

/** Replaces each `$(params.X)` whose value the scope knows; one pass, no recursion. */
export function substitute(text: string, scope: ParamScope): string {
  if (scope.size === 0 || !text.includes(OPEN)) return text;
  let out = "";
  let pos = 0;
  for (;;) {
    const start = text.indexOf(OPEN, pos);
    if (start < 0) return out + text.slice(pos);
    const ref = nameAt(text, start + OPEN.length);
    const value = ref === null ? undefined : scope.get(ref.name);
    if (ref === null || value === undefined) {
      out += text.slice(pos, start + OPEN.length);
      pos = start + OPEN.length;
      continue;
    }
    out += text.slice(pos, start) + value;
    pos = ref.end;
  }
}

/** True when the text still holds a `$(…)` reference after substitution. */
export function isSymbolic(text: string): boolean {
  return text.includes("$(");
}

/** `params: [{ name, value }]` of a run or pipeline task, values substituted through `outer`. */
export function givenParams(doc: YamlDoc, params: Node | undefined, outer: ParamScope): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of itemsOf(doc, params)) {
    const name = scalarText(doc, getIn(doc, p, "name"));
    const value = scalarText(doc, getIn(doc, p, "value"));
    if (name !== null && value !== null) out.set(name, substitute(value, outer));
  }
  // The old map form (`params: { name: value }`) of some generated runs.
  for (const [name, value] of entriesOf(doc, params)) {
    const text = scalarText(doc, value);
    if (text !== null) out.set(name, substitute(text, outer));
  }
  return out;
}

/** The declared `params: [{ name, default }]` of a Pipeline, Task or StepAction, overridden by `given`. */
export function declaredScope(doc: YamlDoc, params: Node | undefined, given: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of itemsOf(doc, params)) {
    const name = scalarText(doc, getIn(doc, p, "name"));
    const value = scalarText(doc, getIn(doc, p, "default"));
    if (name !== null && value !== null) out.set(name, value);
  }
  for (const [k, v] of given) out.set(k, v);
  return out;
}
