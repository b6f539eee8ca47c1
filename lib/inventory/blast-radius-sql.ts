import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { jobActions, jobIdentities, jobs, jobSecrets, jobSystems, repositories, secrets, workflows } from "@/lib/db/schema";
import { ownerOverrides } from "@/lib/db/schema/owners";
import { trustMatches, trusts } from "@/lib/db/schema/trust";
import type { BlastTarget } from "./blast-radius-schema";
import { splitUses } from "./workflow-summary";

// The blast radius as one statement: the target's job set is a CTE (never a list of ids
// shipped from Node), everything it reaches is aggregated over ALL of its jobs, and only
// the bounded lists come back, as one JSON document. org_id is in the where of every table.

export const BLAST_LIMITS = {
  jobs: 50,
  credentials: 50,
  systems: 50,
  owners: 25,
  /** Cloud trusts (roles, providers, federated credentials) the jobs can assume. */
  trusts: 25,
  /** Credentials listed per rotation owner; owners listed per credential; labels per system's `via`. */
  perItem: 10,
  /** The graph draws the first `graph` credentials and systems (and the listed jobs' workflows): edges join only those. */
  graph: 12,
  edges: 500,
} as const;

const PUBLISH_KINDS = ["container-registry", "npm", "pypi", "crates", "sigstore"];
const NOTIFY_KINDS = ["slack", "discord"];
/** Capability ranks, strongest last; the strongest a system is reached with is the one shown. */
export const CAPABILITIES = ["read", "notify", "write code", "publish", "deploy"] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const list = (values: string[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);

/** The distinct job ids the target covers, within the org; null when it cannot match anything. */
export function targetJobs(orgId: string, t: BlastTarget): SQL | null {
  switch (t.type) {
    case "workflow":
      return UUID.test(t.id) ? sql`select j.id from ${jobs} j where j.org_id = ${orgId} and j.workflow_id = ${t.id}::uuid` : null;
    case "job":
      return UUID.test(t.id) ? sql`select j.id from ${jobs} j where j.org_id = ${orgId} and j.id = ${t.id}::uuid` : null;
    case "secret":
      // Secret names are matched without regard to case (job_secret_org_upper_name_idx).
      return sql`select distinct js.job_id as id from ${jobSecrets} js where js.org_id = ${orgId} and upper(js.secret_name) = upper(${t.id})`;
    case "identity":
      return sql`select distinct ji.job_id as id from ${jobIdentities} ji where ji.org_id = ${orgId} and ji.identifier = ${t.id}`;
    case "action": {
      // owner/action matches every ref; owner/action@ref only that ref. Reusable-workflow calls count too.
      const { action, ref } = splitUses(t.id);
      const refCond = !t.id.includes("@") ? sql`` : ref === null ? sql` and ja.ref is null` : sql` and ja.ref = ${ref}`;
      return sql`select distinct ja.job_id as id from ${jobActions} ja where ja.org_id = ${orgId} and ja.action = ${action}${refCond}`;
    }
    case "trust": {
      // The jobs whose token the trust accepts (its last evaluation), the trust named by its id,
      // its external id (role ARN, provider resource name, credential id, vault:<role>) or the
      // resource people recognise; one name may be several trusts (one per source reading it).
      const byName = sql`(t.external_id = ${t.id} or t.details->>'resource' = ${t.id})`;
      return sql`select distinct m.job_id as id from ${trustMatches} m join ${trusts} t on t.id = m.trust_id and t.org_id = ${orgId}
        where m.org_id = ${orgId} and m.job_id is not null and ${UUID.test(t.id) ? sql`(t.id = ${t.id}::uuid or ${byName})` : byName}`;
    }
  }
}

const iso = (col: SQL) => sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The whole blast radius of a target as one JSON row (see BlastRadiusJson in blast-radius.ts),
 * or null when the target cannot match anything (a malformed id).
 */
export function blastRadiusQuery(orgId: string, target: BlastTarget): SQL | null {
  const t = targetJobs(orgId, target);
  if (!t) return null;
  const L = BLAST_LIMITS;
  const writesCode = sql`(tok.scope = 'contents' or tok.scope like 'all scopes%')`;
  return sql`
with t as (${t}),
-- The target's jobs: only the columns the rules below need.
tj0 as materialized (
  select j.id, j.workflow_id, j.job_key, j.phase, j.environment, j.permissions, j.id_token, j.runs_untrusted_code
  from t join ${jobs} j on j.id = t.id and j.org_id = ${orgId}
),
-- Their workflows, once each, with the effective owners (a manual override wins, as in
-- owner-exprs.ts; joined here rather than looked up per row).
wo as (
  select w.id as wf_id, w.path, w.system, r.full_name as repo, r.effective_default_permissions as dflt,
    coalesce(ow.owner, w.owner) as wf_owner, coalesce(orr.owner, r.owner) as repo_owner,
    -- The workflow's summary is written with its jobs' references (workflow-summary.ts): a job
    -- whose workflow has none of a kind has none either, and is not looked up for them.
    cardinality(w.secret_names) > 0 as has_secrets, w.identities <> '[]'::jsonb as has_identities,
    w.systems <> '[]'::jsonb as has_systems, w.token in ('write-all', 'write', 'default') as may_write
  from (select distinct tj0.workflow_id from tj0) x
  join ${workflows} w on w.id = x.workflow_id and w.org_id = ${orgId}
  join ${repositories} r on r.id = w.repo_id and r.org_id = ${orgId}
  left join ${ownerOverrides} ow on ow.org_id = ${orgId} and ow.target_type = 'workflow' and ow.target_key = r.github_id::text || ':' || w.path
  left join ${ownerOverrides} orr on orr.org_id = ${orgId} and orr.target_type = 'repository' and orr.target_key = r.github_id::text
),
tj as materialized (select tj0.*, wo.* from tj0 join wo on wo.wf_id = tj0.workflow_id),
-- GITHUB_TOKEN write scopes per job (id-token is not a write on the repository).
tok as materialized (
  select tj.id as job_id, tj.repo, s.scope from tj cross join lateral (
    select 'all scopes' as scope where tj.permissions = '"write-all"'::jsonb
    union all
    select 'all scopes (repository default is write)' where (tj.permissions is null or tj.permissions = 'null'::jsonb) and tj.dflt = 'write'
    union all
    select e.key from jsonb_each_text(tj.permissions) e where jsonb_typeof(tj.permissions) = 'object' and e.value = 'write' and e.key <> 'id-token'
  ) s
  where tj.may_write
),
-- Every (job, credential) use. Org secrets are one credential; repository and environment
-- secrets one per repository; a GITHUB_TOKEN that can write one per repository.
cu as materialized (
  -- The environment secret a job gets is its own environment's (resolve.ts): the key needs no secret row.
  -- A Buildkite or Tekton secret is its system's, never the GitHub secret of the same name.
  select js.job_id, 'secret:' || case when js.resolution = 'external' then 'external:' || tj.system || ':' else '' end
      || case when js.resolution = 'org' then 'org' else tj.repo end || ':'
      || case when js.resolution = 'environment' then coalesce(tj.environment, '') else '' end || ':' || js.secret_name as key,
    'secret' as kind, js.secret_name as label,
    case when js.resolution = 'missing' then 'referenced but not defined'
      when js.resolution = 'all' then 'every secret the job can read (toJSON(secrets))'
      when js.resolution = 'external' then case when tj.system = 'tekton' then 'Kubernetes secret of the Tekton pipelines of ' else 'held by Buildkite or a plugin, for the pipelines of ' end || tj.repo
      else js.resolution || ' secret' || case when js.resolution = 'org' then '' else ' of ' || tj.repo end
        || case when js.resolution = 'environment' then coalesce(' (environment ' || tj.environment || ')', '') else '' end end as detail,
    -- Details of weak uses give way to others of the same credential.
    js.resolution = 'missing' as weak,
    -- An org secret is rotated by the owners of the workflows that use it (organisation admins when none is known).
    case when js.resolution = 'org' then coalesce(tj.wf_owner, 'organisation admins') else coalesce(tj.repo_owner, tj.wf_owner, 'unowned') end as owner,
    js.secret_id
  from ${jobSecrets} js
  join tj on tj.id = js.job_id and tj.has_secrets
  where js.org_id = ${orgId} and js.resolution <> 'github-token'
  union all
  select ji.job_id, 'identity:' || ji.kind || ':' || coalesce(ji.identifier, tj.repo), 'identity', ji.kind || coalesce(' ' || ji.identifier, ''),
    case when ji.oidc then 'OIDC: short-lived, revoke by tightening the trust policy' else 'static credential' end,
    ji.oidc, coalesce(tj.wf_owner, tj.repo_owner, 'unowned'), null::uuid
  from ${jobIdentities} ji
  join tj on tj.id = ji.job_id and tj.has_identities
  where ji.org_id = ${orgId}
    -- An identity named after a secret the job reads (npm-token NPM_TOKEN) is that secret: listed once.
    and not exists (select 1 from ${jobSecrets} js2 where js2.org_id = ${orgId} and js2.job_id = ji.job_id and upper(js2.secret_name) = upper(ji.identifier))
  union all
  select distinct tok.job_id, 'token:' || tok.repo, 'github-token', 'GITHUB_TOKEN of ' || tok.repo, null, false, null, null::uuid from tok
),
-- Sorted once by key; a job may use a secret twice, hence count(distinct).
creds as materialized (
  select cu.key, min(cu.kind) as kind, min(cu.label) as label, coalesce(min(cu.detail) filter (where not cu.weak), min(cu.detail)) as detail,
    max(cu.secret_id::text)::uuid as secret_id, count(distinct cu.job_id) as jobs
  from cu group by cu.key
),
-- Rotation owners per credential (a GITHUB_TOKEN has none: it expires with the run).
co as materialized (select cu.key, cu.owner from cu where cu.owner is not null group by cu.key, cu.owner),
token_detail as (select 'token:' || tok.repo as key, 'write: ' || string_agg(distinct tok.scope, ', ') as detail from tok group by tok.repo),
top_creds as (
  select c.key, c.kind, c.label, coalesce(td.detail, c.detail) as detail, s.updated_at, c.jobs
  from (select * from creds order by creds.jobs desc, creds.kind, creds.label, creds.key limit ${L.credentials}) c
  left join token_detail td on td.key = c.key
  left join ${secrets} s on s.id = c.secret_id and s.org_id = ${orgId}
),
cred_owners as (
  select o.key, json_agg(o.owner order by o.owner) filter (where o.n <= ${L.perItem}) as owners, count(*) as total
  from (select co.key, co.owner, row_number() over (partition by co.key order by co.owner) as n from co where co.key in (select key from top_creds)) o
  group by o.key
),
-- Every (job, system) reach with its capability rank (see CAPABILITIES).
su as materialized (
  select sy.job_id, 'system:' || sy.kind || ':' || coalesce(sy.identifier, '') as key, sy.kind, sy.identifier as id,
    case when sy.kind in (${list(PUBLISH_KINDS)}) then 3 when sy.kind in (${list(NOTIFY_KINDS)}) then 1 when tj.phase = 'deploy' then 4 else 0 end as rank,
    false as by_token
  from ${jobSystems} sy join tj on tj.id = sy.job_id and tj.has_systems
  where sy.org_id = ${orgId}
  union all
  -- A GITHUB_TOKEN with contents write (or all scopes) writes code to its repository.
  select distinct tok.job_id, 'system:github:' || tok.repo, 'github', tok.repo, 2, true from tok where ${writesCode}
),
systems as materialized (
  select su.key, min(su.kind) as kind, min(su.id) as id, max(su.rank) as rank, count(distinct su.job_id) as jobs from su group by su.key
),
top_systems as (select * from systems order by rank desc, jobs desc, key limit ${L.systems}),
-- The credentials that open each listed system: those held by the jobs that reach it.
sys_via as materialized (
  select distinct su.key as sys, cu.key as cred, cu.label
  from su join cu on cu.job_id = su.job_id
  where su.key in (select key from top_systems) and not su.by_token and cu.kind <> 'github-token'
  union
  select 'system:github:' || tok.repo, 'token:' || tok.repo, 'GITHUB_TOKEN of ' || tok.repo
  from tok where ${writesCode} and 'system:github:' || tok.repo in (select key from top_systems)
),
via_lists as (
  select v.sys, json_agg(v.label order by v.label) filter (where v.n <= ${L.perItem}) as labels, count(*) as total
  from (select d.sys, d.label, row_number() over (partition by d.sys order by d.label) as n from (select distinct sys, label from sys_via) d) v
  group by v.sys
),
shown_jobs as (select * from tj order by repo, path, job_key, id limit ${L.jobs}),
shown_tok as (select tok.job_id, json_agg(tok.scope order by tok.scope) as scopes from tok where tok.job_id in (select id from shown_jobs) group by tok.job_id),
rot as materialized (
  select co.owner, c.label, max(c.jobs) as jobs from co join creds c on c.key = co.key group by co.owner, c.label
),
owners as (select rot.owner, count(*) as n from rot group by rot.owner),
top_owners as (select * from owners order by n desc, owner limit ${L.owners}),
rot_lists as (
  select r.owner, json_agg(r.label order by r.label) as labels
  from (select rot.owner, rot.label, row_number() over (partition by rot.owner order by rot.jobs desc, rot.label) as n
    from rot where rot.owner in (select owner from top_owners)) r
  where r.n <= ${L.perItem} group by r.owner
),
-- The cloud trusts the jobs can present a token to (trust_match, from the last evaluation), per
-- (trust, job): a job matches yes if any of its (reusable-workflow) jobs does; it uses the trust
-- if any names it, does not (over-broad) if all are known not to, else cannot tell (null).
tm as materialized (
  select m.trust_id, m.job_id, bool_or(m.decision = 'yes') as yes,
    case when bool_or(m.uses) then true when bool_and(coalesce(m.uses = false, false)) then false end as uses
  from ${trustMatches} m join tj on tj.id = m.job_id
  where m.org_id = ${orgId}
  group by m.trust_id, m.job_id
),
trs as materialized (
  select tm.trust_id, count(*) as jobs, bool_or(tm.yes) as yes, count(*) filter (where tm.uses) as using_jobs,
    count(*) filter (where tm.uses = false) as over_broad
  from tm group by tm.trust_id
),
top_trusts as (
  select x.*, tr.provider, tr.name, tr.external_id, tr.details
  from trs x join ${trusts} tr on tr.id = x.trust_id and tr.org_id = ${orgId}
  order by x.yes desc, x.using_jobs desc, x.jobs desc, tr.name, tr.id limit ${L.trusts}
),
-- Workflow → trust edges, labelled by the best of the workflow's jobs: can assume (uses it) /
-- can assume (over-broad) / may assume (possibly).
trust_edges as (
  select 'workflow:' || tj.workflow_id as "from", 'trust:' || tm.trust_id as "to",
    case when not bool_or(tm.yes) then 'may assume (possibly)'
      when bool_or(tm.uses) filter (where tm.yes) then 'can assume (uses it)'
      when bool_and(coalesce(tm.uses = false, false)) filter (where tm.yes) then 'can assume (does not use it: over-broad)'
      else 'can assume' end as label
  from tm join tj on tj.id = tm.job_id
  where tj.workflow_id in (select workflow_id from shown_jobs) and tm.trust_id in (select trust_id from top_trusts order by yes desc, using_jobs desc, jobs desc, name, trust_id limit ${L.graph})
  group by tj.workflow_id, tm.trust_id
),
-- The graph's edges, between the nodes it draws only: workflows of the listed jobs → the first
-- credentials → the first systems (owners come with the credentials).
graph_creds as (select key from top_creds order by jobs desc, kind, label, key limit ${L.graph}),
graph_systems as (select key from top_systems order by rank desc, jobs desc, key limit ${L.graph}),
edges as (
  select distinct 'workflow:' || tj.workflow_id as "from", cu.key as "to"
  from cu join tj on tj.id = cu.job_id
  where tj.workflow_id in (select workflow_id from shown_jobs) and cu.key in (select key from graph_creds)
  union
  select sv.cred, sv.sys from sys_via sv where sv.cred in (select key from graph_creds) and sv.sys in (select key from graph_systems)
)
select json_build_object(
  'jobsTotal', (select count(*) from tj),
  'jobs', (select coalesce(json_agg(json_build_object(
      'id', sj.id, 'repository', sj.repo, 'workflowId', sj.workflow_id, 'workflowPath', sj.path, 'job', sj.job_key, 'phase', sj.phase,
      'environment', sj.environment, 'idToken', sj.id_token, 'runsUntrustedCode', sj.runs_untrusted_code, 'tokenWrites', coalesce(st.scopes, '[]')
    ) order by sj.repo, sj.path, sj.job_key, sj.id), '[]') from shown_jobs sj left join shown_tok st on st.job_id = sj.id),
  'credentialsTotal', (select count(*) from creds),
  'credentials', (select coalesce(json_agg(json_build_object(
      'key', c.key, 'kind', c.kind, 'label', c.label, 'detail', c.detail, 'jobs', c.jobs, 'updatedAt', ${iso(sql`c.updated_at`)},
      'owners', coalesce(o.owners, '[]'), 'ownersTotal', coalesce(o.total, 0)
    ) order by c.jobs desc, c.kind, c.label, c.key), '[]') from top_creds c left join cred_owners o on o.key = c.key),
  'systemsTotal', (select count(*) from systems),
  'systems', (select coalesce(json_agg(json_build_object(
      'key', s.key, 'kind', s.kind, 'id', s.id, 'rank', s.rank, 'jobs', s.jobs, 'via', coalesce(v.labels, '[]'), 'viaTotal', coalesce(v.total, 0)
    ) order by s.rank desc, s.jobs desc, s.key), '[]') from top_systems s left join via_lists v on v.sys = s.key),
  'rotationTotal', (select count(*) from owners),
  'rotation', (select coalesce(json_agg(json_build_object(
      'owner', o.owner, 'credentialsTotal', o.n, 'credentials', coalesce(rl.labels, '[]')
    ) order by o.n desc, o.owner), '[]') from top_owners o left join rot_lists rl on rl.owner = o.owner),
  'trustsTotal', (select count(*) from trs),
  'trusts', (select coalesce(json_agg(json_build_object(
      'id', tt.trust_id, 'provider', tt.provider, 'name', tt.name, 'resource', coalesce(tt.details->>'resource', tt.external_id),
      -- The account a trust's own id names when its source did not say (an AWS ARN's, a GCP project number).
      'account', coalesce(tt.details->>'account', substring(tt.external_id from '^arn:aws[a-z-]*:iam::([0-9]{12}):'), substring(tt.external_id from '^projects/([^/]+)/')), 'decision', case when tt.yes then 'yes' else 'possibly' end,
      'jobs', tt.jobs, 'usingJobs', tt.using_jobs, 'overBroadJobs', tt.over_broad,
      'permissions', coalesce(tt.details->'permissions', '[]'::jsonb), 'permissionsNote', tt.details->>'permissionsNote'
    ) order by tt.yes desc, tt.using_jobs desc, tt.jobs desc, tt.name, tt.trust_id), '[]') from top_trusts tt),
  'edges', (select coalesce(json_agg(json_build_object('from', e."from", 'to', e."to")), '[]') from (select * from edges order by "from", "to" limit ${L.edges}) e),
  'trustEdges', (select coalesce(json_agg(json_build_object('from', e."from", 'to', e."to", 'label', e.label)), '[]') from (select * from trust_edges order by "from", "to" limit ${L.edges}) e)
) as result`;
}
