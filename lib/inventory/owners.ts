// Who owns a workflow or a repository, and how we know: CODEOWNERS (the last matching rule
// for the workflow file), else a custom property, else the teams with admin on the repo.
import type { OrgFacts, RepoFacts } from "@/lib/github/facts";
import { CODEOWNERS_PATHS, ownersOf, parseCodeowners, type CodeownersRule } from "./codeowners";

export type OwnerSource = "codeowners" | "custom-property" | "admin-team";

export interface Owner {
  owner: string;
  source: OwnerSource;
}

/** Custom properties that name an owning team, in order of preference. */
const OWNER_PROPERTIES = ["owner", "owner-team", "owning-team", "team", "service-owner"];

export function codeownersRules(facts: RepoFacts): CodeownersRule[] {
  for (const path of CODEOWNERS_PATHS) {
    const file = facts.files.find((f) => f.path === path);
    if (file?.text) return parseCodeowners(file.text);
  }
  return [];
}

export function repoOwner(org: OrgFacts, facts: RepoFacts): Owner | null {
  const props = org.customProperties[facts.repo.githubId] ?? {};
  for (const key of OWNER_PROPERTIES) {
    const v = props[key];
    const value = Array.isArray(v) ? v[0] : v;
    if (value) return { owner: value.startsWith("@") ? value : `@${org.login}/${value}`, source: "custom-property" };
  }
  const admins = org.teams.filter((t) => t.repositories[facts.repo.githubId] === "admin").map((t) => `@${org.login}/${t.slug}`);
  return admins.length > 0 ? { owner: admins.sort().join(" "), source: "admin-team" } : null;
}

export function workflowOwner(rules: CodeownersRule[], path: string, fallback: Owner | null): Owner | null {
  const match = ownersOf(rules, path);
  if (match && match.owners.length > 0) return { owner: match.owners.join(" "), source: "codeowners" };
  return fallback;
}
