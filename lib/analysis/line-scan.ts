// Linear-time scans for the shapes of script text that regular expressions make quadratic.
// `head[^\n]*tail` rescans the rest of the line from every `head`; a `run:` line of `az login `
// repeated 30,000 times took seconds. Script text, inputs and names are untrusted: every
// pattern over them must be linear, so these helpers carry the "later on the same line" part.

/**
 * The first match of `head` that a match of `tail` follows later on the same line — what
 * `/head[^\n]*tail/` finds — with the end of that line; null when none. Both regexes must be
 * global (`g`) and linear by themselves, and a later match of `head` on a line must never end
 * before an earlier one (true of a head that starts with a word its own match cannot contain).
 * Each part of the text is scanned at most once by each regex.
 */
export function headThenTail(text: string, head: RegExp, tail: RegExp): { index: number; lineEnd: number } | null {
  let from = 0;
  // tailAt: the first match of tail at or after the last position searched from.
  let tailAt = -1;
  while (from <= text.length) {
    head.lastIndex = from;
    const h = head.exec(text);
    if (h === null) return null;
    const headEnd = h.index + h[0].length;
    const newline = text.indexOf("\n", headEnd);
    const lineEnd = newline < 0 ? text.length : newline;
    if (tailAt < headEnd) {
      tail.lastIndex = headEnd;
      const t = tail.exec(text);
      if (t === null) return null;
      tailAt = t.index;
    }
    if (tailAt <= lineEnd) return { index: h.index, lineEnd };
    // A later head on this line ends later still, so the line has no match.
    from = lineEnd + 1;
  }
  return null;
}

/**
 * Every `${{ … }}` in order: the inside of each — what `/\$\{\{([\s\S]*?)\}\}/g` finds, with
 * one scan of the text.
 */
export function embeddedExpressions(text: string): { start: number; end: number; inner: string }[] {
  const out: { start: number; end: number; inner: string }[] = [];
  let pos = 0;
  for (;;) {
    const start = text.indexOf("${{", pos);
    if (start < 0) return out;
    const close = text.indexOf("}}", start + 3);
    if (close < 0) return out;
    out.push({ start, end: close + 2, inner: text.slice(start + 3, close) });
    pos = close + 2;
  }
}

/**
 * Every `${{ … }}` with no `}` inside, in order — what `/\$\{\{[^}]*\}\}/g` finds, with one
 * scan: a `${{` whose first `}` is not `}}` fails, and so does every `${{` before that `}`.
 */
export function closedExpressions(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let pos = 0;
  for (;;) {
    const start = text.indexOf("${{", pos);
    if (start < 0) return out;
    const brace = text.indexOf("}", start + 3);
    if (brace < 0) return out;
    if (text[brace + 1] === "}") {
      out.push({ start, end: brace + 2 });
      pos = brace + 2;
    } else pos = brace + 1;
  }
}
