import "server-only";
import { and, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { ownerOverrides, repositories, workflows } from "@/lib/db/schema";
import { rowsOf } from "@/lib/db/migrate";
import type { OwnedItemDto, OwnerListItem, OwnersPage, OwnerSourceDto } from "./credentials-dto";
import type { OwnerFilters } from "./credentials-schema";

/** Days after which a secret not rotated is stale. */
export const STALE_DAYS = 365;

// Effective owners: an override set by hand wins over what the sync derived. Every reader
// that shows an owner goes through these two row sources, so an override shows everywhere.

export const repoOverrideKey = (githubId: number) => String(githubId);
export const workflowOverrideKey = (githubId: number, path: string) => `${githubId}:${path}`;

/** Rows (repo_id, github_id, full_name, visibility, owner, owner_source) of the org's live repositories. */
export function repoOwnersSql(orgId: string): SQL {
  return sql`select r.id as repo_id, r.github_id, r.full_name, r.visibility,
      coalesce(o.owner, r.owner) as owner,
      case when o.id is not null then 'manual' else r.owner_source end as owner_source
    from ${repositories} r
    left join ${ownerOverrides} o on o.org_id = ${orgId} and o.target_type = 'repository' and o.target_key = r.github_id::text
    where r.org_id = ${orgId} and r.removed_at is null`;
}

/** Rows (workflow_id, repo_id, full_name, path, name, owner, owner_source) of the org's live workflows. */
export function workflowOwnersSql(orgId: string): SQL {
  return sql`select w.id as workflow_id, w.repo_id, r.full_name, w.path, w.name,
      coalesce(o.owner, w.owner) as owner,
      case when o.id is not null then 'manual' else w.owner_source end as owner_source
    from ${workflows} w
    join ${repositories} r on r.id = w.repo_id and r.org_id = ${orgId} and r.removed_at is null
    left join ${ownerOverrides} o on o.org_id = ${orgId} and o.target_type = 'workflow' and o.target_key = r.github_id::text || ':' || w.path
    where w.org_id = ${orgId}`;
}

/** Splits an owner field ("@acme/platform @acme/web") into its handles. */
export function ownerHandles(owner: string | null): string[] {
  return owner ? owner.split(/\s+/).filter(Boolean) : [];
}

export const escapeLike = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const ITEMS_PER_OWNER = 50;
const SECRETS_PER_OWNER = 100;
const UNOWNED_SHOWN = 50;

interface ItemRow {
  owner: string | null;
  type: "repository" | "workflow";
  repo_id: string;
  full_name: string;
  path: string | null;
  source: OwnerSourceDto | null;
}

/** One page of owners (teams or people), what each owns and the secrets each would rotate. */
export async function listOwners(db: Db, orgId: string, f: OwnerFilters, now = new Date()): Promise<OwnersPage> {
  const owned = sql`with ro as (${repoOwnersSql(orgId)}), wo as (${workflowOwnersSql(orgId)}),
    items as (
      select t.owner, 'repository' as type, ro.repo_id, ro.full_name, null::text as path, ro.owner_source as source
        from ro cross join lateral regexp_split_to_table(ro.owner, '\\s+') as t(owner) where ro.owner is not null
      union all
      select t.owner, 'workflow', wo.repo_id, wo.full_name, wo.path, wo.owner_source
        from wo cross join lateral regexp_split_to_table(wo.owner, '\\s+') as t(owner) where wo.owner is not null
    )`;
  const search = f.q ? sql`where owner ilike ${escapeLike(f.q)}` : sql``;
  const summary = rowsOf<{ owner: string; repos: number; workflows: number; total: number }>(
    await db.execute(sql`${owned}
      select owner, count(*) filter (where type = 'repository')::int as repos, count(*) filter (where type = 'workflow')::int as workflows,
        count(*) over ()::int as total
      from items ${search} group by owner order by lower(owner) limit ${f.size} offset ${(f.page - 1) * f.size}`),
  );
  const unownedRows = rowsOf<ItemRow & { total: number }>(
    await db.execute(sql`with ro as (${repoOwnersSql(orgId)}), wo as (${workflowOwnersSql(orgId)}),
      items as (
        select 'repository' as type, repo_id, full_name, null::text as path, owner_source as source from ro where owner is null
        union all
        select 'workflow', repo_id, full_name, path, owner_source from wo where owner is null
      )
      select null as owner, *, count(*) over ()::int as total from items order by full_name, path nulls first limit ${UNOWNED_SHOWN}`),
  );
  const owners = summary.map((s) => s.owner);
  const [itemRows, secretRows] = owners.length === 0 ? [[], []] : await Promise.all([ownedItems(db, owned, owners), ownedSecrets(db, orgId, owners)]);
  const staleBefore = now.getTime() - STALE_DAYS * 86_400_000;
  const rows: OwnerListItem[] = summary.map((s) => ({
    owner: s.owner,
    repositoryCount: Number(s.repos),
    workflowCount: Number(s.workflows),
    items: itemRows.filter((i) => i.owner === s.owner).map(toOwnedItem),
    secrets: secretRows
      .filter((r) => r.owner === s.owner)
      .map((r) => ({
        secretName: r.name,
        scope: r.scope,
        repository: r.full_name,
        environment: r.environment,
        updatedAt: new Date(r.updated_at).toISOString(),
        stale: new Date(r.updated_at).getTime() < staleBefore,
      })),
  }));
  return {
    rows,
    total: Number(summary[0]?.total ?? 0),
    page: f.page,
    size: f.size,
    unowned: unownedRows.map(toOwnedItem),
    unownedTotal: Number(unownedRows[0]?.total ?? 0),
  };
}

function toOwnedItem(r: ItemRow): OwnedItemDto {
  return { type: r.type, repoId: r.repo_id, repository: r.full_name, workflowPath: r.path, source: r.source };
}

async function ownedItems(db: Db, owned: SQL, owners: string[]): Promise<ItemRow[]> {
  return rowsOf<ItemRow>(
    await db.execute(sql`${owned}
      select owner, type, repo_id, full_name, path, source from (
        select items.*, row_number() over (partition by owner order by type, full_name, path) as n from items where owner in ${owners}
      ) x where n <= ${ITEMS_PER_OWNER} order by owner, type, full_name, path`),
  );
}

interface SecretRow {
  owner: string;
  name: string;
  scope: "org" | "repo" | "environment";
  full_name: string | null;
  environment: string | null;
  updated_at: string;
}

/** Repo and environment secrets of the repositories an owner owns; org secrets used by the workflows they own. */
async function ownedSecrets(db: Db, orgId: string, owners: string[]): Promise<SecretRow[]> {
  return rowsOf<SecretRow>(
    await db.execute(sql`with ro as (${repoOwnersSql(orgId)}), wo as (${workflowOwnersSql(orgId)}),
      owned as (
        select t.owner, s.name, s.scope, ro.full_name, s.environment, s.updated_at
          from secret s join ro on ro.repo_id = s.repo_id
          cross join lateral regexp_split_to_table(ro.owner, '\\s+') as t(owner)
          where s.org_id = ${orgId} and ro.owner is not null
        union
        select t.owner, s.name, s.scope, null, null, s.updated_at
          from secret s
          join job_secret js on js.secret_id = s.id and js.org_id = ${orgId}
          join job j on j.id = js.job_id and j.org_id = ${orgId}
          join wo on wo.workflow_id = j.workflow_id
          cross join lateral regexp_split_to_table(wo.owner, '\\s+') as t(owner)
          where s.org_id = ${orgId} and s.scope = 'org' and wo.owner is not null
      )
      select owner, name, scope, full_name, environment, updated_at from (
        select owned.*, row_number() over (partition by owner order by updated_at, name) as n from owned where owner in ${owners}
      ) x where n <= ${SECRETS_PER_OWNER} order by owner, updated_at, name`),
  );
}

export interface OverrideTarget {
  repoId: string;
  githubId: number;
  fullName: string;
  /** The owner the sync derived (before any override). */
  syncedOwner: string | null;
  syncedSource: OwnerSourceDto | null;
  workflowPath: string | null;
  key: string;
}

/** The repository, or the workflow of a repository, an override is about: by (orgId, id) — another org's is not found. */
export async function findOverrideTarget(db: Db, orgId: string, repoId: string, workflowPath: string | null): Promise<OverrideTarget | null> {
  const [repo] = await db
    .select({ id: repositories.id, githubId: repositories.githubId, fullName: repositories.fullName, owner: repositories.owner, ownerSource: repositories.ownerSource })
    .from(repositories)
    .where(and(eq(repositories.orgId, orgId), eq(repositories.id, repoId)))
    .limit(1);
  if (!repo) return null;
  if (workflowPath === null) {
    return { repoId: repo.id, githubId: repo.githubId, fullName: repo.fullName, syncedOwner: repo.owner, syncedSource: repo.ownerSource, workflowPath: null, key: repoOverrideKey(repo.githubId) };
  }
  const [wf] = await db
    .select({ owner: workflows.owner, ownerSource: workflows.ownerSource })
    .from(workflows)
    .where(and(eq(workflows.orgId, orgId), eq(workflows.repoId, repo.id), eq(workflows.path, workflowPath)))
    .limit(1);
  if (!wf) return null;
  return { repoId: repo.id, githubId: repo.githubId, fullName: repo.fullName, syncedOwner: wf.owner, syncedSource: wf.ownerSource, workflowPath, key: workflowOverrideKey(repo.githubId, workflowPath) };
}

export async function findOverride(db: Db, orgId: string, targetType: "repository" | "workflow", key: string) {
  const [row] = await db
    .select()
    .from(ownerOverrides)
    .where(and(eq(ownerOverrides.orgId, orgId), eq(ownerOverrides.targetType, targetType), eq(ownerOverrides.targetKey, key)))
    .limit(1);
  return row ?? null;
}

export async function upsertOverride(db: Db, orgId: string, targetType: "repository" | "workflow", key: string, owner: string, setBy: string, now: Date): Promise<void> {
  await db
    .insert(ownerOverrides)
    .values({ orgId, targetType, targetKey: key, owner, setBy, setAt: now })
    .onConflictDoUpdate({ target: [ownerOverrides.orgId, ownerOverrides.targetType, ownerOverrides.targetKey], set: { owner, setBy, setAt: now } });
}

export async function deleteOverride(db: Db, orgId: string, targetType: "repository" | "workflow", key: string): Promise<void> {
  await db
    .delete(ownerOverrides)
    .where(and(eq(ownerOverrides.orgId, orgId), eq(ownerOverrides.targetType, targetType), eq(ownerOverrides.targetKey, key)));
}
