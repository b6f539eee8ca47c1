// CODEOWNERS, as GitHub reads it: the last rule whose pattern matches a path wins; a rule
// with no owners un-owns the path. Patterns follow gitignore: a leading "/" anchors to the
// root, a pattern without an inner "/" matches at any depth, a trailing "/" matches a
// directory's contents, "*" and "?" stay within one path segment and a "**" segment stands
// for any number of whole directories. Every other character is literal (GitHub supports no
// ranges, negation or escapes). A match on a directory owns everything beneath it.
//
// The text comes from the repositories Gatehouse reads, so it is hostile input matched on the
// sync's thread: patterns are never compiled to regular expressions (which backtrack
// exponentially on "*a*a*a…"); `globMatches` works segment by segment and takes time
// proportional to pattern length × path length at worst. Parsing is one pass over the text.

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
  glob: Glob;
}

/** Where GitHub looks, in order: the first file found is the one used. */
export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

/** GitHub does not load a CODEOWNERS file of this size or more; neither do we. */
export const MAX_CODEOWNERS_BYTES = 3 * 1024 * 1024;

/** A segment with wildcards: the parts between its "*"s ("?" inside them matches any one character). */
interface Wild {
  kind: "wild";
  /** Before the first "*"; after the last "*"; between them, in order. With no "*", `head` is everything. */
  head: string;
  tail: string | null;
  middle: string[];
  fixedChars: number;
}
type Segment = { kind: "globstar" } | { kind: "literal"; text: string } | Wild;

interface Glob {
  segments: Segment[];
  /** Segments that consume exactly one path segment: more than the path has, no match. */
  minSegments: number;
  /** Only a directory matches (trailing "/" or "/**"): the path must go on beneath it. */
  dirOnly: boolean;
}

export function parseCodeowners(text: string): CodeownersRule[] {
  if (text.length >= MAX_CODEOWNERS_BYTES || (text.length * 3 >= MAX_CODEOWNERS_BYTES && Buffer.byteLength(text) >= MAX_CODEOWNERS_BYTES)) return [];
  const rules: CodeownersRule[] = [];
  text.split("\n").forEach((raw, i) => {
    // A token starting with "#" (at the start of the line or after whitespace) starts a comment.
    const tokens: string[] = [];
    for (const token of raw.split(/\s+/)) {
      if (token.startsWith("#")) break;
      if (token) tokens.push(token);
    }
    const [pattern, ...owners] = tokens;
    if (!pattern || pattern.startsWith("!")) return; // negation is not supported by GitHub
    rules.push({ pattern, owners: owners.filter((o) => o.startsWith("@") || o.includes("@")), line: i + 1, glob: compileGlob(pattern) });
  });
  return rules;
}

function compileGlob(pattern: string): Glob {
  let p = pattern;
  const anchored = p.startsWith("/") || p.slice(0, -1).includes("/");
  if (p.startsWith("/")) p = p.slice(1);
  let dirOnly = p.endsWith("/");
  if (dirOnly) p = p.slice(0, -1);
  if (!p) return { segments: [{ kind: "globstar" }], minSegments: 0, dirOnly: false };
  const segments: Segment[] = p.split("/").map((part) => {
    if (part === "**") return { kind: "globstar" };
    if (!part.includes("*") && !part.includes("?")) return { kind: "literal", text: part };
    // "a**b" is "a*b": only a whole "**" segment crosses directories.
    const pieces = part.split("*");
    const head = pieces[0]!;
    const tail = pieces.length > 1 ? pieces.at(-1)! : null;
    return { kind: "wild", head, tail, middle: pieces.slice(1, -1).filter((p) => p !== ""), fixedChars: part.length - (pieces.length - 1) };
  });
  // "dir/**" matches everything inside dir: the same as "dir/".
  if (segments.length > 1 && segments.at(-1)!.kind === "globstar") {
    segments.pop();
    dirOnly = true;
  }
  if (!anchored) segments.unshift({ kind: "globstar" });
  return { segments, minSegments: segments.filter((s) => s.kind !== "globstar").length, dirOnly };
}

/**
 * Whether the glob matches the path (split at "/") or one of its directories. `reach` and
 * `next` are scratch arrays of parts.length + 1 entries.
 */
function globMatches(glob: Glob, parts: string[], reach: Uint8Array, next: Uint8Array): boolean {
  const n = parts.length;
  if (glob.minSegments > n) return false;
  // reach[i]: the segments so far can consume exactly the first i path segments.
  reach.fill(0);
  reach[0] = 1;
  for (const seg of glob.segments) {
    next.fill(0);
    let any = false;
    if (seg.kind === "globstar") {
      const first = reach.indexOf(1);
      if (first >= 0) {
        next.fill(1, first);
        any = true;
      }
    } else {
      for (let i = 0; i < n; i++) {
        if (reach[i] && (seg.kind === "literal" ? seg.text === parts[i] : wildMatches(seg, parts[i]!))) {
          next[i + 1] = 1;
          any = true;
        }
      }
    }
    if (!any) return false;
    [reach, next] = [next, reach];
  }
  // A match ends on the file itself (not for a directory-only pattern) or on a directory above it.
  const last = glob.dirOnly ? n - 1 : n;
  for (let i = 1; i <= last; i++) if (reach[i]) return true;
  return false;
}

/**
 * "*" (any run) and "?" (one character) within one segment: the head must start it, the tail end
 * it, and each middle piece is placed at its leftmost fit after the previous one (placing a
 * piece further right never helps the ones after it), so the work is at most text × pattern.
 */
function wildMatches(w: Wild, text: string): boolean {
  if (w.fixedChars > text.length) return false;
  if (w.tail === null) return text.length === w.head.length && fitsAt(text, 0, w.head);
  if (!fitsAt(text, 0, w.head) || !fitsAt(text, text.length - w.tail.length, w.tail)) return false;
  let from = w.head.length;
  const end = text.length - w.tail.length;
  for (const piece of w.middle) {
    let at = from;
    while (at + piece.length <= end && !fitsAt(text, at, piece)) at++;
    if (at + piece.length > end) return false;
    from = at + piece.length;
  }
  return true;
}

function fitsAt(text: string, at: number, piece: string): boolean {
  for (let i = 0; i < piece.length; i++) {
    const c = piece[i];
    if (c !== "?" && c !== text[at + i]) return false;
  }
  return true;
}

/** The owners of a path, from the last matching rule; null when no rule matches. */
export function ownersOf(rules: CodeownersRule[], path: string): { owners: string[]; line: number } | null {
  const parts = path.split("/");
  const reach = new Uint8Array(parts.length + 1);
  const next = new Uint8Array(parts.length + 1);
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i]!;
    if (globMatches(rule.glob, parts, reach, next)) return { owners: rule.owners, line: rule.line };
  }
  return null;
}
