import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { idOf } from "./identities/common";
import { closedExpressions, embeddedExpressions, headThenTail } from "./line-scan";

// The linear scans find exactly what the regular expressions they replace found, on short text
// where those regular expressions are still fast.

const WORDS = ["az", "login", "--service-principal", "--federated-token", "git", "fetch", "pull/", "checkout", "${{", "}}", "}", "{", "github.head_ref", "docker", "buildx", "build", "--push", "--pushx", " ", "  ", "\n", ";", "x"];
const textArb = fc.array(fc.constantFrom(...WORDS), { maxLength: 30 }).map((w) => w.join(""));

const CASES: [string, RegExp, RegExp, RegExp][] = [
  ["az login … --service-principal", /az\s+login\s+[^\n]*--service-principal[^\n]*/, /az\s+login\s+/g, /--service-principal/g],
  ["git fetch … pull/", /\bgit\s+fetch\b[^\n]*\bpull\//, /\bgit\s+fetch\b/g, /\bpull\//g],
  ["git checkout … ${{ github.head_ref", /\bgit\s+(checkout|switch)\b[^\n]*\$\{\{\s*github\.(head_ref|event\.pull_request\.head)/, /\bgit\s+(checkout|switch)\b/g, /\$\{\{\s*github\.(head_ref|event\.pull_request\.head)/g],
  ["docker buildx build … --push", /(^|[\s;&|])docker\s+buildx\s+build[^\n]*--push\b/m, /(^|[\s;&|])docker\s+buildx\s+build/gm, /--push\b/g],
];

describe("headThenTail finds what head[^\\n]*tail finds", () => {
  it.each(CASES)("%s", (_, whole, head, tail) => {
    fc.assert(
      fc.property(textArb, (text) => {
        const m = whole.exec(text);
        const found = headThenTail(text, head, tail);
        expect(found === null ? null : found.index).toEqual(m === null ? null : m.index);
        if (m !== null && found !== null && whole.source.endsWith("[^\\n]*")) expect(text.slice(found.index, found.lineEnd)).toEqual(m[0]);
      }),
      { numRuns: 2000, seed: 3 },
    );
  });
});

describe("expression scans find what the regular expressions found", () => {
  it("embeddedExpressions is /\\$\\{\\{([\\s\\S]*?)\\}\\}/g", () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const expected = [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => ({ start: m.index, end: m.index + m[0].length, inner: m[1] }));
        expect(embeddedExpressions(text)).toEqual(expected);
      }),
      { numRuns: 2000, seed: 4 },
    );
  });

  it("closedExpressions is /\\$\\{\\{[^}]*\\}\\}/g", () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const expected = [...text.matchAll(/\$\{\{[^}]*\}\}/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
        expect(closedExpressions(text)).toEqual(expected);
      }),
      { numRuns: 2000, seed: 5 },
    );
  });
});

describe("idOf reads a whole `${{ expr }}` as /^\\$\\{\\{\\s*(.*?)\\s*\\}\\}$/s did", () => {
  it("on generated values", () => {
    const WHOLE_EXPR = /^\$\{\{\s*(.*?)\s*\}\}$/s;
    const before = (t: string) => {
      const whole = WHOLE_EXPR.exec(t);
      if (whole?.[1] !== undefined && !whole[1].includes("}}")) return { id: whole[1], symbolic: true };
      return { id: t, symbolic: t.includes("${{") };
    };
    fc.assert(
      fc.property(fc.oneof(textArb, textArb.map((t) => `\${{${t}}}`), textArb.map((t) => ` \${{ ${t} }}\n`)), (raw) => {
        const t = raw.trim();
        if (t === "") return;
        expect(idOf({ text: raw, line: 1, exprs: [] })).toEqual(before(t));
      }),
      { numRuns: 3000, seed: 6 },
    );
  });
});
