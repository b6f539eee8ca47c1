// A parser for the part of CEL (github.com/google/cel-spec, langdef.md) that Google Cloud
// attribute mappings and conditions use. Anything outside the grammar below is a
// `CelSyntaxError`; the evaluator then answers `possibly` for the whole expression.
//
//   Expr     = Or ["?" Or ":" Expr]
//   Or       = And {"||" And}          And = Rel {"&&" Rel}
//   Rel      = Add {("=="|"!="|"<"|"<="|">"|">="|"in") Add}
//   Add      = Mul {("+"|"-") Mul}     Mul = Unary {("*"|"/"|"%") Unary}
//   Unary    = {"!"|"-"} Member
//   Member   = Primary {"." IDENT ["(" [Exprs] ")"] | "[" Expr "]"}
//   Primary  = IDENT ["(" [Exprs] ")"] | "(" Expr ")" | "[" [Exprs] [","] "]" | literal

export type CelNode =
  | { k: "lit"; v: string | number | boolean | null }
  | { k: "ident"; name: string }
  | { k: "select"; target: CelNode; field: string }
  | { k: "index"; target: CelNode; index: CelNode }
  | { k: "call"; target: CelNode | null; fn: string; args: CelNode[] }
  | { k: "list"; items: CelNode[] }
  | { k: "unary"; op: "!" | "-"; arg: CelNode }
  | { k: "binary"; op: string; left: CelNode; right: CelNode }
  | { k: "cond"; test: CelNode; then: CelNode; else: CelNode };

export class CelSyntaxError extends Error {}

type Tok = { t: "id"; v: string } | { t: "str"; v: string } | { t: "num"; v: number } | { t: "op"; v: string } | { t: "end" };

const MAX_LENGTH = 8192;
const MAX_DEPTH = 100;
const OPS = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "?", ":", ".", ",", "(", ")", "[", "]", "{", "}"];
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', "`": "`", "?": "?", a: "\x07", b: "\b", f: "\f", v: "\v" };

function readString(src: string, start: number, raw: boolean): [string, number] {
  const q = src[start] as string;
  const triple = src.startsWith(q.repeat(3), start);
  const close = triple ? q.repeat(3) : q;
  let i = start + close.length;
  let out = "";
  while (i < src.length) {
    if (src.startsWith(close, i)) return [out, i + close.length];
    const c = src[i] as string;
    if (!triple && (c === "\n" || c === "\r")) break;
    if (c === "\\" && !raw) {
      const e = src[i + 1] ?? "";
      if (e in ESCAPES) {
        out += ESCAPES[e];
        i += 2;
      } else if (e === "x" || e === "u" || e === "U") {
        const len = e === "x" ? 2 : e === "u" ? 4 : 8;
        const hex = src.slice(i + 2, i + 2 + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw new CelSyntaxError(`bad \\${e} escape`);
        out += String.fromCodePoint(parseInt(hex, 16));
        i += 2 + len;
      } else if (/[0-3]/.test(e) && /^[0-7]{3}$/.test(src.slice(i + 1, i + 4))) {
        out += String.fromCharCode(parseInt(src.slice(i + 1, i + 4), 8));
        i += 4;
      } else throw new CelSyntaxError(`unknown escape \\${e}`);
    } else {
      out += c;
      i++;
    }
  }
  throw new CelSyntaxError("unterminated string");
}

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const prefixed = /^[rRbB]{1,2}['"]/.exec(src.slice(i, i + 3));
    if (c === "'" || c === '"' || prefixed !== null) {
      const prefix = prefixed !== null ? (prefixed[0].length - 1) : 0;
      if (/[bB]/.test(src.slice(i, i + prefix))) throw new CelSyntaxError("bytes literals are not supported");
      const [v, next] = readString(src, i + prefix, /[rR]/.test(src.slice(i, i + prefix)));
      out.push({ t: "str", v });
      i = next;
      continue;
    }
    const num = /^(0x[0-9a-fA-F]+|\d+(\.\d+)?([eE][+-]?\d+)?)[uU]?/.exec(src.slice(i, i + 64));
    if (num !== null && /\d/.test(c)) {
      out.push({ t: "num", v: Number(num[1]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 256));
    if (id !== null) {
      out.push({ t: "id", v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op === undefined) throw new CelSyntaxError(`unexpected character ${JSON.stringify(c)}`);
    out.push({ t: "op", v: op });
    i += op.length;
  }
  out.push({ t: "end" });
  return out;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i] as Tok;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === "op" && t.v === v;
  }
  private take(v: string): void {
    if (!this.isOp(v)) throw new CelSyntaxError(`expected ${v}`);
    this.i++;
  }
  private nested<T>(f: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new CelSyntaxError("expression nested too deeply");
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  parse(): CelNode {
    const e = this.expr();
    if (this.peek().t !== "end") throw new CelSyntaxError("unexpected text after the expression");
    return e;
  }

  private expr(): CelNode {
    return this.nested(() => {
      const test = this.binary(0);
      if (!this.isOp("?")) return test;
      this.i++;
      const then = this.binary(0);
      this.take(":");
      return { k: "cond", test, then, else: this.expr() };
    });
  }

  private static readonly LEVELS: string[][] = [["||"], ["&&"], ["==", "!=", "<", "<=", ">", ">=", "in"], ["+", "-"], ["*", "/", "%"]];

  private binary(level: number): CelNode {
    if (level >= Parser.LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      const op = t.t === "op" || (t.t === "id" && t.v === "in") ? t.v : null;
      if (op === null || !(Parser.LEVELS[level] as string[]).includes(op)) return left;
      this.i++;
      const right = this.nested(() => this.binary(level + 1));
      left = { k: "binary", op, left, right };
    }
  }

  private unary(): CelNode {
    if (this.isOp("!") || this.isOp("-")) {
      const op = (this.peek() as { v: "!" | "-" }).v;
      this.i++;
      return this.nested(() => ({ k: "unary", op, arg: this.unary() }));
    }
    return this.member();
  }

  private args(close: string): CelNode[] {
    const out: CelNode[] = [];
    while (!this.isOp(close)) {
      out.push(this.expr());
      if (this.isOp(",")) this.i++;
      else break;
    }
    this.take(close);
    return out;
  }

  private member(): CelNode {
    let node = this.primary();
    for (;;) {
      if (this.isOp(".")) {
        this.i++;
        const t = this.peek();
        if (t.t !== "id") throw new CelSyntaxError("expected a field name after .");
        this.i++;
        if (this.isOp("(")) {
          this.i++;
          node = { k: "call", target: node, fn: t.v, args: this.args(")") };
        } else node = { k: "select", target: node, field: t.v };
      } else if (this.isOp("[")) {
        this.i++;
        const index = this.expr();
        this.take("]");
        node = { k: "index", target: node, index };
      } else return node;
    }
  }

  private primary(): CelNode {
    const t = this.peek();
    this.i++;
    if (t.t === "str") return { k: "lit", v: t.v };
    if (t.t === "num") return { k: "lit", v: t.v };
    if (t.t === "id") {
      if (t.v === "true" || t.v === "false") return { k: "lit", v: t.v === "true" };
      if (t.v === "null") return { k: "lit", v: null };
      if (this.isOp("(")) {
        this.i++;
        return { k: "call", target: null, fn: t.v, args: this.args(")") };
      }
      return { k: "ident", name: t.v };
    }
    if (t.t === "op" && t.v === "(") {
      const e = this.expr();
      this.take(")");
      return e;
    }
    if (t.t === "op" && t.v === "[") return { k: "list", items: this.args("]") };
    throw new CelSyntaxError(t.t === "end" ? "unexpected end of expression" : `unexpected ${t.t === "op" ? t.v : "token"}`);
  }
}

export function parseCel(src: string): CelNode {
  if (src.length > MAX_LENGTH) throw new CelSyntaxError(`expression longer than ${MAX_LENGTH} characters`);
  return new Parser(lex(src)).parse();
}
