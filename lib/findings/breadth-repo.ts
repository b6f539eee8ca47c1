import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { rowsOf } from "@/lib/db/migrate";
import { broadestSnapshots } from "@/lib/db/schema";
import { refsSql } from "@/lib/inventory/secrets-repo";
import { createVersionedCache, inventoryAndOverridesVersion } from "@/lib/inventory/read-cache";
import { broadest, type BroadCredential, type CredentialFacts, type JobRef } from "./breadth";

// The counts breadth.ts weighs, for every secret and OIDC identity of an org, in one set-based
// statement: jobs are counted per repository (and per repository and environment) once, and
// each credential picks its readers from those counts — never a scan of the jobs per secret.
// Readers and users count live repositories' jobs only. The first SAMPLE users (and, for
// identities, jobs holding id-token: write that request no token) are kept for the sentence.

const SAMPLE = 5;

const job = sql`jsonb_build_object('repo', jw.full_name, 'path', jw.path, 'job', jw.job_key, 'environment', jw.environment)`;
const jobOrder = sql`jw.full_name, jw.path, jw.job_key`;

function factsSql(orgId: string) {
  return sql`
  with jw as materialized (
    select j.id, j.repo_id, j.job_key, j.environment, j.id_token, j.phase, w.path, r.full_name,
      (j.runs_untrusted_code or jsonb_array_length(w.untrusted_triggers) > 0) as untrusted
    from job j
    join workflow w on w.id = j.workflow_id and w.org_id = ${orgId}
    join repository r on r.id = j.repo_id and r.org_id = ${orgId} and r.removed_at is null
    where j.org_id = ${orgId}
  ),
  repo_jobs as (
    select repo_id, count(*)::int as jobs, count(*) filter (where untrusted)::int as untrusted,
      count(*) filter (where id_token)::int as id_jobs, count(*) filter (where id_token and untrusted)::int as id_untrusted
    from jw group by repo_id
  ),
  live as (
    select r.id, r.github_id, r.visibility, r.full_name, coalesce(rj.jobs, 0) as jobs, coalesce(rj.untrusted, 0) as untrusted
    from repository r left join repo_jobs rj on rj.repo_id = r.id
    where r.org_id = ${orgId} and r.removed_at is null
  ),
  tot as (
    select coalesce(sum(jobs), 0)::int as jobs, coalesce(sum(untrusted), 0)::int as untrusted, count(*)::int as repos,
      coalesce(sum(jobs) filter (where visibility <> 'public'), 0)::int as p_jobs,
      coalesce(sum(untrusted) filter (where visibility <> 'public'), 0)::int as p_untrusted,
      count(*) filter (where visibility <> 'public')::int as p_repos
    from live
  ),
  sel as (
    select s.id, sum(l.jobs)::int as jobs, sum(l.untrusted)::int as untrusted, count(*)::int as repos
    from secret s
    cross join lateral jsonb_array_elements_text(coalesce(s.selected_repo_ids, '[]'::jsonb)) g(github_id)
    join live l on l.github_id = g.github_id::bigint
    where s.org_id = ${orgId} and s.scope = 'org' and s.visibility = 'selected'
    group by s.id
  ),
  env_jobs as (
    select repo_id, lower(environment) as environment, count(*)::int as jobs, count(*) filter (where untrusted)::int as untrusted
    from jw where environment is not null group by repo_id, lower(environment)
  ),
  secret_users as (
    select u.secret_id, count(*)::int as users, count(distinct jw.repo_id)::int as user_repo_count,
      bool_or(jw.phase in ('publish', 'deploy')) as high,
      to_jsonb((array_agg(distinct jw.full_name order by jw.full_name))[1:${SAMPLE}]) as user_repos,
      to_jsonb((array_agg(${job} order by ${jobOrder}))[1:${SAMPLE}]) as user_jobs
    from (select distinct secret_id, job_id from (${refsSql(orgId)}) refs) u
    join jw on jw.id = u.job_id
    group by u.secret_id
  ),
  oidc_jobs as (select distinct ji.kind, ji.identifier, ji.job_id from job_identity ji where ji.org_id = ${orgId} and ji.oidc),
  idle_by_repo as (
    select jw.repo_id, count(*)::int as n, (array_agg(${job} order by ${jobOrder}))[1:${SAMPLE}] as sample
    from jw where jw.id_token and not exists (select 1 from oidc_jobs o where o.job_id = jw.id)
    group by jw.repo_id
  ),
  identities as (
    select o.kind, o.identifier, count(distinct jw.id)::int as users, count(distinct jw.repo_id)::int as user_repo_count,
      bool_or(jw.phase in ('publish', 'deploy')) as high,
      to_jsonb((array_agg(distinct jw.full_name order by jw.full_name))[1:${SAMPLE}]) as user_repos,
      to_jsonb((array_agg(${job} order by ${jobOrder}))[1:${SAMPLE}]) as user_jobs
    from oidc_jobs o join jw on jw.id = o.job_id
    group by o.kind, o.identifier
  ),
  identity_repos as (select distinct o.kind, o.identifier, jw.repo_id from oidc_jobs o join jw on jw.id = o.job_id),
  identity_readers as (
    select ir.kind, ir.identifier, coalesce(sum(rj.id_jobs), 0)::int as readers, coalesce(sum(rj.id_untrusted), 0)::int as untrusted
    from identity_repos ir join repo_jobs rj on rj.repo_id = ir.repo_id group by ir.kind, ir.identifier
  ),
  identity_idle as (
    -- each repository's count once (on its first sample row), the samples of all of them
    select ir.kind, ir.identifier, sum(ib.n) filter (where x.ord = 1)::int as n, (array_agg(x.job order by x.job->>'repo', x.job->>'path', x.job->>'job'))[1:${SAMPLE}] as sample
    from identity_repos ir join idle_by_repo ib on ib.repo_id = ir.repo_id cross join lateral unnest(ib.sample) with ordinality as x(job, ord)
    group by ir.kind, ir.identifier
  )
  select 'secret' as kind, s.name, s.scope, l.full_name as repo, s.environment, null as identity_kind, e.is_protected as environment_protected, s.visibility,
    case s.scope
      when 'org' then case s.visibility when 'all' then tot.jobs when 'private' then tot.p_jobs else coalesce(sel.jobs, 0) end
      when 'repo' then l.jobs
      else case when e.is_protected then coalesce(ej.jobs, 0) else l.jobs end end as readers,
    case s.scope
      when 'org' then case s.visibility when 'all' then tot.untrusted when 'private' then tot.p_untrusted else coalesce(sel.untrusted, 0) end
      when 'repo' then l.untrusted
      else case when e.is_protected then coalesce(ej.untrusted, 0) else l.untrusted end end as untrusted_readers,
    case when s.scope = 'org' then case s.visibility when 'all' then tot.repos when 'private' then tot.p_repos else coalesce(sel.repos, 0) end else 1 end as readable_repos,
    coalesce(u.users, 0) as users, coalesce(u.user_repo_count, 0) as user_repo_count, coalesce(u.user_repos, '[]') as user_repos,
    coalesce(u.high, false) as high, coalesce(u.user_jobs, '[]') as user_jobs, '[]'::jsonb as idle_jobs, 0 as idle_job_count
  from secret s
  cross join tot
  left join live l on l.id = s.repo_id
  left join environment e on s.scope = 'environment' and e.repo_id = s.repo_id and lower(e.name) = lower(s.environment)
  left join env_jobs ej on s.scope = 'environment' and ej.repo_id = s.repo_id and ej.environment = lower(s.environment)
  left join sel on sel.id = s.id
  left join secret_users u on u.secret_id = s.id
  where s.org_id = ${orgId} and (s.repo_id is null or l.id is not null)
  union all
  select 'identity', coalesce(i.identifier, i.kind), 'oidc', null, null, i.kind, null, null,
    r.readers, r.untrusted, i.user_repo_count, i.users, i.user_repo_count, i.user_repos, i.high, i.user_jobs,
    coalesce(to_jsonb(idle.sample), '[]'), coalesce(idle.n, 0)
  from identities i
  join identity_readers r on r.kind = i.kind and r.identifier is not distinct from i.identifier
  left join identity_idle idle on idle.kind = i.kind and idle.identifier is not distinct from i.identifier
  union all
  select 'identity', 'id-token: write', 'id-token', l.full_name, null, null, null, null,
    rj.id_jobs, rj.id_untrusted, 1, 0, 0, '[]', false, '[]', to_jsonb(ib.sample), ib.n
  from idle_by_repo ib
  join repo_jobs rj on rj.repo_id = ib.repo_id
  join live l on l.id = ib.repo_id
  where not exists (select 1 from oidc_jobs o join jw on jw.id = o.job_id where jw.repo_id = ib.repo_id)`;
}

interface FactRow {
  kind: "secret" | "identity";
  name: string;
  scope: CredentialFacts["scope"];
  repo: string | null;
  environment: string | null;
  identity_kind: CredentialFacts["identityKind"];
  environment_protected: boolean | null;
  visibility: CredentialFacts["visibility"];
  readers: number;
  untrusted_readers: number;
  readable_repos: number;
  users: number;
  user_repo_count: number;
  user_repos: string[] | string;
  high: boolean;
  user_jobs: JobRef[] | string;
  idle_jobs: JobRef[] | string;
  idle_job_count: number;
}

const json = <T>(v: T | string): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);

/** Every secret and OIDC identity of the org with its readers and users (uncached). */
export async function credentialFacts(db: Db, orgId: string): Promise<CredentialFacts[]> {
  // Without JIT: the planner's estimates for this statement are far off (CTE scans, grouped
  // joins estimated at millions of rows), so PostgreSQL would JIT-compile it with inlining and
  // optimisation — 5.9 s of 8.8 s at 50,000 workflows (EXPLAIN ANALYZE), before the first row.
  // set_config(…, true) lasts until the end of the transaction: this one, or the caller's.
  const rows = await db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('jit', 'off', true)`);
    return rowsOf<FactRow>(await tx.execute(factsSql(orgId)));
  });
  return rows.map((r) => ({
    kind: r.kind,
    name: r.name,
    scope: r.scope,
    repo: r.repo,
    environment: r.environment,
    identityKind: r.identity_kind,
    environmentProtected: r.environment_protected,
    visibility: r.visibility,
    readers: Number(r.readers),
    untrustedReaders: Number(r.untrusted_readers),
    readableRepos: Number(r.readable_repos),
    users: Number(r.users),
    userRepoCount: Number(r.user_repo_count),
    userRepos: json<string[]>(r.user_repos) ?? [],
    highAuthority: r.high,
    userJobs: json<JobRef[]>(r.user_jobs) ?? [],
    idleJobs: json<JobRef[]>(r.idle_jobs) ?? [],
    idleJobCount: Number(r.idle_job_count),
  }));
}

// The inventory changes only in sync runs (read-cache.ts): the list is computed once per change.
const cache = createVersionedCache<BroadCredential[]>(100, 10 * 60_000);

/**
 * The org's broadest credentials, broadest first (BROADEST_LIMIT), cached until a sync writes:
 * in this process, else as the job process stored them when the last run ended (still this
 * inventory version), else computed here (the cold cost: seconds at 50,000 workflows).
 */
export async function broadestCredentials(db: Db, orgId: string): Promise<BroadCredential[]> {
  const version = await inventoryAndOverridesVersion(db, orgId);
  return cache.get(orgId, "broadest", version, async () => {
    const [stored] = await db
      .select({ list: broadestSnapshots.list })
      .from(broadestSnapshots)
      .where(and(eq(broadestSnapshots.orgId, orgId), eq(broadestSnapshots.version, version)));
    return stored?.list ?? broadest(await credentialFacts(db, orgId));
  });
}
