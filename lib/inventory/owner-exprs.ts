import { sql, type Placeholder, type SQL } from "drizzle-orm";
import { repositories, workflows } from "@/lib/db/schema";
import { ownerOverrides } from "@/lib/db/schema/owners";

// The effective owner, for queries that select from `workflow` / `repository`: a manual
// override (owner_override) wins over what the sync derived. Use these instead of the raw
// columns wherever an owner is shown or exported.

export function workflowOwnerExpr(orgId: string | Placeholder): SQL<string | null> {
  return sql<string | null>`coalesce((select o.owner from ${ownerOverrides} o where o.org_id = ${orgId} and o.target_type = 'workflow'
    and o.target_key = (select r2.github_id::text from ${repositories} r2 where r2.id = ${workflows.repoId}) || ':' || ${workflows.path}), ${workflows.owner})`;
}

export function workflowOwnerSourceExpr(orgId: string | Placeholder): SQL<string | null> {
  return sql<string | null>`case when exists (select 1 from ${ownerOverrides} o where o.org_id = ${orgId} and o.target_type = 'workflow'
    and o.target_key = (select r2.github_id::text from ${repositories} r2 where r2.id = ${workflows.repoId}) || ':' || ${workflows.path}) then 'manual' else ${workflows.ownerSource} end`;
}

export function repoOwnerExpr(orgId: string): SQL<string | null> {
  return sql<string | null>`coalesce((select o.owner from ${ownerOverrides} o where o.org_id = ${orgId} and o.target_type = 'repository'
    and o.target_key = ${repositories.githubId}::text), ${repositories.owner})`;
}

export function repoOwnerSourceExpr(orgId: string): SQL<string | null> {
  return sql<string | null>`case when exists (select 1 from ${ownerOverrides} o where o.org_id = ${orgId} and o.target_type = 'repository'
    and o.target_key = ${repositories.githubId}::text) then 'manual' else ${repositories.ownerSource} end`;
}
