import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import type { CiSystem } from "@/lib/analysis/types";
import { calendarDaysBetween } from "@/lib/analysis/dates";
import { rowsOf } from "@/lib/db/migrate";
import { toJobRef, type JobRefDto, type JobRefRow, type OwnerRefDto, type OwnerSourceDto, type Paged, type SecretListItem } from "./credentials-dto";
import type { SecretFilters, SecretFlag } from "./credentials-schema";
import { escapeLike, ownerHandles, repoOwnersSql, STALE_DAYS, workflowOwnersSql } from "./owners-repo";

/** Jobs listed inline per secret; the Workflows view (filtered by secret) has the rest. */
export const JOBS_PER_ROW = 20;
/** Repository names listed inline per org secret. */
const REPOS_PER_ROW = 12;

// The jobs that reference a secret: by id, plus references to an org secret by name whose
// id was cleared (the secret was deleted and defined again before the repository re-synced).
export const refsSql = (orgId: string) => sql`
  select js.secret_id, js.job_id, js.line from job_secret js where js.org_id = ${orgId} and js.secret_id is not null
  union all
  select s.id, js.job_id, js.line from job_secret js
    join secret s on s.org_id = ${orgId} and s.scope = 'org' and upper(s.name) = upper(js.secret_name)
    where js.org_id = ${orgId} and js.secret_id is null and js.resolution = 'org'`;

// Secrets (each scope) and references to secrets defined nowhere, as one list of entries.
const entriesSql = (orgId: string, now: Date) => sql`
  with refs as (${refsSql(orgId)}),
  ref_n as (select secret_id, count(distinct job_id)::int as n from refs group by secret_id),
  entries as (
    select s.id::text as key, 'secret' as kind, s.id as secret_id, s.name, s.scope, s.environment, s.repo_id,
      s.visibility, s.selected_repo_ids, s.updated_at, coalesce(rn.n, 0) as job_count,
      (coalesce(rn.n, 0) = 0) as unused, (s.updated_at < ${new Date(now.getTime() - STALE_DAYS * 86_400_000).toISOString()}::timestamptz) as stale, false as missing,
      null::text as system
    from secret s
    left join ref_n rn on rn.secret_id = s.id
    left join repository r on r.id = s.repo_id and r.org_id = ${orgId}
    where s.org_id = ${orgId} and (s.repo_id is null or r.removed_at is null)
    union all
    select 'missing:' || j.repo_id || ':' || upper(js.secret_name), 'missing', null, min(js.secret_name), null, null, j.repo_id,
      null, null, null, count(distinct js.job_id)::int, false, false, true, null
    from job_secret js
    join job j on j.id = js.job_id and j.org_id = ${orgId}
    join repository r on r.id = j.repo_id and r.org_id = ${orgId} and r.removed_at is null
    where js.org_id = ${orgId} and js.resolution = 'missing' and js.via not in ('all', 'inherit')
    group by j.repo_id, upper(js.secret_name)
    union all
    -- A Buildkite or Tekton pipeline's secret: held by that system, one entry per repository and system.
    select 'external:' || j.repo_id || ':' || w.system || ':' || upper(js.secret_name), 'external', null, min(js.secret_name), null, null, j.repo_id,
      null, null, null, count(distinct js.job_id)::int, false, false, false, w.system
    from job_secret js
    join job j on j.id = js.job_id and j.org_id = ${orgId}
    join workflow w on w.id = j.workflow_id and w.org_id = ${orgId}
    join repository r on r.id = j.repo_id and r.org_id = ${orgId} and r.removed_at is null
    where js.org_id = ${orgId} and js.resolution = 'external'
    group by j.repo_id, w.system, upper(js.secret_name)
  )`;

interface EntryRow {
  key: string;
  kind: "secret" | "missing" | "external";
  secret_id: string | null;
  name: string;
  scope: "org" | "repo" | "environment" | null;
  environment: string | null;
  repo_id: string | null;
  visibility: "all" | "private" | "selected" | null;
  selected_repo_ids: number[] | null;
  updated_at: string | Date | null;
  job_count: number;
  unused: boolean;
  stale: boolean;
  missing: boolean;
  system: CiSystem | null;
  total: number;
}

const FLAG_CONDITIONS: Record<SecretFlag, SQL> = { unused: sql`unused`, stale: sql`stale`, missing: sql`missing` };

function entryConditions(f: SecretFilters): SQL {
  const where: SQL[] = [sql`true`];
  if (f.q) where.push(sql`name ilike ${escapeLike(f.q)}`);
  if (f.scope) where.push(sql`scope = ${f.scope}`);
  if (f.flag) where.push(FLAG_CONDITIONS[f.flag]);
  return sql.join(where, sql` and `);
}

/** One page of the org's secrets (every scope) and missing references, filtered and paged in SQL. */
export async function listSecrets(db: Db, orgId: string, f: SecretFilters, now = new Date()): Promise<Paged<SecretListItem>> {
  const page = rowsOf<EntryRow>(
    await db.execute(sql`${entriesSql(orgId, now)}
      select *, count(*) over ()::int as total from entries where ${entryConditions(f)}
      order by upper(name), kind desc, scope, environment nulls first, key
      limit ${f.size} offset ${(f.page - 1) * f.size}`),
  );
  if (page.length === 0) return { rows: [], total: 0, page: f.page, size: f.size };
  const [repos, jobsBySecret, jobsByMissing, orgOwners] = await Promise.all([
    repoFacts(db, orgId),
    secretJobs(db, orgId, page.flatMap((e) => (e.secret_id ? [e.secret_id] : []))),
    referenceJobs(db, orgId, page.filter((e) => e.kind !== "secret")),
    orgSecretOwners(db, orgId, page.flatMap((e) => (e.scope === "org" && e.secret_id ? [e.secret_id] : []))),
  ]);
  const rows = page.map((e): SecretListItem => {
    const repo = e.repo_id ? repos.byId.get(e.repo_id) : undefined;
    const readable = readableRepos(e, repos);
    const updated = e.updated_at ? new Date(e.updated_at) : null;
    const flags: SecretFlag[] = [];
    if (e.unused) flags.push("unused");
    if (e.stale) flags.push("stale");
    if (e.missing) flags.push("missing");
    const owners: OwnerRefDto[] =
      e.scope === "org" ? (orgOwners.get(e.secret_id!) ?? []) : repo ? ownerHandles(repo.owner).map((owner) => ({ owner, source: repo.ownerSource })) : [];
    return {
      key: e.key,
      kind: e.kind,
      system: e.system,
      secretName: e.name,
      scope: e.scope,
      environment: e.environment,
      repository: repo?.fullName ?? null,
      visibility: e.visibility,
      selectedCount: e.visibility === "selected" ? (e.selected_repo_ids ?? []).length : null,
      readableRepoCount: readable.count,
      readableRepos: readable.names,
      jobCount: Number(e.job_count),
      jobs: e.secret_id ? (jobsBySecret.get(e.secret_id) ?? []) : (jobsByMissing.get(e.key) ?? []),
      updatedAt: updated?.toISOString() ?? null,
      ageDays: updated ? calendarDaysBetween(updated.getTime(), now.getTime()) : null,
      flags,
      owners,
    };
  });
  return { rows, total: Number(page[0]!.total), page: f.page, size: f.size };
}

interface RepoFact {
  id: string;
  githubId: number;
  fullName: string;
  visibility: string;
  owner: string | null;
  ownerSource: OwnerSourceDto | null;
}

/** The org's live repositories with their effective owners: what visibility rules resolve against. */
async function repoFacts(db: Db, orgId: string) {
  const rows = rowsOf<{ repo_id: string; github_id: number | string; full_name: string; visibility: string; owner: string | null; owner_source: OwnerSourceDto | null }>(
    await db.execute(sql`${repoOwnersSql(orgId)} order by r.full_name`),
  );
  const list: RepoFact[] = rows.map((r) => ({ id: r.repo_id, githubId: Number(r.github_id), fullName: r.full_name, visibility: r.visibility, owner: r.owner, ownerSource: r.owner_source }));
  return { list, byId: new Map(list.map((r) => [r.id, r])) };
}

/**
 * Which repositories can read a secret, as GitHub decides it (see visibleToRepo): a repo or
 * environment secret its own repository; an org secret all repositories, the private and
 * internal ones, or the selected ones.
 */
function readableRepos(e: EntryRow, repos: Awaited<ReturnType<typeof repoFacts>>): { count: number; names: string[] } {
  if (e.kind === "missing") return { count: 0, names: [] };
  if (e.kind === "external") {
    const repo = e.repo_id ? repos.byId.get(e.repo_id) : undefined;
    return repo ? { count: 1, names: [repo.fullName] } : { count: 0, names: [] };
  }
  if (e.scope !== "org") {
    const repo = e.repo_id ? repos.byId.get(e.repo_id) : undefined;
    return repo ? { count: 1, names: [repo.fullName] } : { count: 0, names: [] };
  }
  const selected = new Set((e.selected_repo_ids ?? []).map(Number));
  const readable = repos.list.filter((r) =>
    e.visibility === "all" ? true : e.visibility === "private" ? r.visibility !== "public" : selected.has(r.githubId),
  );
  return { count: readable.length, names: readable.slice(0, REPOS_PER_ROW).map((r) => r.fullName) };
}

type JobRow = JobRefRow & { secret_id: string };

async function secretJobs(db: Db, orgId: string, secretIds: string[]): Promise<Map<string, JobRefDto[]>> {
  const out = new Map<string, JobRefDto[]>();
  if (secretIds.length === 0) return out;
  const rows = rowsOf<JobRow>(
    await db.execute(sql`with refs as (${refsSql(orgId)})
      select secret_id, full_name, path, workflow_name, workflow_id, job_key, line from (
        select x.*, row_number() over (partition by x.secret_id order by x.full_name, x.path, x.job_key) as n from (
          select distinct on (refs.secret_id, j.id) refs.secret_id, r.full_name, w.path, w.name as workflow_name, w.id as workflow_id, j.job_key, refs.line
          from refs
          join job j on j.id = refs.job_id and j.org_id = ${orgId}
          join workflow w on w.id = j.workflow_id and w.org_id = ${orgId}
          join repository r on r.id = j.repo_id and r.org_id = ${orgId} and r.removed_at is null
          where refs.secret_id in ${secretIds}
          order by refs.secret_id, j.id, refs.line
        ) x
      ) y where n <= ${JOBS_PER_ROW} order by secret_id, n`),
  );
  for (const r of rows) out.set(r.secret_id, [...(out.get(r.secret_id) ?? []), toJobRef(r)]);
  return out;
}

/** The jobs behind an entry without a secret row: a reference to a secret defined nowhere, or one another system holds. */
async function referenceJobs(db: Db, orgId: string, entries: EntryRow[]): Promise<Map<string, JobRefDto[]>> {
  const out = new Map<string, JobRefDto[]>();
  if (entries.length === 0) return out;
  const keys = entries.map((e) => e.key);
  const rows = rowsOf<Omit<JobRow, "secret_id"> & { key: string }>(
    await db.execute(sql`select key, full_name, path, workflow_name, workflow_id, job_key, line from (
        select distinct on (j.id, upper(js.secret_name))
          case when js.resolution = 'external' then 'external:' || j.repo_id || ':' || w.system || ':' else 'missing:' || j.repo_id || ':' end || upper(js.secret_name) as key,
          r.full_name, w.path, w.name as workflow_name, w.id as workflow_id, j.job_key, js.line
        from job_secret js
        join job j on j.id = js.job_id and j.org_id = ${orgId}
        join workflow w on w.id = j.workflow_id and w.org_id = ${orgId}
        join repository r on r.id = j.repo_id and r.org_id = ${orgId}
        where js.org_id = ${orgId} and (js.resolution = 'external' or (js.resolution = 'missing' and js.via not in ('all', 'inherit')))
          and case when js.resolution = 'external' then 'external:' || j.repo_id || ':' || w.system || ':' else 'missing:' || j.repo_id || ':' end || upper(js.secret_name) in ${keys}
        order by j.id, upper(js.secret_name), js.line
      ) x order by key, full_name, path, job_key limit ${keys.length * JOBS_PER_ROW}`),
  );
  for (const r of rows) {
    const list = out.get(r.key) ?? [];
    if (list.length < JOBS_PER_ROW) out.set(r.key, [...list, toJobRef(r)]);
  }
  return out;
}

/** Who would rotate an org secret: the owners of the workflows whose jobs use it. */
async function orgSecretOwners(db: Db, orgId: string, secretIds: string[]): Promise<Map<string, OwnerRefDto[]>> {
  const out = new Map<string, OwnerRefDto[]>();
  if (secretIds.length === 0) return out;
  const rows = rowsOf<{ secret_id: string; owner: string; source: OwnerSourceDto | null }>(
    await db.execute(sql`with refs as (${refsSql(orgId)}), wo as (${workflowOwnersSql(orgId)})
      select distinct refs.secret_id, t.owner, wo.owner_source as source
      from refs
      join job j on j.id = refs.job_id and j.org_id = ${orgId}
      join wo on wo.workflow_id = j.workflow_id
      cross join lateral regexp_split_to_table(wo.owner, '\\s+') as t(owner)
      where refs.secret_id in ${secretIds} and wo.owner is not null
      order by refs.secret_id, t.owner`),
  );
  for (const r of rows) {
    const list = out.get(r.secret_id) ?? [];
    // One entry per handle: the same team may own one workflow by CODEOWNERS and another by hand.
    if (!list.some((o) => o.owner === r.owner)) list.push({ owner: r.owner, source: r.source });
    out.set(r.secret_id, list);
  }
  return out;
}
