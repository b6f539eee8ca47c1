import { z } from "zod";
import { OrgSlugSchema } from "@/lib/members/members-schema";

// The state of the Secrets, Identities, Systems and Owners views. It lives in the URL so a
// view can be pasted into an incident channel; the API takes the same parameters.

export const PAGE_SIZES = [25, 50, 100] as const;
const Size = z.coerce
  .number()
  .int()
  .refine((n) => (PAGE_SIZES as readonly number[]).includes(n), { message: "must be 25, 50 or 100" })
  .default(50);
const Page = z.coerce.number().int().min(1).max(100_000).default(1);
const Search = z.string().trim().max(200).optional();

export const SECRET_SCOPES = ["org", "repo", "environment"] as const;
export const SECRET_FLAGS = ["unused", "stale", "missing"] as const;
export type SecretScope = (typeof SECRET_SCOPES)[number];
export type SecretFlag = (typeof SECRET_FLAGS)[number];

export const SecretFiltersSchema = z.object({
  /** Secret name contains (case-insensitive). */
  q: Search,
  scope: z.enum(SECRET_SCOPES).optional(),
  flag: z.enum(SECRET_FLAGS).optional(),
  page: Page,
  size: Size,
});
export type SecretFilters = z.infer<typeof SecretFiltersSchema>;

export const IDENTITY_AUTH = ["oidc", "static"] as const;
export const IdentityFiltersSchema = z.object({
  /** Identifier or kind contains. */
  q: Search,
  kind: z.string().trim().max(60).optional(),
  auth: z.enum(IDENTITY_AUTH).optional(),
  page: Page,
  size: Size,
});
export type IdentityFilters = z.infer<typeof IdentityFiltersSchema>;

export const SYSTEM_GROUPS = ["aws", "gcp", "azure", "container-registry", "package-registry", "kubernetes", "vault", "saas", "other"] as const;
export type SystemGroup = (typeof SYSTEM_GROUPS)[number];
export const SystemFiltersSchema = z.object({
  /** Identifier or kind contains. */
  q: Search,
  group: z.enum(SYSTEM_GROUPS).optional(),
  page: Page,
  size: Size,
});
export type SystemFilters = z.infer<typeof SystemFiltersSchema>;

export const OwnerFiltersSchema = z.object({
  /** Owner handle contains. */
  q: Search,
  page: Page,
  size: Size,
});
export type OwnerFilters = z.infer<typeof OwnerFiltersSchema>;

export const ListSecretsSchema = SecretFiltersSchema.extend({ orgSlug: OrgSlugSchema });
export const ListIdentitiesSchema = IdentityFiltersSchema.extend({ orgSlug: OrgSlugSchema });
export const ListSystemsSchema = SystemFiltersSchema.extend({ orgSlug: OrgSlugSchema });
export const ListOwnersSchema = OwnerFiltersSchema.extend({ orgSlug: OrgSlugSchema });

type Params = Record<string, string | string[] | undefined>;

/**
 * Parses URL search params leniently: a value that does not parse falls back to its
 * default (and is named in `ignored`) instead of failing the page.
 */
export function parseFilters<S extends z.ZodObject>(schema: S, params: Params): { filters: z.infer<S>; ignored: string[] } {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (typeof v === "string" && v !== "" && k in schema.shape) flat[k] = v;
  const ignored: string[] = [];
  for (;;) {
    const r = schema.safeParse(flat);
    if (r.success) return { filters: r.data, ignored };
    const key = String(r.error.issues[0]?.path[0] ?? "");
    if (!key || !(key in flat)) return { filters: schema.parse({}), ignored: Object.keys(flat) };
    ignored.push(key);
    delete flat[key];
  }
}

/** The query string of a view: defaults left out, so equal views have equal URLs. */
export function toSearch(values: Record<string, string | number | undefined>, defaults: Record<string, unknown> = { page: 1, size: 50 }): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === "" || defaults[k] === v) continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : "";
}

/** An owner set by hand: one or more `@login`, `@org/team` or email handles, space-separated. */
const OWNER_HANDLE = /^(@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9._-]{1,100})?|[^\s@]+@[^\s@]+\.[^\s@]+)$/;
export const OwnerValueSchema = z
  .string()
  .trim()
  .max(300)
  .transform((s) => s.split(/\s+/).filter(Boolean).join(" "))
  .refine((s) => s.length > 0, { message: "must name an owner" })
  .refine((s) => s.split(" ").length <= 10 && s.split(" ").every((h) => OWNER_HANDLE.test(h)), {
    message: "must be @login, @org/team or an email, separated by spaces",
  });

export const SetOwnerSchema = z.object({
  orgSlug: OrgSlugSchema,
  targetType: z.enum(["repository", "workflow"], { message: "must be repository or workflow" }),
  repoId: z.string().uuid({ message: "must be a repository id" }),
  /** Required when targetType is workflow. */
  workflowPath: z.string().trim().min(1).max(500).optional(),
  owner: OwnerValueSchema,
});

export const ClearOwnerSchema = z.object({
  orgSlug: OrgSlugSchema,
  targetType: z.enum(["repository", "workflow"], { message: "must be repository or workflow" }),
  repoId: z.string().uuid({ message: "must be a repository id" }),
  workflowPath: z.string().trim().min(1).max(500).optional(),
});
