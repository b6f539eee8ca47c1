import { z } from "zod";
import { cat, DIGITS, escapeColons, hole, lit, type Sym } from "./symbolic";

// The `sub` claim as GitHub composes it (cloud-trust.md §1.4–1.6, GitHub's OIDC reference).

export type SubjectFormat = "classic" | "immutable";

export interface RepoIdentity {
  owner: string;
  name: string;
  ownerId: string | null;
  repoId: string | null;
}

export interface SubjectSettings {
  /** `include_claim_keys` in order, or null for GitHub's default template. */
  keys: string[] | null;
  /** The formats the repository may use; several when the setting is not known. */
  formats: SubjectFormat[];
}

/** What `GET /repos/{owner}/{repo}/actions/oidc/customization/sub` returns (the org form has no `use_default`). */
export const subTemplateSchema = z
  .object({
    use_default: z.boolean().optional(),
    include_claim_keys: z
      .array(z.string().regex(/^[A-Za-z0-9_]+$/, "claim keys are letters, digits and _"))
      .refine((keys) => new Set(keys).size === keys.length, "claim keys must be unique")
      .optional(),
    use_immutable_subject: z.boolean().optional(),
    sub_claim_prefix: z.string().optional(),
  })
  .refine((t) => t.use_default !== false || t.include_claim_keys !== undefined, {
    message: "use_default is false, so include_claim_keys must list the template's keys",
  });

export type SubTemplate = z.infer<typeof subTemplateSchema>;

const PREFIX = /^repo:([A-Za-z0-9-]+)(?:@(\d+))?\/([A-Za-z0-9._-]+)(?:@(\d+))?$/;

export interface ResolvedSubject {
  settings: SubjectSettings;
  repo: RepoIdentity;
}

/**
 * Applies a template to the repository: the custom keys (unless `use_default`), and the
 * format. `sub_claim_prefix` is authoritative when present (GitHub has been seen reporting
 * `use_immutable_subject: false` beside an immutable prefix); otherwise the flag; with
 * neither, both formats stay possible — except on GHES, which has no immutable subjects.
 */
export function resolveSubject(repo: RepoIdentity, template: SubTemplate | null, ghes: boolean): ResolvedSubject | { error: string } {
  let resolved = repo;
  let formats: SubjectFormat[] = ghes ? ["classic"] : ["classic", "immutable"];
  if (template?.sub_claim_prefix !== undefined) {
    const m = PREFIX.exec(template.sub_claim_prefix);
    if (m === null) return { error: `sub_claim_prefix ${JSON.stringify(template.sub_claim_prefix)} is not of the form repo:OWNER/REPO or repo:OWNER@ID/REPO@ID` };
    const [, owner, ownerId, name, repoId] = m;
    if (owner?.toLowerCase() !== repo.owner.toLowerCase() || name?.toLowerCase() !== repo.name.toLowerCase()) {
      return { error: `sub_claim_prefix names ${owner}/${name}, not ${repo.owner}/${repo.name}` };
    }
    if (ownerId !== undefined && repoId !== undefined) {
      if ((repo.ownerId !== null && repo.ownerId !== ownerId) || (repo.repoId !== null && repo.repoId !== repoId)) {
        return { error: `sub_claim_prefix has the ids ${ownerId}/${repoId}, --repo has ${repo.ownerId}/${repo.repoId}` };
      }
      resolved = { ...repo, ownerId, repoId };
      formats = ["immutable"];
    } else formats = ["classic"];
  } else if (template?.use_immutable_subject !== undefined) {
    formats = [template.use_immutable_subject && !ghes ? "immutable" : "classic"];
  }
  const custom = template !== null && template.use_default !== true && template.include_claim_keys !== undefined;
  return { repo: resolved, settings: { keys: custom ? (template.include_claim_keys ?? null) : null, formats } };
}

/** The repository as token claims see it; parts are unknown for the hypothetical repositories of other owners. */
export interface TokenRepo {
  owner: Sym;
  name: Sym;
  ownerId: Sym;
  repoId: Sym;
}

export function tokenRepo(repo: RepoIdentity): TokenRepo {
  const id = (known: string | null, label: string): Sym => (known !== null ? lit(known) : hole(label, DIGITS));
  return { owner: lit(repo.owner), name: lit(repo.name), ownerId: id(repo.ownerId, "owner id"), repoId: id(repo.repoId, "repository id") };
}

export function ownerRepo(repo: TokenRepo, format: SubjectFormat): Sym {
  if (format === "classic") return cat(repo.owner, "/", repo.name);
  return cat(repo.owner, "@", repo.ownerId, "/", repo.name, "@", repo.repoId);
}

export interface SubjectInput {
  ownerRepo: Sym;
  environment: Sym | null;
  pullRequest: boolean;
  ref: Sym;
  /** Other claims by name, for custom templates (an unknown value when the token may lack it). */
  claim: (name: string) => Sym | undefined;
}

function context(input: SubjectInput): Sym {
  if (input.environment !== null) return cat("environment:", escapeColons(input.environment));
  if (input.pullRequest) return lit("pull_request");
  return cat("ref:", escapeColons(input.ref));
}

/** The `sub`, or null when the template needs a claim the job's token lacks (an environment). */
export function composeSubject(keys: string[] | null, input: SubjectInput): Sym | null {
  if (keys === null) return cat("repo:", input.ownerRepo, ":", context(input));
  const parts: Sym[] = [];
  for (const key of keys) {
    if (key === "repo") parts.push(cat("repo:", input.ownerRepo));
    else if (key === "context") parts.push(context(input));
    else {
      const value = key === "environment" ? (input.environment ?? undefined) : input.claim(key);
      // GitHub: a template that includes `environment` gives no token to a job without one.
      if (value === undefined) return null;
      parts.push(cat(`${key}:`, escapeColons(value)));
    }
  }
  const out: Sym[] = [];
  parts.forEach((p, i) => out.push(...(i === 0 ? [p] : [lit(":"), p])));
  return cat(...out);
}
