import "server-only";
import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { repositories, workflows } from "@/lib/db/schema";
import { workflowConditions, workflowRowColumns } from "./workflows-repo";
import { repoOwnerExpr } from "./owner-exprs";
import type { WorkflowFilters } from "./workflows-schema";

export const EXPORT_FORMATS = ["csv", "md", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One line of the credential inventory: Workflow | Secrets or identities | External systems | Rotation owner. */
export interface InventoryLine {
  workflow: string;
  credentials: string[];
  systems: string[];
  owner: string;
}

const BATCH = 500;
type InventoryRow = { repository: string; path: string };
export const EXPORT_LIMIT = 100_000;

/** The inventory lines of a filtered view (the same filters as the Workflows page), all pages. */
export async function inventoryLines(db: Db, orgId: string, f: Partial<WorkflowFilters>): Promise<InventoryLine[]> {
  const where = and(...workflowConditions(orgId, f));
  const out: InventoryLine[] = [];
  // Keyset pages on (repository, path), the order of workflow_org_repo_name_path_idx.
  let after: { repository: string; path: string } | null = null;
  while (out.length < EXPORT_LIMIT) {
    const keyset: SQL | undefined = after ? sql`(${workflows.repoFullName}, ${workflows.path}) > (${after.repository}, ${after.path})` : undefined;
    const rows = await db
      .select({ ...workflowRowColumns(orgId), repoOwner: repoOwnerExpr(orgId) })
      .from(workflows)
      .innerJoin(repositories, eq(repositories.id, workflows.repoId))
      .where(and(where, keyset))
      .orderBy(asc(workflows.repoFullName), asc(workflows.path))
      .limit(BATCH);
    for (const w of rows) {
      out.push({
        workflow: `${w.repository}/${w.path}`,
        credentials: [
          ...w.secrets.map((s) => `secret ${s}`),
          ...w.identities.map((i) => `${i.kind}${i.id ? ` ${i.id}` : ""}${i.oidc ? " (OIDC)" : ""}`),
          ...(w.token === "write" || w.token === "write-all" ? [`GITHUB_TOKEN ${w.token}`] : []),
        ],
        systems: w.systems.map((s) => (s.id ? `${s.kind} ${s.id}` : s.kind)),
        owner: w.owner ?? w.repoOwner ?? "unowned",
      });
    }
    if (rows.length < BATCH) break;
    const last: InventoryRow = rows[rows.length - 1]!;
    after = { repository: last.repository, path: last.path };
  }
  return out;
}

const csvCell = (v: string) => {
  // Leading =, +, - or @ would be a formula in a spreadsheet: quote it away.
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const mdCell = (v: string) => v.replace(/\|/g, "\\|").replace(/\r?\n/g, " ") || "—";

export function formatInventory(lines: InventoryLine[], format: ExportFormat, title: string): { body: string; contentType: string; extension: string } {
  const header = ["Workflow", "Secrets or identities", "External systems", "Rotation owner"];
  const cells = (l: InventoryLine) => [l.workflow, l.credentials.join("; "), l.systems.join("; "), l.owner];
  if (format === "json") return { body: `${JSON.stringify({ title, lines }, null, 2)}\n`, contentType: "application/json", extension: "json" };
  if (format === "csv") {
    return { body: [header, ...lines.map(cells)].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n", contentType: "text/csv; charset=utf-8", extension: "csv" };
  }
  const md = [`# ${title}`, "", `| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...lines.map((l) => `| ${cells(l).map(mdCell).join(" | ")} |`)];
  return { body: `${md.join("\n")}\n`, contentType: "text/markdown; charset=utf-8", extension: "md" };
}
