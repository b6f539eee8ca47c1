// Pipelines-as-Code's `on-cel-expression`, read conservatively: which events and target branches
// it can match. The expression is tokenised and parsed into `&&`, `||` and `!` over atoms; an
// atom we understand constrains the event, the target branch or the pull request's source; any
// other atom (`body.action != "x"`, `"docs/*".pathChanged()`) may be true or false. An expression
// we cannot parse matches anything. Linear: one tokenising pass, recursion bounded by depth.

export const CEL_EVENTS = ["push", "pull_request", "incoming"] as const;

type Atom =
  | { t: "event"; value: string }
  | { t: "branch"; pattern: string }
  /** A field the pull request's author chooses (source branch, title): no trust boundary. */
  | { t: "author"; field: string }
  /** A comparison that keeps forks out (`source_url == target_url`, `head.repo.fork`). */
  | { t: "same-repo" }
  | { t: "unknown" };

type Expr = { t: "atom"; atom: Atom } | { t: "not"; e: Expr } | { t: "and" | "or"; a: Expr; b: Expr };

interface Token {
  kind: "id" | "str" | "op" | "num";
  text: string;
}

const MAX_TOKENS = 5000;
const MAX_DEPTH = 256;

function tokenize(src: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    if (out.length > MAX_TOKENS) return null;
    const c = src[i] ?? "";
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let text = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\" && j + 1 < src.length) j++;
        text += src[j];
        j++;
      }
      if (j >= src.length) return null;
      out.push({ kind: "str", text });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j] ?? "")) j++;
      out.push({ kind: "id", text: src.slice(i, j) });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[0-9.]/.test(src[j] ?? "")) j++;
      out.push({ kind: "num", text: src.slice(i, j) });
      i = j;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (["==", "!=", "&&", "||", "<=", ">="].includes(two)) {
      out.push({ kind: "op", text: two });
      i += 2;
      continue;
    }
    out.push({ kind: "op", text: c });
    i++;
  }
  return out;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Expr | null {
    const e = this.or(0);
    return e !== null && this.pos === this.tokens.length ? e : null;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === "op" && t.text === text;
  }

  private or(depth: number): Expr | null {
    if (depth > MAX_DEPTH) return null;
    let a = this.and(depth + 1);
    while (a !== null && this.isOp("||")) {
      this.pos++;
      const b = this.and(depth + 1);
      a = b === null ? null : { t: "or", a, b };
    }
    return a;
  }

  private and(depth: number): Expr | null {
    let a = this.unary(depth + 1);
    while (a !== null && this.isOp("&&")) {
      this.pos++;
      const b = this.unary(depth + 1);
      a = b === null ? null : { t: "and", a, b };
    }
    return a;
  }

  private unary(depth: number): Expr | null {
    if (depth > MAX_DEPTH) return null;
    if (this.isOp("!")) {
      this.pos++;
      const e = this.unary(depth + 1);
      return e === null ? null : { t: "not", e };
    }
    if (this.isOp("(")) {
      const start = this.pos;
      this.pos++;
      const e = this.or(depth + 1);
      if (e !== null && this.isOp(")")) {
        this.pos++;
        // `(a || b).method()` or `(x) == y`: the group is part of a larger atom.
        if (!this.atomContinues()) return e;
      }
      this.pos = start;
    }
    return this.atom(depth);
  }

  private atomContinues(): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === "op" && t.text !== "&&" && t.text !== "||" && t.text !== ")";
  }

  /** Tokens up to the next `&&`, `||` or unbalanced `)` at this nesting level: one comparison or call. */
  private atom(depth: number): Expr | null {
    const start = this.pos;
    let nest = 0;
    while (this.pos < this.tokens.length) {
      const t = this.tokens[this.pos] as Token;
      if (t.kind === "op") {
        if (t.text === "(" || t.text === "[") nest++;
        else if (t.text === ")" || t.text === "]") {
          if (nest === 0) break;
          nest--;
        } else if ((t.text === "&&" || t.text === "||") && nest === 0) break;
        else if (t.text === "?" && nest === 0) return depth > MAX_DEPTH ? null : this.skipTernary();
      }
      this.pos++;
    }
    if (this.pos === start || nest > 0) return null;
    const tokens = this.tokens.slice(start, this.pos);
    // `event != "x"` is the negation of `event == "x"`.
    const ne = tokens.findIndex((t) => t.kind === "op" && t.text === "!=");
    if (ne >= 0 && tokens.length === 3) {
      const eq = classify([...tokens.slice(0, ne), { kind: "op", text: "==" }, ...tokens.slice(ne + 1)]);
      if (eq.t === "event") return { t: "not", e: { t: "atom", atom: eq } };
    }
    return { t: "atom", atom: classify(tokens) };
  }

  /** `c ? a : b` — read as an unknown atom covering the rest of the group. */
  private skipTernary(): Expr {
    let nest = 0;
    while (this.pos < this.tokens.length) {
      const t = this.tokens[this.pos] as Token;
      if (t.kind === "op" && (t.text === "(" || t.text === "[")) nest++;
      else if (t.kind === "op" && (t.text === ")" || t.text === "]")) {
        if (nest === 0) break;
        nest--;
      }
      this.pos++;
    }
    return { t: "atom", atom: { t: "unknown" } };
  }
}

/** A dotted field path at the start of the tokens (`body.pull_request.head.ref`) and the index after it. */
function fieldPath(tokens: Token[], from = 0): { path: string; next: number } | null {
  const first = tokens[from];
  if (first?.kind !== "id") return null;
  let path = first.text;
  let i = from + 1;
  while (tokens[i]?.kind === "op" && tokens[i]?.text === "." && tokens[i + 1]?.kind === "id" && tokens[i + 2]?.text !== "(") {
    path += `.${tokens[i + 1]?.text}`;
    i += 2;
  }
  return { path, next: i };
}

const AUTHOR_FIELDS = new Set(["source_branch", "event_title", "body.pull_request.head.ref", "body.pull_request.title", "body.pull_request.head.label", "body.pull_request.body"]);
const SAME_REPO_FIELDS = new Set(["source_url", "target_url", "body.pull_request.head.repo.fork", "body.pull_request.head.repo.full_name", "body.pull_request.head.repo.owner.login"]);

function classify(tokens: Token[]): Atom {
  // `"x" == field` reads as `field == "x"`.
  const swapped = tokens.length === 3 && tokens[0]?.kind === "str" && tokens[1]?.kind === "op" ? [tokens[2] as Token, tokens[1] as Token, tokens[0] as Token] : tokens;
  const lhs = fieldPath(swapped);
  if (lhs === null) return { t: "unknown" };
  const rest = swapped.slice(lhs.next);
  const op = rest[0];
  const value = rest[1];
  const onlyValue = rest.length === 2 && value?.kind === "str";
  const header = lhs.path === "headers" && rest[0]?.text === "[" && rest[1]?.kind === "str" && /^x-github-event$/i.test(rest[1].text) && rest[2]?.text === "]";
  if (header && rest[3]?.text === "==" && rest[4]?.kind === "str" && rest.length === 5) return { t: "event", value: rest[4].text };
  if (lhs.path === "event" && op?.text === "==" && onlyValue) return { t: "event", value: value.text };
  if (lhs.path === "event" && op?.text === "in") return eventIn(rest.slice(1));
  if (lhs.path === "target_branch") {
    if (op?.text === "==" && onlyValue) return { t: "branch", pattern: value.text };
    const call = rest[0]?.text === "." && rest[1]?.kind === "id" && rest[2]?.text === "(" && rest[3]?.kind === "str" && rest[4]?.text === ")" && rest.length === 5;
    if (call && rest[1]?.text === "startsWith") return { t: "branch", pattern: `${rest[3]?.text}*` };
  }
  if (AUTHOR_FIELDS.has(lhs.path)) return { t: "author", field: lhs.path };
  if (SAME_REPO_FIELDS.has(lhs.path) && (op?.text === "==" || (lhs.path.endsWith(".fork") && rest.length === 0))) return { t: "same-repo" };
  return { t: "unknown" };
}

/** `event in ["push", "pull_request"]` as one atom per event: kept as unknown unless every item is a string. */
function eventIn(tokens: Token[]): Atom {
  const values = tokens.filter((t) => t.kind === "str").map((t) => t.text);
  const ok = tokens[0]?.text === "[" && tokens[tokens.length - 1]?.text === "]" && values.length > 0;
  return ok && values.length === 1 ? { t: "event", value: values[0] as string } : ok ? { t: "event", value: values.join("|") } : { t: "unknown" };
}

function eventMatches(atom: { value: string }, event: string): boolean {
  return atom.value.split("|").includes(event);
}

/** Can `e` take the value `want` when the event is `event`? Unknown atoms can take either. */
function possible(e: Expr, event: string, want: boolean): boolean {
  switch (e.t) {
    case "atom":
      if (e.atom.t === "event") return eventMatches(e.atom, event) === want;
      return true;
    case "not":
      return possible(e.e, event, !want);
    case "and":
      return want ? possible(e.a, event, true) && possible(e.b, event, true) : possible(e.a, event, false) || possible(e.b, event, false);
    case "or":
      return want ? possible(e.a, event, true) || possible(e.b, event, true) : possible(e.a, event, false) && possible(e.b, event, false);
  }
}

/** Target-branch patterns every match under `event` satisfies; null when any branch can match. */
function branches(e: Expr, event: string): string[] | null {
  switch (e.t) {
    case "atom":
      return e.atom.t === "branch" ? [e.atom.pattern] : null;
    case "not":
      return null;
    case "and":
      // Either side's constraint holds for every match: the first known one is a (wider) filter.
      return branches(e.a, event) ?? branches(e.b, event);
    case "or": {
      const aPossible = possible(e.a, event, true);
      const bPossible = possible(e.b, event, true);
      if (!aPossible) return branches(e.b, event);
      if (!bPossible) return branches(e.a, event);
      const a = branches(e.a, event);
      const b = branches(e.b, event);
      return a !== null && b !== null ? [...new Set([...a, ...b])] : null;
    }
  }
}

function atoms(e: Expr, out: Atom[] = []): Atom[] {
  if (e.t === "atom") out.push(e.atom);
  else if (e.t === "not") atoms(e.e, out);
  else {
    atoms(e.a, out);
    atoms(e.b, out);
  }
  return out;
}

export interface CelReading {
  /** The events the expression can match (push, pull_request, incoming, or others it names). */
  events: string[];
  /** Target-branch patterns per event, when every match of that event needs one. */
  branches: Record<string, string[]>;
  /** The expression constrains `event` nowhere: it matches every event Pipelines-as-Code handles. */
  anyEvent: boolean;
  /** Author-chosen fields the expression tests (`source_branch`, `event_title`…), none of `source_url`. */
  authorGates: string[];
  parsed: boolean;
}

export function readCel(expression: string): CelReading {
  const tokens = tokenize(expression);
  const expr = tokens === null || tokens.length === 0 ? null : new Parser(tokens).parse();
  if (expr === null) return { events: [...CEL_EVENTS], branches: {}, anyEvent: true, authorGates: [], parsed: false };
  const all = atoms(expr);
  const named = all.flatMap((a) => (a.t === "event" ? a.value.split("|") : []));
  const candidates = [...new Set([...CEL_EVENTS, ...named])];
  const events = candidates.filter((ev) => possible(expr, ev, true));
  const out: Record<string, string[]> = {};
  for (const ev of events) {
    const b = branches(expr, ev);
    if (b !== null) out[ev] = b;
  }
  const sameRepo = all.some((a) => a.t === "same-repo");
  const authorGates = sameRepo ? [] : [...new Set(all.flatMap((a) => (a.t === "author" ? [a.field] : [])))];
  return { events, branches: out, anyEvent: named.length === 0, authorGates, parsed: true };
}
