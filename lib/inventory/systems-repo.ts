import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { rowsOf } from "@/lib/db/migrate";
import { toJobRef, type CredentialDto, type JobRefDto, type Paged, type SystemListItem } from "./credentials-dto";
import { SYSTEM_GROUPS, type SystemFilters, type SystemGroup } from "./credentials-schema";
import { IDENTITIES_REACHING, SYSTEM_KIND_GROUP } from "./credentials-labels";
import { escapeLike } from "./owners-repo";
import { JOBS_PER_ROW } from "./secrets-repo";

const GROUPED_KINDS = Object.keys(SYSTEM_KIND_GROUP);
const kindsOf = (g: SystemGroup) => GROUPED_KINDS.filter((k) => SYSTEM_KIND_GROUP[k] === g);
const groupOf = (kind: string): SystemGroup => SYSTEM_KIND_GROUP[kind] ?? "other";

/** Groups in display order: AWS first, SaaS and the rest last. */
const groupRank = sql.join(
  [sql`case`, ...GROUPED_KINDS.map((k) => sql`when kind = ${k} then ${SYSTEM_GROUPS.indexOf(groupOf(k))}::int`), sql`else ${SYSTEM_GROUPS.length}::int end`],
  sql` `,
);

/** Identity kinds that reach each system kind, as a relation the queries join on. */
const reaching = sql.join(
  Object.entries(IDENTITIES_REACHING).flatMap(([system, ids]) => ids.map((id) => sql`(${system}::text, ${id}::text)`)),
  sql`, `,
);

/**
 * The org's (job, system) pairs, an AWS account named by a role ARN folded into the account,
 * so "AWS accounts and roles" lists each account once with the roles that reach it.
 */
const systemsSql = (orgId: string) => sql`
  select s.job_id, s.kind,
    case when s.kind = 'aws-account' and s.identifier ~ '^arn:aws[a-z-]*:iam::[0-9]{12}:'
      then substring(s.identifier from 'iam::([0-9]{12}):') else s.identifier end as identifier,
    s.heuristic
  from job_system s
  join job j on j.id = s.job_id and j.org_id = ${orgId}
  join repository r on r.id = j.repo_id and r.org_id = ${orgId} and r.removed_at is null
  where s.org_id = ${orgId}`;

const systemKey = (kind: string, identifier: string | null) => `${kind}~${identifier ?? ""}`;
const keySql = sql`kind || '~' || coalesce(identifier, '')`;
const sysKeySql = sql`sys.kind || '~' || coalesce(sys.identifier, '')`;

function conditions(f: SystemFilters): SQL {
  const where: SQL[] = [sql`true`];
  if (f.q) where.push(sql`(identifier ilike ${escapeLike(f.q)} or kind ilike ${escapeLike(f.q)})`);
  if (f.group === "other") where.push(sql`kind not in ${GROUPED_KINDS}`);
  else if (f.group) where.push(sql`kind in ${kindsOf(f.group)}`);
  return sql.join(where, sql` and `);
}

/** One page of the external systems the org's jobs reach, grouped by kind, with the jobs and credentials that reach each. */
export async function listSystems(db: Db, orgId: string, f: SystemFilters): Promise<Paged<SystemListItem>> {
  const page = rowsOf<{ kind: string; identifier: string | null; heuristic: boolean; job_count: number; total: number }>(
    await db.execute(sql`with sys as (${systemsSql(orgId)})
      select kind, identifier, bool_and(heuristic) as heuristic, count(distinct job_id)::int as job_count, count(*) over ()::int as total
      from sys where ${conditions(f)}
      group by kind, identifier
      order by ${groupRank}, kind, identifier nulls last
      limit ${f.size} offset ${(f.page - 1) * f.size}`),
  );
  if (page.length === 0) return { rows: [], total: 0, page: f.page, size: f.size };
  const keys = page.map((p) => systemKey(p.kind, p.identifier));
  const [jobs, credentials] = await Promise.all([systemJobs(db, orgId, keys), systemCredentials(db, orgId, keys)]);
  const rows = page.map((p): SystemListItem => {
    const key = systemKey(p.kind, p.identifier);
    return { key, group: groupOf(p.kind), kind: p.kind, identifier: p.identifier, heuristic: p.heuristic, jobCount: Number(p.job_count), jobs: jobs.get(key) ?? [], credentials: credentials.get(key) ?? [] };
  });
  return { rows, total: Number(page[0]!.total), page: f.page, size: f.size };
}

async function systemJobs(db: Db, orgId: string, keys: string[]): Promise<Map<string, JobRefDto[]>> {
  const rows = rowsOf<{ key: string; full_name: string; path: string; workflow_name: string | null; workflow_id: string; job_key: string; line: number }>(
    await db.execute(sql`with sys as (${systemsSql(orgId)})
      select key, full_name, path, workflow_name, workflow_id, job_key, line from (
        select x.*, row_number() over (partition by key order by full_name, path, job_key) as n from (
          select distinct ${keySql} as key, r.full_name, w.path, w.name as workflow_name, w.id as workflow_id, j.job_key, j.line
          from sys
          join job j on j.id = sys.job_id and j.org_id = ${orgId}
          join workflow w on w.id = j.workflow_id and w.org_id = ${orgId}
          join repository r on r.id = j.repo_id and r.org_id = ${orgId}
          where ${keySql} in ${keys}
        ) x
      ) y where n <= ${JOBS_PER_ROW} order by key, n`),
  );
  const out = new Map<string, JobRefDto[]>();
  for (const r of rows) out.set(r.key, [...(out.get(r.key) ?? []), toJobRef(r)]);
  return out;
}

/**
 * The credentials that reach each system: the identities of its jobs that can reach that kind
 * of system (and the secrets they are built from); for a job with no such identity, the
 * secrets the job holds — one of them is how it gets in.
 */
async function systemCredentials(db: Db, orgId: string, keys: string[]): Promise<Map<string, CredentialDto[]>> {
  const [identities, secrets] = await Promise.all([
    db.execute(sql`with sys as (${systemsSql(orgId)}), fam(system_kind, identity_kind) as (values ${reaching})
      select ${sysKeySql} as key, ji.kind, ji.identifier, bool_or(ji.oidc) as oidc,
        coalesce(jsonb_agg(distinct sn.name) filter (where sn.name is not null), '[]'::jsonb) as secret_names
      from sys
      join fam on fam.system_kind = sys.kind
      join job_identity ji on ji.job_id = sys.job_id and ji.org_id = ${orgId} and ji.kind = fam.identity_kind
      left join lateral jsonb_array_elements_text(ji.secret_names) as sn(name) on true
      where ${sysKeySql} in ${keys}
      group by 1, ji.kind, ji.identifier
      order by 1, ji.kind, ji.identifier`),
    db.execute(sql`with sys as (${systemsSql(orgId)}), fam(system_kind, identity_kind) as (values ${reaching})
      select distinct ${sysKeySql} as key, js.secret_name
      from sys
      join job_secret js on js.job_id = sys.job_id and js.org_id = ${orgId} and js.resolution in ('repo', 'org', 'environment')
      where ${sysKeySql} in ${keys}
        and not exists (select 1 from job_identity ji join fam on fam.identity_kind = ji.kind
          where ji.job_id = sys.job_id and ji.org_id = ${orgId} and fam.system_kind = sys.kind)
      order by 1, 2`),
  ]);
  const out = new Map<string, CredentialDto[]>();
  const add = (key: string, c: CredentialDto) => {
    const list = out.get(key) ?? [];
    if (!list.some((o) => o.type === c.type && o.name === c.name && o.kind === c.kind)) list.push(c);
    out.set(key, list);
  };
  for (const r of rowsOf<{ key: string; kind: string; identifier: string | null; oidc: boolean; secret_names: string[] | string }>(identities)) {
    add(r.key, { type: "identity", kind: r.kind, name: r.identifier ?? "(unnamed)", oidc: r.oidc });
    const names = typeof r.secret_names === "string" ? (JSON.parse(r.secret_names) as string[]) : r.secret_names;
    for (const n of names) if (n !== "GITHUB_TOKEN") add(r.key, { type: "secret", kind: null, name: n, oidc: false });
  }
  for (const r of rowsOf<{ key: string; secret_name: string }>(secrets)) add(r.key, { type: "secret", kind: null, name: r.secret_name, oidc: false });
  return out;
}
