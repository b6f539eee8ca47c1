// CODEOWNERS, as GitHub reads it: the last rule whose pattern matches a path wins; a rule
// with no owners un-owns the path. Patterns follow gitignore: a leading "/" anchors to the
// root, a pattern without an inner "/" matches at any depth, a trailing "/" matches a
// directory's contents, "*" stays within one path segment and "**" crosses them.

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
  regex: RegExp;
}

/** Where GitHub looks, in order: the first file found is the one used. */
export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line) return;
    const [pattern, ...owners] = line.split(/\s+/);
    if (!pattern || pattern.startsWith("!")) return; // negation is not supported by GitHub
    const regex = patternToRegex(pattern);
    if (regex) rules.push({ pattern, owners: owners.filter((o) => o.startsWith("@") || o.includes("@")), line: i + 1, regex });
  });
  return rules;
}

function patternToRegex(pattern: string): RegExp | null {
  let p = pattern;
  const anchored = p.startsWith("/") || p.slice(0, -1).includes("/");
  if (p.startsWith("/")) p = p.slice(1);
  const dirOnly = p.endsWith("/");
  if (dirOnly) p = p.slice(0, -1);
  if (!p) return /^.*$/;
  let body = "";
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "*" && p[i + 1] === "*") {
      body += ".*";
      i++;
      if (p[i + 1] === "/") i++;
    } else if (c === "*") body += "[^/]*";
    else if (c === "?") body += "[^/]";
    else body += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  const prefix = anchored ? "^" : "^(?:.*/)?";
  // A match on a directory owns everything beneath it.
  return new RegExp(`${prefix}${body}(?:/.*)?$`);
}

/** The owners of a path, from the last matching rule; null when no rule matches. */
export function ownersOf(rules: CodeownersRule[], path: string): { owners: string[]; line: number } | null {
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i]!;
    if (rule.regex.test(path)) return { owners: rule.owners, line: rule.line };
  }
  return null;
}
