import { fromBool, type Decision } from "./decision";
import { concrete, lower, type CharSet, type Part, type Sym } from "./symbolic";

// Wildcard patterns from trust policies matched against partly known claim values.
//
// `exists` asks whether some value the claim can take matches (exact, by a product
// automaton over pattern × value positions); `forall` asks whether every value does
// (sufficient: each unknown run must be swallowed whole by one `*`). The verdict is yes
// when `forall` holds, no when `exists` fails, possibly otherwise — so yes and no are
// always true answers and only precision is lost.

export type PatElem = { k: "c"; c: string } | { k: "one" } | { k: "star" };
export type Pattern = readonly PatElem[];

type El = { k: "c"; c: string } | { k: "one"; ok: CharSet } | { k: "hole"; ok: CharSet };

/** Above this many automaton states a comparison is not attempted and stays undecided. */
const MAX_STATES = 1_000_000;
/** Longer patterns are no trust condition anyone writes; they stay undecided (bounded work on hostile exports). */
const MAX_PATTERN = 4096;
const CACHE_LIMIT = 50_000;

const STAR: PatElem = { k: "star" };
const ONE: PatElem = { k: "one" };

function chars(s: string): PatElem[] {
  return Array.from(s, (c): PatElem => ({ k: "c", c }));
}

// Patterns are compiled once per source text, so verdicts can be remembered per pattern.
const compiled = new Map<string, Pattern>();

function compile(kind: string, s: string, build: () => PatElem[]): Pattern {
  const key = `${kind}\0${s}`;
  let p = compiled.get(key);
  if (p === undefined) {
    if (compiled.size > CACHE_LIMIT) compiled.clear();
    p = build();
    compiled.set(key, p);
  }
  return p;
}

export function literalPattern(s: string): Pattern {
  return compile("=", s, () => chars(s));
}

/** AWS `StringLike`, Entra `matches`: `*` any run (also empty, across `/` and `:`), `?` one character. */
export function starQuestionPattern(s: string): Pattern {
  return compile("*?", s, () => Array.from(s, (c): PatElem => (c === "*" ? STAR : c === "?" ? ONE : { k: "c", c })));
}

/** Vault glob (ryanuber/go-glob): only `*` is special. */
export function starPattern(s: string): Pattern {
  return compile("*", s, () => Array.from(s, (c): PatElem => (c === "*" ? STAR : { k: "c", c })));
}

export function prefixPattern(s: string): Pattern {
  return compile("^", s, () => [...chars(s), STAR]);
}

export function suffixPattern(s: string): Pattern {
  return compile("$", s, () => [STAR, ...chars(s)]);
}

export function containsPattern(s: string): Pattern {
  return compile("~", s, () => [STAR, ...chars(s), STAR]);
}

function expand(parts: readonly Part[]): El[] {
  const out: El[] = [];
  for (const p of parts) {
    if (p.t === "lit") for (const c of p.s) out.push({ k: "c", c });
    else if (p.t === "one") out.push({ k: "one", ok: p.ok });
    else out.push({ k: "hole", ok: p.ok });
  }
  return out;
}

class TooLarge extends Error {}

function run(p: Pattern, t: El[], step: (i: number, j: number, push: (i: number, j: number) => void) => void): boolean {
  const m = p.length;
  const n = t.length;
  const width = n + 1;
  if ((m + 1) * width > MAX_STATES) throw new TooLarge();
  const seen = new Uint8Array((m + 1) * width);
  const stack = [0];
  seen[0] = 1;
  const push = (i: number, j: number): void => {
    const s = i * width + j;
    if (seen[s] === 0) {
      seen[s] = 1;
      stack.push(s);
    }
  };
  while (stack.length > 0) {
    const s = stack.pop() as number;
    const i = Math.floor(s / width);
    const j = s % width;
    if (i === m && j === n) return true;
    step(i, j, push);
  }
  return false;
}

function existsExpanded(p: Pattern, t: El[]): boolean {
  return run(p, t, (i, j, push) => {
    const pe = p[i];
    const te = t[j];
    if (pe?.k === "star") push(i + 1, j);
    if (te?.k === "hole") push(i, j + 1);
    if (pe === undefined || te === undefined) return;
    if (pe.k === "star") push(i, j + 1);
    else if (te.k === "hole") {
      // The unknown run emits one more character for this pattern position and goes on.
      if (pe.k === "one" || te.ok(pe.c)) push(i + 1, j);
    } else if (pe.k === "one") push(i + 1, j + 1);
    else if (te.k === "c" ? te.c === pe.c : te.ok(pe.c)) push(i + 1, j + 1);
  });
}

function forallExpanded(p: Pattern, t: El[]): boolean {
  return run(p, t, (i, j, push) => {
    const pe = p[i];
    const te = t[j];
    if (pe?.k === "star") {
      push(i + 1, j);
      if (te !== undefined) push(i, j + 1);
      return;
    }
    if (pe === undefined || te === undefined) return;
    if (te.k === "c") {
      if (pe.k === "one" || pe.c === te.c) push(i + 1, j + 1);
    } else if (te.k === "one" && pe.k === "one") push(i + 1, j + 1);
  });
}

/** The non-empty names other than `name` (ignoring case), as finitely many shapes. */
function otherNames(part: Extract<Part, { t: "ne" }>): Part[][] {
  const { ok, label } = part;
  const x = part.not;
  const same = (ch: string): Part => ({ t: "one", ok: (c) => ok(c) && c.toLowerCase() === ch.toLowerCase(), label });
  const prefix = (k: number): Part[] => Array.from(x.slice(0, k), same);
  const out: Part[][] = [];
  for (let k = 0; k < x.length; k++) {
    const ch = x[k] as string;
    out.push([...prefix(k), { t: "one", ok: (c) => ok(c) && c.toLowerCase() !== ch.toLowerCase(), label }, { t: "hole", ok, label }]);
  }
  out.push([...prefix(x.length), { t: "one", ok, label }, { t: "hole", ok, label }]);
  for (let k = 1; k < x.length; k++) out.push(prefix(k));
  return out;
}

function existsSym(p: Pattern, parts: readonly Part[]): boolean {
  const at = parts.findIndex((q) => q.t === "ne");
  if (at < 0) return existsExpanded(p, expand(parts));
  // Cheap over-approximation first: most shapes die here without being split.
  if (!existsExpanded(p, expand(parts))) return false;
  const ne = parts[at] as Extract<Part, { t: "ne" }>;
  return otherNames(ne).some((shape) => existsSym(p, [...parts.slice(0, at), ...shape, ...parts.slice(at + 1)]));
}

function lowerPattern(p: Pattern): Pattern {
  return p.map((e) => (e.k === "c" ? { k: "c", c: e.c.toLowerCase() } : e));
}

/** Glob match of a known string: backtracking to the last `*` only, O(|p|·|s|) at worst. */
function matchKnown(p: Pattern, s: string): boolean {
  let i = 0;
  let j = 0;
  let starAt = -1;
  let resume = 0;
  while (j < s.length) {
    const e = p[i];
    if (e !== undefined && e.k !== "star" && (e.k === "one" || e.c === s[j])) {
      i++;
      j++;
    } else if (e?.k === "star") {
      starAt = i++;
      resume = j;
    } else if (starAt >= 0) {
      i = starAt + 1;
      j = ++resume;
    } else return false;
  }
  while (p[i]?.k === "star") i++;
  return i === p.length;
}

const fnIds = new WeakMap<CharSet, number>();
let nextFn = 0;
const symKeys = new WeakMap<Sym, string>();
const verdicts = new WeakMap<Pattern, Map<string, Decision>>();

/** A key equal for values that stand for the same strings (character sets compared by identity). */
function symKey(v: Sym): string {
  let k = symKeys.get(v);
  if (k === undefined) {
    k = v
      .map((p) => {
        if (p.t === "lit") return `l${p.s.length}:${p.s}`;
        let id = fnIds.get(p.ok);
        if (id === undefined) fnIds.set(p.ok, (id = nextFn++));
        return p.t === "ne" ? `n${id}:${p.not.length}:${p.not}` : `${p.t[0]}${id}`;
      })
      .join("|");
    symKeys.set(v, k);
  }
  return k;
}

function decideMatch(p: Pattern, v: Sym): Decision {
  if (p.length > MAX_PATTERN) return "possibly";
  try {
    const known = concrete(v);
    if (known !== null) return fromBool(matchKnown(p, known));
    if (forallExpanded(p, expand(v))) return "yes";
    return existsSym(p, v) ? "possibly" : "no";
  } catch (err) {
    if (err instanceof TooLarge) return "possibly";
    throw err;
  }
}

/** Does the claim value match the pattern: for every value (yes), some (possibly), none (no)? */
export function matchPattern(pattern: Pattern, value: Sym, opts: { ignoreCase?: boolean } = {}): Decision {
  if (opts.ignoreCase) return decideMatch(lowerPattern(pattern), lower(value));
  let memo = verdicts.get(pattern);
  if (memo === undefined) verdicts.set(pattern, (memo = new Map()));
  const key = symKey(value);
  let d = memo.get(key);
  if (d === undefined) {
    if (memo.size > CACHE_LIMIT) memo.clear();
    d = decideMatch(pattern, value);
    memo.set(key, d);
  }
  return d;
}

/**
 * ryanuber/go-glob's `Glob`, line for line — the algorithm Vault's `bound_claims_type=glob`
 * runs: split on `*`, the first piece must be a prefix, middle pieces are found left to
 * right, the last must be a suffix of what remains. Used for fully known values.
 */
export function goGlob(pattern: string, subject: string): boolean {
  if (pattern === "") return subject === pattern;
  if (pattern === "*") return true;
  const parts = pattern.split("*");
  if (parts.length === 1) return subject === pattern;
  const leadingGlob = pattern.startsWith("*");
  const trailingGlob = pattern.endsWith("*");
  const end = parts.length - 1;
  let subj = subject;
  for (let i = 0; i < end; i++) {
    const part = parts[i] as string;
    const idx = subj.indexOf(part);
    if (i === 0) {
      if (!leadingGlob && idx !== 0) return false;
    } else if (idx < 0) return false;
    subj = subj.slice(idx + part.length);
  }
  return trailingGlob || subj.endsWith(parts[end] as string);
}
