import { z } from "zod";

// Repository context: what GitHub knows about a repository that its YAML does not say.
// The CLI's `--context` file and the ingestion code both produce this shape.

export const secretScopeSchema = z.enum(["repo", "org", "environment"]);

export const contextSecretSchema = z
  .object({
    name: z.string().min(1),
    scope: secretScopeSchema,
    environment: z.string().min(1).optional(),
    updatedAt: z.iso.datetime({ offset: true }),
    visibility: z.enum(["all", "private", "selected"]).optional(),
    selectedRepoCount: z.number().int().nonnegative().optional(),
  })
  .refine((s) => s.scope !== "environment" || s.environment !== undefined, {
    message: "an environment secret needs `environment`",
    path: ["environment"],
  });

export const contextVariableSchema = z.object({
  name: z.string().min(1),
  value: z.string(),
  scope: secretScopeSchema,
  environment: z.string().min(1).optional(),
});

export const environmentSchema = z.object({
  name: z.string().min(1),
  protectionRules: z.object({
    requiredReviewers: z.number().int().nonnegative(),
    waitTimer: z.number().int().nonnegative(),
    /** `null` means any branch may deploy. */
    branchPolicy: z.enum(["protected", "custom"]).nullable(),
  }),
});

export const repoContextSchema = z.object({
  /** `owner/name`; informational. */
  repository: z.string().optional(),
  defaultWorkflowPermissions: z.enum(["read", "write"]).optional(),
  secrets: z.array(contextSecretSchema).default([]),
  variables: z.array(contextVariableSchema).default([]),
  environments: z.array(environmentSchema).default([]),
  /** The analysis clock, for staleness. Pure code never reads the real clock. */
  now: z.iso.datetime({ offset: true }).optional(),
  /** Days after which a static secret counts as stale. */
  staleAfterDays: z.number().int().positive().default(365),
});

export type RepoContext = z.infer<typeof repoContextSchema>;
export type RepoContextInput = z.input<typeof repoContextSchema>;
export type ContextSecret = z.infer<typeof contextSecretSchema>;

/** Parses unknown JSON into a RepoContext, or returns one line per problem. */
export function parseRepoContext(
  input: unknown,
): { ok: true; context: RepoContext } | { ok: false; problems: string[] } {
  const result = repoContextSchema.safeParse(input);
  if (result.success) return { ok: true, context: result.data };
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)";
    return `${where}: ${issue.message}`;
  });
  return { ok: false, problems };
}
