import type { OrgData, RepoData } from "../../fixtures/model";

// CODEOWNERS validation in the spirit of GitHub's `codeowners.errors`: the first file found of
// .github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS is checked; an owner that is not a team of the
// org nor an org member is an "Unknown owner" error, a line with a pattern but no owner is fine.

export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

export interface CodeownersError {
  column: number;
  kind: string;
  line: number;
  message: string;
  path: string;
  source: string;
  suggestion: string | null;
}

export function codeownersErrors(org: OrgData, repo: RepoData): CodeownersError[] {
  const path = CODEOWNERS_PATHS.find((p) => repo.files.has(p));
  const file = path ? repo.files.get(path) : undefined;
  if (!path || !file) return [];
  const errors: CodeownersError[] = [];
  file.text.split("\n").forEach((source, i) => {
    const line = source.replace(/#.*$/, "");
    const tokens = line.trim().split(/\s+/).filter(Boolean);
    for (const owner of tokens.slice(1)) {
      let known = true;
      if (owner.startsWith("@") && owner.includes("/")) {
        const [orgPart, slug] = owner.slice(1).split("/");
        known = orgPart?.toLowerCase() === org.login.toLowerCase() && org.teams.some((t) => t.slug === slug);
      } else if (owner.startsWith("@")) {
        known = org.members.some((m) => m.login.toLowerCase() === owner.slice(1).toLowerCase());
      } else {
        known = owner.includes("@");
      }
      if (!known) {
        const column = source.indexOf(owner) + 1;
        errors.push({
          column,
          kind: "Unknown owner",
          line: i + 1,
          message: `Unknown owner on line ${i + 1}: make sure ${owner} exists and has write access to the repository\n\n  ${source}\n  ${" ".repeat(column - 1)}^`,
          path,
          source,
          suggestion: null,
        });
      }
    }
  });
  return errors;
}
