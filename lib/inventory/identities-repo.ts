import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { rowsOf } from "@/lib/db/migrate";
import { toJobRef, type IdentityListItem, type JobRefDto, type Paged } from "./credentials-dto";
import type { IdentityFilters } from "./credentials-schema";
import { escapeLike } from "./owners-repo";
import { JOBS_PER_ROW } from "./secrets-repo";

/** An identity is a kind and an identifier (a role ARN, a service account, an app id…); `~` stands for none. */
const identityKey = (kind: string, identifier: string | null) => `${kind}~${identifier ?? ""}`;

function conditions(orgId: string, f: IdentityFilters): SQL {
  const where: SQL[] = [sql`ji.org_id = ${orgId}`];
  if (f.q) where.push(sql`(ji.identifier ilike ${escapeLike(f.q)} or ji.kind ilike ${escapeLike(f.q)})`);
  if (f.kind) where.push(sql`ji.kind = ${f.kind}`);
  if (f.auth === "oidc") where.push(sql`ji.oidc`);
  // Static: a key or token someone must rotate. A Kubernetes account and Tekton Chains' signing
  // key are neither (OidcBadge says what they are), so they are in neither filter.
  if (f.auth === "static") where.push(sql`not ji.oidc and ji.kind not in ('k8s-service-account', 'tekton-chains')`);
  return sql.join(where, sql` and `);
}

/** One page of the identities jobs use, grouped by kind and identifier, with the jobs that use each. */
export async function listIdentities(db: Db, orgId: string, f: IdentityFilters): Promise<Paged<IdentityListItem>> {
  const page = rowsOf<{ kind: string; identifier: string | null; symbolic: boolean; oidc: boolean; secret_names: string[] | string; job_count: number; total: number }>(
    await db.execute(sql`select ji.kind, ji.identifier, bool_or(ji.symbolic) as symbolic, bool_or(ji.oidc) as oidc,
        coalesce(jsonb_agg(distinct sn.name) filter (where sn.name is not null), '[]'::jsonb) as secret_names,
        count(distinct ji.job_id)::int as job_count, count(*) over ()::int as total
      from job_identity ji
      join job j on j.id = ji.job_id and j.org_id = ${orgId}
      join repository r on r.id = j.repo_id and r.org_id = ${orgId} and r.removed_at is null
      left join lateral jsonb_array_elements_text(ji.secret_names) as sn(name) on true
      where ${conditions(orgId, f)}
      group by ji.kind, ji.identifier
      order by ji.kind, ji.identifier nulls first
      limit ${f.size} offset ${(f.page - 1) * f.size}`),
  );
  if (page.length === 0) return { rows: [], total: 0, page: f.page, size: f.size };
  const jobsByKey = await identityJobs(db, orgId, page);
  const rows = page.map((r): IdentityListItem => {
    const key = identityKey(r.kind, r.identifier);
    const names = typeof r.secret_names === "string" ? (JSON.parse(r.secret_names) as string[]) : r.secret_names;
    return { key, kind: r.kind, identifier: r.identifier, symbolic: r.symbolic, oidc: r.oidc, secretNames: [...names].sort(), jobCount: Number(r.job_count), jobs: jobsByKey.get(key) ?? [] };
  });
  return { rows, total: Number(page[0]!.total), page: f.page, size: f.size };
}

/** The kinds present in the org, for the kind filter. */
export async function listIdentityKinds(db: Db, orgId: string): Promise<string[]> {
  const rows = rowsOf<{ kind: string }>(await db.execute(sql`select distinct kind from job_identity where org_id = ${orgId} order by kind`));
  return rows.map((r) => r.kind);
}

async function identityJobs(db: Db, orgId: string, ids: { kind: string; identifier: string | null }[]): Promise<Map<string, JobRefDto[]>> {
  const keys = ids.map((i) => identityKey(i.kind, i.identifier));
  const rows = rowsOf<{ key: string; full_name: string; path: string; workflow_name: string | null; workflow_id: string; job_key: string; line: number }>(
    await db.execute(sql`select key, full_name, path, workflow_name, workflow_id, job_key, line from (
        select x.*, row_number() over (partition by key order by full_name, path, job_key) as n from (
          select distinct on (ji.kind, ji.identifier, j.id) ji.kind || '~' || coalesce(ji.identifier, '') as key,
            r.full_name, w.path, w.name as workflow_name, w.id as workflow_id, j.job_key, ji.line
          from job_identity ji
          join job j on j.id = ji.job_id and j.org_id = ${orgId}
          join workflow w on w.id = j.workflow_id and w.org_id = ${orgId}
          join repository r on r.id = j.repo_id and r.org_id = ${orgId} and r.removed_at is null
          where ji.org_id = ${orgId} and ji.kind || '~' || coalesce(ji.identifier, '') in ${keys}
          order by ji.kind, ji.identifier, j.id, ji.line
        ) x
      ) y where n <= ${JOBS_PER_ROW} order by key, n`),
  );
  const out = new Map<string, JobRefDto[]>();
  for (const r of rows) {
    out.set(r.key, [...(out.get(r.key) ?? []), toJobRef(r)]);
  }
  return out;
}
