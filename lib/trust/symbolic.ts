// Claim values that are only partly known. A value is a sequence of parts: literal text,
// exactly one character from a set, a run of characters from a set (a "hole": any branch
// name, any environment), or a non-empty run that differs from a given name (an owner that
// is not ours). Matching against these answers for every value the parts can stand for.

export type CharSet = (c: string) => boolean;

export type Part =
  | { t: "lit"; s: string }
  | { t: "one"; ok: CharSet; label: string }
  | { t: "hole"; ok: CharSet; label: string }
  /** Non-empty run of `ok` characters that is not `not` (compared case-insensitively). */
  | { t: "ne"; not: string; ok: CharSet; label: string };

export type Sym = readonly Part[];

export const ANY_CHAR: CharSet = () => true;
/** Git ref names cannot contain `:` (git check-ref-format) — nor can anything `%3A`-escaped in a `sub`. */
export const NO_COLON: CharSet = (c) => c !== ":";
/** A single path segment of a ref: what GitHub's `*` filter wildcard can stand for. */
export const SEGMENT: CharSet = (c) => c !== ":" && c !== "/";
/** GitHub owner (user or organisation) names: letters, digits, hyphens. */
export const OWNER_CHARS: CharSet = (c) => /^[A-Za-z0-9-]$/.test(c);
/** GitHub repository names: letters, digits, `.`, `_`, `-`. */
export const REPO_CHARS: CharSet = (c) => /^[A-Za-z0-9._-]$/.test(c);
/** Buildkite's ids (organization_id, pipeline_id, job_id…): UUIDs. */
export const UUID_CHARS: CharSet = (c) => /^[0-9a-fA-F-]$/.test(c);
export const DIGITS: CharSet = (c) => c >= "0" && c <= "9";

export function lit(s: string): Sym {
  return s === "" ? [] : [{ t: "lit", s }];
}

export function hole(label: string, ok: CharSet = NO_COLON): Sym {
  return [{ t: "hole", ok, label }];
}

export function notName(name: string, label: string, ok: CharSet): Sym {
  return [{ t: "ne", not: name, ok, label }];
}

export function cat(...parts: (Sym | string)[]): Sym {
  const out: Part[] = [];
  for (const p of parts) {
    for (const part of typeof p === "string" ? lit(p) : p) {
      const last = out[out.length - 1];
      if (part.t === "lit" && last?.t === "lit") out[out.length - 1] = { t: "lit", s: last.s + part.s };
      else out.push(part);
    }
  }
  return out;
}

/** The value itself when it has no unknown part. */
export function concrete(v: Sym): string | null {
  let s = "";
  for (const p of v) {
    if (p.t !== "lit") return null;
    s += p.s;
  }
  return s;
}

/** How a value reads in reports: unknown parts as `<label>`. */
export function display(v: Sym): string {
  return v.map((p) => (p.t === "lit" ? p.s : p.t === "ne" ? `<${p.label}>` : `<${p.label}>`)).join("");
}

/** GitHub's escaping of claim values inside a `sub`: every `:` becomes `%3A`. */
export function escapeColons(v: Sym): Sym {
  return v.map((p): Part => {
    if (p.t === "lit") return { t: "lit", s: p.s.replaceAll(":", "%3A") };
    // An escaped unknown can hold `%`, `3`, `A` where a `:` was, never a `:`.
    return { ...p, ok: (c) => c !== ":" && (p.ok(c) || c === "%" || c === "3" || c === "A") };
  });
}

export function lower(v: Sym): Sym {
  return v.map((p): Part => {
    if (p.t === "lit") return { t: "lit", s: p.s.toLowerCase() };
    const ok = p.ok;
    return { ...p, ok: (c) => ok(c) || ok(c.toUpperCase()) || ok(c.toLowerCase()) };
  });
}

/** The pieces of `v` between occurrences of `sep`, when no unknown part can hold any of its characters; else null. */
export function splitSym(v: Sym, sep: string): Sym[] | null {
  if (sep === "") return null;
  if (v.some((p) => p.t !== "lit" && [...sep].some((c) => p.ok(c)))) return null;
  const out: Part[][] = [[]];
  for (const p of v) {
    if (p.t !== "lit") {
      (out[out.length - 1] as Part[]).push(p);
      continue;
    }
    p.s.split(sep).forEach((s, i) => {
      if (i > 0) out.push([]);
      if (s !== "") (out[out.length - 1] as Part[]).push({ t: "lit", s });
    });
  }
  return out;
}
