import { ContextAccess, type Expr, FunctionCall, IndexAccess, Literal, Star } from "@actions/expressions/ast";
import { StringData } from "@actions/expressions/data/string";
import { Lexer, TokenType, type Token } from "@actions/expressions/lexer";
import { Parser } from "@actions/expressions/parser";

// Context references inside one expression, found with GitHub's expression parser.
// A path is the chain of literal accesses from a context root (`github.event.issue.title`);
// `*` marks a wildcard or a computed index.

export interface ExpressionRefs {
  /** Secret names read by literal access. */
  secrets: string[];
  /** The whole secrets context is reachable (`toJSON(secrets)`, `secrets[expr]`, `secrets.*`). */
  allSecrets: boolean;
  vars: string[];
  inputs: string[];
  /** Dotted paths under `github`, `steps`, `needs`, `env` and `matrix`. */
  paths: string[];
}

const CONTEXTS = ["github", "env", "vars", "secrets", "inputs", "steps", "needs", "job", "jobs", "runner", "strategy", "matrix"];

// Memory held by the memo stays bounded (≤ 20,000 keys of ≤ 1 KB): expressions come from the
// files read, and a hostile file can hold long ones, which are rare enough not to cache.
const memo = new Map<string, ExpressionRefs>();
const MEMO_LIMIT = 20_000;
const MEMO_MAX_CHARS = 1024;

export function expressionRefs(expr: string): ExpressionRefs {
  const hit = memo.get(expr);
  if (hit !== undefined) return hit;
  const refs = computeRefs(expr);
  if (expr.length > MEMO_MAX_CHARS) return refs;
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(expr, refs);
  return refs;
}

function computeRefs(expr: string): ExpressionRefs {
  const refs: ExpressionRefs = { secrets: [], allSecrets: false, vars: [], inputs: [], paths: [] };
  let tokens: Token[];
  try {
    tokens = new Lexer(expr).lex().tokens;
  } catch {
    return refs;
  }
  let ast: Expr | undefined;
  try {
    ast = new Parser(tokens, CONTEXTS, []).parse();
  } catch {
    ast = undefined;
  }
  if (ast !== undefined) walk(ast, refs);
  else scanTokens(tokens, refs);
  return refs;
}

/** Returns the access path of `e` when it is a chain rooted at a context, else undefined. */
function accessPath(e: Expr): string[] | undefined {
  if (e instanceof ContextAccess) return [e.name.lexeme];
  if (e instanceof IndexAccess) {
    const base = accessPath(e.expr);
    if (base === undefined) return undefined;
    if (e.index instanceof Literal && e.index.literal instanceof StringData) return [...base, e.index.literal.value];
    return [...base, "*"];
  }
  return undefined;
}

function record(path: string[], refs: ExpressionRefs): void {
  const [root, first] = path;
  if (root === undefined) return;
  switch (root.toLowerCase()) {
    case "secrets":
      if (first === undefined || first === "*") refs.allSecrets = true;
      else refs.secrets.push(first);
      return;
    case "vars":
      if (first !== undefined && first !== "*") refs.vars.push(first);
      return;
    case "inputs":
      if (first !== undefined && first !== "*") refs.inputs.push(first);
      return;
    default:
      refs.paths.push(path.join(".").toLowerCase());
  }
}

function walk(e: Expr, refs: ExpressionRefs): void {
  const path = accessPath(e);
  if (path !== undefined) {
    record(path, refs);
    // Computed indexes can hold their own references (`secrets[format('{0}', inputs.env)]`).
    let cur: Expr = e;
    while (cur instanceof IndexAccess) {
      if (!(cur.index instanceof Literal) && !(cur.index instanceof Star)) walk(cur.index, refs);
      cur = cur.expr;
    }
    return;
  }
  if (e instanceof FunctionCall) {
    for (const a of e.args) walk(a, refs);
    return;
  }
  if (e instanceof IndexAccess) {
    walk(e.expr, refs);
    walk(e.index, refs);
    return;
  }
  const node = e as unknown as { expr?: Expr; group?: Expr; left?: Expr; right?: Expr; args?: Expr[] };
  for (const child of [node.expr, node.group, node.left, node.right, ...(node.args ?? [])]) {
    if (child !== undefined) walk(child, refs);
  }
}

/** Fallback for expressions GitHub's parser rejects: the same facts from the token stream. */
function scanTokens(tokens: Token[], refs: ExpressionRefs): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t?.type !== TokenType.IDENTIFIER) continue;
    const prev = tokens[i - 1];
    if (prev?.type === TokenType.DOT) continue;
    const path = [t.lexeme];
    let j = i + 1;
    for (;;) {
      const a = tokens[j];
      const b = tokens[j + 1];
      if (a?.type === TokenType.DOT && b !== undefined && (b.type === TokenType.IDENTIFIER || b.type === TokenType.STAR)) {
        path.push(b.type === TokenType.STAR ? "*" : b.lexeme);
        j += 2;
      } else if (a?.type === TokenType.LEFT_BRACKET && b?.type === TokenType.STRING && tokens[j + 2]?.type === TokenType.RIGHT_BRACKET) {
        path.push(String(b.value));
        j += 3;
      } else if (a?.type === TokenType.LEFT_BRACKET) {
        path.push("*");
        break;
      } else break;
    }
    if (CONTEXTS.includes(t.lexeme.toLowerCase())) record(path, refs);
  }
}

/** Untrusted `github` paths: values a person without write access chooses. */
const UNTRUSTED_PATHS = [
  /^github\.event\.(issue|pull_request|discussion)\.(title|body)$/,
  /^github\.event\.(comment|review|review_comment)\.body$/,
  /^github\.event\.pages\.[^.]+\.page_name$/,
  /^github\.event\.(commits\.[^.]+|head_commit)\.(message|author\.(email|name)|committer\.(email|name))$/,
  /^github\.event\.pull_request\.head\.(ref|label|repo\.default_branch)$/,
  /^github\.event\.workflow_run\.(head_branch|display_title|head_commit\.(message|author\.(email|name)))$/,
  /^github\.head_ref$/,
];

export function isUntrustedPath(path: string): boolean {
  return UNTRUSTED_PATHS.some((re) => re.test(path));
}

/** Paths that name the head of a pull request or of the run that triggered `workflow_run`. */
const PR_HEAD_PATHS = [
  /^github\.event\.pull_request\.head\.(sha|ref)$/,
  /^github\.event\.pull_request\.merge_commit_sha$/,
  /^github\.event\.workflow_run\.head_(sha|branch)$/,
  /^github\.event\.workflow_run\.head_repository\./,
  /^github\.event\.pull_request\.head\.repo\.(full_name|clone_url)$/,
  /^github\.head_ref$/,
  /^github\.event\.issue\.number$/,
  /^github\.event\.number$/,
  /^github\.event\.pull_request\.number$/,
];

export function isPrHeadPath(path: string): boolean {
  return PR_HEAD_PATHS.some((re) => re.test(path));
}
