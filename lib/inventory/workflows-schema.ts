import { z } from "zod";
import { OrgSlugSchema } from "@/lib/members/members-schema";
import { CI_SYSTEMS } from "@/lib/analysis/ci-system";

export const WORKFLOW_PAGE_SIZES = [25, 50, 100] as const;
export const WORKFLOW_SORTS = ["repository", "workflow", "findings", "secrets"] as const;
export const PHASES = ["build-untrusted", "verify", "publish", "deploy"] as const;

/** The Workflows view's state; it lives in the URL so a view can be pasted into an incident channel. */
export const WorkflowFiltersSchema = z.object({
  /** Repository, workflow name or path contains. */
  q: z.string().trim().max(200).optional(),
  /** Exact secret name referenced by some job. */
  secret: z.string().trim().max(200).optional(),
  phase: z.enum(PHASES).optional(),
  /** The CI system: github-actions, buildkite or tekton. */
  system: z.enum(CI_SYSTEMS).optional(),
  trigger: z.string().trim().max(100).optional(),
  /** Only workflows a person without write access can start. */
  untrusted: z.enum(["1"]).optional(),
  severity: z.enum(["critical", "high", "medium", "low"]).optional(),
  sort: z.enum(WORKFLOW_SORTS).default("repository"),
  dir: z.enum(["asc", "desc"]).default("asc"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  size: z.coerce
    .number()
    .int()
    .refine((n) => (WORKFLOW_PAGE_SIZES as readonly number[]).includes(n), { message: "must be 25, 50 or 100" })
    .default(50),
});

export type WorkflowFilters = z.infer<typeof WorkflowFiltersSchema>;

export const ListWorkflowsSchema = WorkflowFiltersSchema.extend({ orgSlug: OrgSlugSchema });

/** Parses URL search params leniently: an unknown value falls back to its default instead of failing the page. */
export function parseWorkflowFilters(params: Record<string, string | string[] | undefined>): { filters: WorkflowFilters; ignored: string[] } {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (typeof v === "string" && v !== "") flat[k] = v;
  const ignored: string[] = [];
  for (;;) {
    const r = WorkflowFiltersSchema.safeParse(flat);
    if (r.success) return { filters: r.data, ignored };
    const key = String(r.error.issues[0]?.path[0] ?? "");
    if (!key || !(key in flat)) return { filters: WorkflowFiltersSchema.parse({}), ignored: Object.keys(flat) };
    ignored.push(key);
    delete flat[key];
  }
}

export function filtersToSearch(f: Partial<WorkflowFilters>): string {
  const defaults = WorkflowFiltersSchema.parse({});
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === "" || v === defaults[k as keyof WorkflowFilters]) continue;
    sp.set(k, String(v));
  }
  return sp.toString();
}
