// Command text of a step with the line each part came from, and a bounded reader of the shell
// words that follow a command (`buildkite-agent oidc request-token --audience x`). Command text
// comes from repositories we do not control: every scan here is linear, and each occurrence of
// a command reads at most WINDOW characters after it.

export interface TextPart {
  text: string;
  line: number;
  /** A `|` or `>` block scalar: its text starts on the line after `line`. */
  block: boolean;
}

export class TextLines {
  readonly text: string;
  private readonly starts: number[] = [];
  private readonly parts: TextPart[];
  private newlines: number[] | null = null;

  constructor(parts: TextPart[]) {
    this.parts = parts;
    let at = 0;
    for (const p of parts) {
      this.starts.push(at);
      at += p.text.length + 1;
    }
    this.text = parts.map((p) => p.text).join("\n");
  }

  /** The first line of the text. */
  get line(): number {
    const first = this.parts[0];
    return first === undefined ? 1 : first.block ? first.line + 1 : first.line;
  }

  /** The 1-based file line of a character of the text. */
  lineAt(offset: number): number {
    const i = lastAtOrBefore(this.starts, offset);
    const part = this.parts[i];
    const start = this.starts[i] ?? 0;
    if (part === undefined) return 1;
    if (!part.block) return part.line;
    this.newlines ??= newlinePositions(this.text);
    return part.line + 1 + (lastAtOrBefore(this.newlines, offset - 1) - lastAtOrBefore(this.newlines, start - 1));
  }
}

function newlinePositions(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) out.push(i);
  return out;
}

/** Index of the last element ≤ value in a sorted array, -1 when none. */
function lastAtOrBefore(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? Infinity) <= value) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** How far after a command its arguments are read. */
export const WINDOW = 512;
/** How many occurrences of one command in one step's text are read. */
export const MAX_OCCURRENCES = 256;
const MAX_WORDS = 32;
const OPERATORS = new Set(["|", ";", "&", ")", "<", ">", "`"]);

export interface Words {
  words: string[];
  /** The delimiter of a `<<WORD` here-document the words end at, if any. */
  heredoc: string | null;
  /** Where reading stopped. */
  end: number;
}

/**
 * The shell words after `from` on its logical line (backslash-newline continues it), quotes
 * removed, up to the first operator (`|`, `;`, `&`, `)`, `<`, `>`, backtick) — what a command
 * at `from` receives as arguments, as far as plain reading can tell.
 */
export function wordsAfter(text: string, from: number): Words {
  const limit = Math.min(text.length, from + WINDOW);
  const words: string[] = [];
  let pos = from;
  while (pos < limit && words.length < MAX_WORDS) {
    while (pos < limit && (text[pos] === " " || text[pos] === "\t" || (text[pos] === "\\" && text[pos + 1] === "\n"))) pos += text[pos] === "\\" ? 2 : 1;
    const c = text[pos];
    if (pos >= limit || c === undefined || c === "\n") break;
    if (c === "<" && text[pos + 1] === "<") {
      const after = wordAt(text, pos + (text[pos + 2] === "-" ? 3 : 2), limit);
      return { words, heredoc: after.word === "" ? null : after.word, end: after.end };
    }
    if (OPERATORS.has(c)) break;
    const w = wordAt(text, pos, limit);
    if (w.end === pos) break;
    words.push(w.word);
    pos = w.end;
  }
  return { words, heredoc: null, end: pos };
}

function wordAt(text: string, from: number, limit: number): { word: string; end: number } {
  let word = "";
  let quote: string | null = null;
  let pos = from;
  while (pos < limit) {
    const c = text[pos] as string;
    if (quote !== null) {
      if (c === quote) quote = null;
      else if (c === "\n") break;
      else word += c;
      pos++;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      pos++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\n" || OPERATORS.has(c)) break;
    if (c === "\\") {
      if (text[pos + 1] === "\n") break;
      word += text[pos + 1] ?? "";
      pos += 2;
      continue;
    }
    word += c;
    pos++;
  }
  return { word, end: pos };
}

/** `--name value`, `--name=value`: every value given to a flag, in order. */
export function flagValues(words: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === `--${name}` && i + 1 < words.length) out.push(words[++i] as string);
    else if (w.startsWith(`--${name}=`)) out.push(w.slice(name.length + 3));
  }
  return out;
}

/** Every match of a global regex, at most MAX_OCCURRENCES. */
export function occurrences(text: string, re: RegExp): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null && out.length < MAX_OCCURRENCES; m = re.exec(text)) {
    out.push(m);
    if (m[0] === "") re.lastIndex++;
  }
  return out;
}
