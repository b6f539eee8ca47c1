import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { jobIdentities, jobs, jobSecrets, jobSystems, repositories, secrets, workflows } from "@/lib/db/schema";
import { rowsOf } from "@/lib/db/migrate";

export interface InventoryCounts {
  repositories: number;
  workflows: number;
  jobs: number;
  secrets: number;
  identities: number;
  systems: number;
}

export interface RiskyCredential {
  kind: "secret" | "identity";
  name: string;
  jobs: number;
  repositories: number;
  /** deploy / publish / read: the most a job holding it can do. */
  reach: "deploy" | "publish" | "read";
  exposure: string[];
  score: number;
}

export async function inventoryCounts(db: Db, orgId: string): Promise<InventoryCounts> {
  const count = async (q: Promise<{ n: number }[]>) => Number((await q)[0]?.n ?? 0);
  const n = sql<number>`count(*)::int`;
  const [repos, wfs, jbs, scs, ids, sys] = await Promise.all([
    count(db.select({ n }).from(repositories).where(and(eq(repositories.orgId, orgId), isNull(repositories.removedAt)))),
    count(db.select({ n }).from(workflows).where(eq(workflows.orgId, orgId))),
    count(db.select({ n }).from(jobs).where(eq(jobs.orgId, orgId))),
    count(db.select({ n }).from(secrets).where(eq(secrets.orgId, orgId))),
    count(db.select({ n: sql<number>`count(distinct (${jobIdentities.kind}, coalesce(${jobIdentities.identifier}, '')))::int` }).from(jobIdentities).where(eq(jobIdentities.orgId, orgId))),
    count(db.select({ n: sql<number>`count(distinct (${jobSystems.kind}, coalesce(${jobSystems.identifier}, '')))::int` }).from(jobSystems).where(eq(jobSystems.orgId, orgId))),
  ]);
  return { repositories: repos, workflows: wfs, jobs: jbs, secrets: scs, identities: ids, systems: sys };
}

interface Agg {
  name: string;
  jobs: number;
  repos: number;
  deploy: boolean;
  publish: boolean;
  untrusted: boolean;
  unprotected: boolean;
  unpinned: boolean;
  stale: boolean;
  static_key: boolean;
}

/**
 * Credentials ranked by blast radius (what the jobs holding them can deploy or publish)
 * times exposure (untrusted triggers, no protected environment, unpinned actions, age).
 */
export async function riskiestCredentials(db: Db, orgId: string, limit = 10): Promise<RiskyCredential[]> {
  const jobFacts = sql`
    j.phase = 'deploy' as deploy,
    (j.phase = 'publish' or exists (select 1 from ${jobSystems} sy where sy.job_id = j.id and sy.kind in ('container-registry','npm','pypi','crates'))) as publish,
    jsonb_array_length(w.untrusted_triggers) > 0 as untrusted,
    (j.environment is null or not coalesce((select e.is_protected from environment e where e.repo_id = j.repo_id and e.name = j.environment), false)) as unprotected,
    exists (select 1 from jsonb_array_elements(j.uses) u where (u->>'pinned')::boolean = false and u->>'uses' not like './%') as unpinned`;
  const secretRows = rowsOf<Agg>(
    await db.execute(sql`
      select t.name, count(distinct t.job_id)::int as jobs, count(distinct t.repo_id)::int as repos,
        bool_or(t.deploy) as deploy, bool_or(t.publish) as publish, bool_or(t.untrusted) as untrusted,
        bool_or(t.unprotected) as unprotected, bool_or(t.unpinned) as unpinned, bool_or(t.stale) as stale, false as static_key
      from (
        select upper(js.secret_name) as name, j.id as job_id, j.repo_id, ${jobFacts},
          coalesce(s.updated_at < now() - interval '365 days', false) as stale
        from ${jobSecrets} js join ${jobs} j on j.id = js.job_id join ${workflows} w on w.id = j.workflow_id
        left join ${secrets} s on s.id = js.secret_id
        where js.org_id = ${orgId} and js.resolution not in ('github-token', 'missing')
      ) t group by t.name`),
  );
  const identityRows = rowsOf<Agg>(
    await db.execute(sql`
      select t.name, count(distinct t.job_id)::int as jobs, count(distinct t.repo_id)::int as repos,
        bool_or(t.deploy) as deploy, bool_or(t.publish) as publish, bool_or(t.untrusted) as untrusted,
        bool_or(t.unprotected) as unprotected, bool_or(t.unpinned) as unpinned, false as stale, bool_or(t.static_key) as static_key
      from (
        select ji.kind || coalesce(' ' || ji.identifier, '') as name, j.id as job_id, j.repo_id, ${jobFacts}, not ji.oidc as static_key
        from ${jobIdentities} ji join ${jobs} j on j.id = ji.job_id join ${workflows} w on w.id = j.workflow_id
        where ji.org_id = ${orgId} and ji.identifier is not null and not ji.symbolic
          -- an identity named after a secret the job reads is that secret: ranked once, as the secret
          and not exists (select 1 from ${jobSecrets} js2 where js2.job_id = j.id and upper(js2.secret_name) = upper(ji.identifier))
      ) t group by t.name`),
  );
  const score = (kind: RiskyCredential["kind"], a: Agg): RiskyCredential => {
    const reach = a.deploy ? "deploy" : a.publish ? "publish" : "read";
    const exposure = [
      a.untrusted ? "reachable from untrusted triggers" : null,
      a.unprotected ? "used outside a protected environment" : null,
      a.unpinned ? "next to unpinned actions" : null,
      a.stale ? "not rotated for over a year" : null,
      a.static_key ? "static (no OIDC)" : null,
    ].filter((x): x is string => x !== null);
    const blast = (reach === "read" ? 1 : 3) * (1 + Math.log2(1 + Number(a.repos)));
    const expo = 1 + (a.untrusted ? 3 : 0) + (a.unprotected ? 1 : 0) + (a.unpinned ? 1 : 0) + (a.stale ? 1 : 0) + (a.static_key ? 1 : 0);
    return { kind, name: a.name, jobs: Number(a.jobs), repositories: Number(a.repos), reach, exposure, score: Math.round(blast * expo * 10) / 10 };
  };
  return [...secretRows.map((r) => score("secret", r)), ...identityRows.map((r) => score("identity", r))]
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, limit);
}
