import "server-only";
import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { repositories, workflows } from "@/lib/db/schema";
import { workflowConditions, workflowRowColumns } from "./workflows-repo";
import { repoOwnerExpr } from "./owner-exprs";
import type { WorkflowFilters } from "./workflows-schema";
import type { InventoryLine } from "./export-format";

const BATCH = 500;
type InventoryRow = { repository: string; path: string };
export const EXPORT_LIMIT = 100_000;

/**
 * The inventory lines of a filtered view (the same filters as the Workflows page), one keyset
 * page of 500 at a time: one page in memory, however large the organisation. Each page is its
 * own statement (no transaction is held between them), so a slow reader pins no connection.
 */
export async function* inventoryPages(db: Db, orgId: string, f: Partial<WorkflowFilters>): AsyncGenerator<InventoryLine[]> {
  const where = and(...workflowConditions(orgId, f));
  let sent = 0;
  // Keyset pages on (repository, path), the order of workflow_org_repo_name_path_idx.
  let after: { repository: string; path: string } | null = null;
  while (sent < EXPORT_LIMIT) {
    const keyset: SQL | undefined = after ? sql`(${workflows.repoFullName}, ${workflows.path}) > (${after.repository}, ${after.path})` : undefined;
    const rows = await db
      .select({ ...workflowRowColumns(orgId), repoOwner: repoOwnerExpr(orgId) })
      .from(workflows)
      .innerJoin(repositories, eq(repositories.id, workflows.repoId))
      .where(and(where, keyset))
      .orderBy(asc(workflows.repoFullName), asc(workflows.path))
      .limit(Math.min(BATCH, EXPORT_LIMIT - sent));
    const out: InventoryLine[] = rows.map((w) => ({
      workflow: `${w.repository}/${w.path}`,
      system: w.system,
      credentials: [
        ...w.secrets.map((s) => `secret ${s}`),
        ...w.identities.map((i) => `${i.kind}${i.id ? ` ${i.id}` : ""}${i.oidc ? " (OIDC)" : ""}`),
        ...(w.token === "write" || w.token === "write-all" ? [`GITHUB_TOKEN ${w.token}`] : []),
      ],
      systems: w.systems.map((s) => (s.id ? `${s.kind} ${s.id}` : s.kind)),
      owner: w.owner ?? w.repoOwner ?? "unowned",
    }));
    if (out.length > 0) yield out;
    sent += out.length;
    if (rows.length < BATCH) break;
    const last: InventoryRow = rows[rows.length - 1]!;
    after = { repository: last.repository, path: last.path };
  }
}

