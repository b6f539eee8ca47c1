import type { Decision } from "./decision";
import { literalPattern, matchPattern, prefixPattern, suffixPattern, containsPattern, type Pattern } from "./glob";
import type { CelNode } from "./cel";
import { cat, concrete, lit, lower, splitSym, type Sym } from "./symbolic";

// Evaluates a parsed CEL expression over partly known claims. A boolean result is the set
// of outcomes it can have (true, false, error); CEL's commutative `&&`/`||` absorb errors
// the way cel-spec says (`false && error` is false, `true || error` is true). Anything the
// subset does not cover evaluates to "unknown", which can be every outcome.

export interface Outcomes {
  t: boolean;
  f: boolean;
  e: boolean;
}

export type CelValue =
  /** A string; `maybeError` when it comes from a claim that may be missing (then: no such key). */
  | { k: "str"; s: Sym; maybeError: boolean }
  | { k: "bool"; o: Outcomes }
  | { k: "num"; n: number }
  | { k: "null" }
  | { k: "list"; items: CelValue[] }
  | { k: "ns"; name: string }
  | { k: "err" }
  | { k: "unk" };

export interface CelScope {
  /** A member of `assertion`, `attribute` or `google`; undefined when missing. */
  lookup(ns: string, field: string): CelValue | undefined;
  /** `has(ns.field)`. */
  has(ns: string, field: string): Outcomes;
}

const ERR: CelValue = { k: "err" };
const UNK: CelValue = { k: "unk" };
const NAMESPACES = new Set(["assertion", "attribute", "google"]);
const ALL: Outcomes = { t: true, f: true, e: true };

export function outcomes(v: CelValue): Outcomes {
  if (v.k === "bool") return v.o;
  if (v.k === "unk") return ALL;
  return { t: false, f: false, e: true };
}

function fromDecision(d: Decision, maybeError = false): CelValue {
  return { k: "bool", o: { t: d !== "no", f: d !== "yes", e: maybeError } };
}

function combine(a: Outcomes, b: Outcomes, op: (x: "t" | "f" | "e", y: "t" | "f" | "e") => "t" | "f" | "e"): Outcomes {
  const out: Outcomes = { t: false, f: false, e: false };
  for (const x of ["t", "f", "e"] as const) {
    if (!a[x]) continue;
    for (const y of ["t", "f", "e"] as const) if (b[y]) out[op(x, y)] = true;
  }
  return out;
}

const AND = (x: "t" | "f" | "e", y: "t" | "f" | "e"): "t" | "f" | "e" => (x === "f" || y === "f" ? "f" : x === "t" && y === "t" ? "t" : "e");
const OR = (x: "t" | "f" | "e", y: "t" | "f" | "e"): "t" | "f" | "e" => (x === "t" || y === "t" ? "t" : x === "f" && y === "f" ? "f" : "e");

function negate(o: Outcomes): Outcomes {
  return { t: o.f, f: o.t, e: o.e };
}

function strPattern(v: CelValue, pattern: (s: string) => Pattern, arg: CelValue): CelValue {
  if (v.k === "err" || arg.k === "err") return ERR;
  if (v.k !== "str" || arg.k !== "str") return v.k === "unk" || arg.k === "unk" ? UNK : ERR;
  const needle = concrete(arg.s);
  if (needle === null) return UNK;
  return fromDecision(matchPattern(pattern(needle), v.s), v.maybeError || arg.maybeError);
}

function equals(a: CelValue, b: CelValue): CelValue {
  if (a.k === "err" || b.k === "err") return ERR;
  if (a.k === "unk" || b.k === "unk") return UNK;
  if (a.k === "str" && b.k === "str") {
    const known = concrete(b.s) ?? concrete(a.s);
    const other = concrete(b.s) !== null ? a.s : b.s;
    const maybeError = a.maybeError || b.maybeError;
    if (known === null) return { k: "bool", o: { t: true, f: true, e: maybeError } };
    return fromDecision(matchPattern(literalPattern(known), other), maybeError);
  }
  if (a.k === "num" && b.k === "num") return fromDecision(a.n === b.n ? "yes" : "no");
  if (a.k === "bool" && b.k === "bool") {
    const o = combine(a.o, b.o, (x, y) => (x === "e" || y === "e" ? "e" : x === y ? "t" : "f"));
    return { k: "bool", o };
  }
  if (a.k === "null" || b.k === "null") return fromDecision(a.k === b.k ? "yes" : "no");
  // Values of different types are not equal (heterogeneous equality); a string that may be
  // missing still may raise "no such key".
  // Whether a CEL build has heterogeneous equality (false) or not (error), it is never true.
  if ((a.k === "str" || b.k === "str") && (a.k === "num" || b.k === "num" || a.k === "bool" || b.k === "bool")) {
    return { k: "bool", o: { t: false, f: true, e: true } };
  }
  return UNK;
}

/**
 * RE2 patterns JavaScript reads the same way and cannot make backtrack badly; others are
 * not tried (the verdict stays undecided). RE2 is linear-time, JavaScript's engine is not:
 * quantified groups (`(a|a)*`, `((a)*)*`) and more than three quantifiers are refused, and
 * values longer than 512 characters are not tried.
 */
function safeRegex(re: string): RegExp | null {
  if (re.length > 512) return null;
  if (/\(\?|\\[1-9]|\\[pPkKAz]|\[\[:/.test(re)) return null;
  if (/\)\s*[*+?{]/.test(re)) return null;
  if ((re.match(/[*+?{]/g) ?? []).length > 3) return null;
  try {
    return new RegExp(re, "u");
  } catch {
    return null;
  }
}

function call(fn: string, target: CelValue | null, args: CelValue[], scope: CelScope, node: CelNode): CelValue {
  const [a0] = args;
  if (target === null) {
    if (fn === "has" && node.k === "call") {
      const arg = node.args[0];
      if (arg?.k === "select" && arg.target.k === "ident" && NAMESPACES.has(arg.target.name)) return { k: "bool", o: scope.has(arg.target.name, arg.field) };
    }
    return UNK;
  }
  if (target.k === "err") return ERR;
  if (fn === "startsWith" && a0 !== undefined) return strPattern(target, prefixPattern, a0);
  if (fn === "endsWith" && a0 !== undefined) return strPattern(target, suffixPattern, a0);
  if (fn === "contains" && a0 !== undefined) return strPattern(target, containsPattern, a0);
  if (fn === "lowerAscii" && target.k === "str") return { ...target, s: lower(target.s) };
  if (target.k !== "str") return UNK;
  const known = concrete(target.s);
  if (fn === "matches" && a0?.k === "str") {
    const re = concrete(a0.s);
    const compiled = re === null ? null : safeRegex(re);
    if (known === null || compiled === null || known.length > 512) return UNK;
    return fromDecision(compiled.test(known) ? "yes" : "no", target.maybeError);
  }
  if (fn === "split" && a0?.k === "str") {
    const sep = concrete(a0.s);
    if (sep === null) return UNK;
    if (known !== null) return { k: "list", items: known.split(sep).map((s) => ({ k: "str", s: lit(s), maybeError: target.maybeError })) };
    // A partly known value splits where no unknown part can hold the separator (`:` in a Buildkite `sub`).
    const pieces = splitSym(target.s, sep);
    return pieces === null ? UNK : { k: "list", items: pieces.map((s) => ({ k: "str", s, maybeError: target.maybeError })) };
  }
  return UNK;
}

export function evaluate(node: CelNode, scope: CelScope): CelValue {
  switch (node.k) {
    case "lit":
      if (typeof node.v === "string") return { k: "str", s: lit(node.v), maybeError: false };
      if (typeof node.v === "number") return { k: "num", n: node.v };
      if (typeof node.v === "boolean") return { k: "bool", o: { t: node.v, f: !node.v, e: false } };
      return { k: "null" };
    case "ident":
      return NAMESPACES.has(node.name) ? { k: "ns", name: node.name } : UNK;
    case "select": {
      const t = evaluate(node.target, scope);
      if (t.k === "ns") return scope.lookup(t.name, node.field) ?? ERR;
      return t.k === "err" ? ERR : UNK;
    }
    case "index": {
      const t = evaluate(node.target, scope);
      const i = evaluate(node.index, scope);
      if (t.k === "err" || i.k === "err") return ERR;
      if (t.k === "ns" && i.k === "str") {
        const field = concrete(i.s);
        return field === null ? UNK : (scope.lookup(t.name, field) ?? ERR);
      }
      if (t.k === "list" && i.k === "num") return t.items[i.n] ?? ERR;
      return UNK;
    }
    case "list":
      return { k: "list", items: node.items.map((n) => evaluate(n, scope)) };
    case "call":
      return call(node.fn, node.target === null ? null : evaluate(node.target, scope), node.args.map((a) => evaluate(a, scope)), scope, node);
    case "unary": {
      const v = evaluate(node.arg, scope);
      if (node.op === "!") return v.k === "bool" || v.k === "unk" || v.k === "err" ? { k: "bool", o: negate(outcomes(v)) } : ERR;
      return v.k === "num" ? { k: "num", n: -v.n } : v.k === "unk" ? UNK : ERR;
    }
    case "cond": {
      const test = outcomes(evaluate(node.test, scope));
      const branches: CelValue[] = [];
      if (test.t) branches.push(evaluate(node.then, scope));
      if (test.f) branches.push(evaluate(node.else, scope));
      if (test.e) branches.push(ERR);
      if (branches.length === 1) return branches[0] as CelValue;
      if (branches.every((b) => b.k === "bool" || b.k === "err")) {
        return { k: "bool", o: branches.map(outcomes).reduce((x, y) => ({ t: x.t || y.t, f: x.f || y.f, e: x.e || y.e })) };
      }
      return UNK;
    }
    case "binary":
      return binary(node.op, node.left, node.right, scope);
  }
}

function binary(op: string, leftNode: CelNode, rightNode: CelNode, scope: CelScope): CelValue {
  const left = evaluate(leftNode, scope);
  const right = evaluate(rightNode, scope);
  switch (op) {
    case "&&":
      return { k: "bool", o: combine(outcomes(left), outcomes(right), AND) };
    case "||":
      return { k: "bool", o: combine(outcomes(left), outcomes(right), OR) };
    case "==":
      return equals(left, right);
    case "!=": {
      const eq = equals(left, right);
      return eq.k === "bool" ? { k: "bool", o: negate(eq.o) } : eq;
    }
    case "in": {
      if (left.k === "err" || right.k === "err") return ERR;
      if (right.k !== "list") return UNK;
      const each = right.items.map((item) => outcomes(equals(left, item)));
      return { k: "bool", o: each.reduce((x, y) => combine(x, y, OR), { t: false, f: true, e: false }) };
    }
    case "+":
      if (left.k === "str" && right.k === "str") return { k: "str", s: cat(left.s, right.s), maybeError: left.maybeError || right.maybeError };
      if (left.k === "num" && right.k === "num") return { k: "num", n: left.n + right.n };
      if (left.k === "list" && right.k === "list") return { k: "list", items: [...left.items, ...right.items] };
      return left.k === "err" || right.k === "err" ? ERR : UNK;
    default:
      return left.k === "err" || right.k === "err" ? ERR : UNK;
  }
}

/** Accepted when the outcome can only be true; rejected when it cannot be true. */
export function decide(o: Outcomes): Decision {
  if (!o.t) return "no";
  return o.f || o.e ? "possibly" : "yes";
}
