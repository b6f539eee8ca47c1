import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { rowsOf } from "@/lib/db/migrate";
import { jobIdentities, jobs, jobSecrets, jobSystems, ownerOverrides, repositories, secrets, workflows } from "@/lib/db/schema";
import type { IncidentKind, ScopeKind } from "@/lib/db/schema/incidents";
import { targetJobs } from "@/lib/inventory/blast-radius-sql";
import { AppError } from "@/lib/http/errors";

/** One thing in scope, as copied into incident_scope (see the schema's comment on why it is a copy). */
export interface ScopeEntry {
  kind: ScopeKind;
  key: string;
  label: string;
  data: Record<string, unknown>;
  exposure: "exposed" | "reachable";
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The job ids an incident's target covers, as SQL (a CTE body), within the org. The blast
 * radius's own target rules for actions, workflows, jobs, secrets and identities; a runner is
 * a self-hosted label the job runs on; a repository is every job in it.
 */
export function incidentJobs(orgId: string, kind: IncidentKind, target: string): SQL | null {
  switch (kind) {
    case "runner":
      return sql`select j.id from ${jobs} j where j.org_id = ${orgId} and j.self_hosted and j.runs_on @> ${JSON.stringify([target])}::jsonb`;
    case "repository":
      return sql`select j.id from ${jobs} j join ${repositories} r on r.id = j.repo_id and r.org_id = ${orgId}
        where j.org_id = ${orgId} and lower(r.full_name) = lower(${target})`;
    default:
      return targetJobs(orgId, { type: kind, id: target });
  }
}

/**
 * What a target names, resolved for display and checked to exist: a workflow may be given by
 * id or as owner/repo/.github/workflows/file.yml. Throws a user-facing error when nothing in
 * the inventory matches (a typo must not start an empty incident).
 */
export async function resolveTarget(db: Db, orgId: string, kind: IncidentKind, raw: string): Promise<{ target: string; label: string }> {
  const target = raw.trim();
  if (kind === "workflow" && !UUID.test(target)) {
    const m = /^([^/\s]+\/[^/\s]+)\/(\.github\/workflows\/.+)$/.exec(target);
    if (!m) throw new AppError("invalid_input", "Give the workflow as its id or as owner/repo/.github/workflows/file.yml.", { target: "not a workflow" });
    const [row] = rowsOf<{ id: string }>(
      await db.execute(sql`select w.id from ${workflows} w join ${repositories} r on r.id = w.repo_id and r.org_id = ${orgId}
        where w.org_id = ${orgId} and lower(r.full_name) = lower(${m[1]}) and w.path = ${m[2]} limit 1`),
    );
    if (!row) throw new AppError("not_found", `No workflow ${target} in the inventory. Check the path, or sync first if it is new.`);
    return { target: row.id, label: target };
  }
  if ((kind === "workflow" || kind === "job") && !UUID.test(target)) {
    throw new AppError("invalid_input", `Give the ${kind} as its id (open it in the inventory and start the incident from its page).`, { target: `not a ${kind} id` });
  }
  const jobSet = incidentJobs(orgId, kind, target);
  const [hit] = jobSet ? rowsOf<{ n: number; label: string | null }>(await db.execute(sql`with t as (${jobSet}) select count(*)::int as n, (
      select case when ${kind} = 'workflow' then r.full_name || '/' || w.path else r.full_name || '/' || w.path || ' → ' || j.job_key end
      from t join ${jobs} j on j.id = t.id and j.org_id = ${orgId} join ${workflows} w on w.id = j.workflow_id join ${repositories} r on r.id = j.repo_id
      limit 1) as label from t`)) : [];
  if (!hit || hit.n === 0) {
    throw new AppError("not_found", `Nothing in the inventory matches the ${kind} "${target}": no job uses or holds it. Check the spelling, or sync first if it is new.`);
  }
  return { target, label: kind === "workflow" || kind === "job" ? (hit.label ?? target) : target };
}

interface WorkflowRow {
  id: string;
  path: string;
  name: string | null;
  github_workflow_id: number | null;
  system: string;
  state: string | null;
  content_hash: string | null;
  repo: string;
  repo_id: string;
  repo_github_id: number;
  visibility: string;
  owner: string | null;
  repo_owner: string | null;
  jobs: string[];
  phases: string[];
}

/**
 * The scope of a target, from the inventory as it is now: every repository, workflow, job,
 * secret, identity, system, deploy key (repository incidents) and owner its jobs reach.
 * Unbounded, unlike the blast radius page: the checklist needs every item. All `reachable`;
 * exposure.ts marks what runs inside the window could read.
 */
export async function collectScope(db: Db, orgId: string, kind: IncidentKind, target: string): Promise<ScopeEntry[]> {
  const jobSet = incidentJobs(orgId, kind, target);
  if (!jobSet) return [];
  const wfRows = rowsOf<WorkflowRow>(
    await db.execute(sql`with t as (${jobSet})
      select w.id, w.path, w.name, w.github_workflow_id, w.system, w.state, w.content_hash, r.full_name as repo, r.id as repo_id, r.github_id as repo_github_id, r.visibility,
        coalesce(ow.owner, w.owner) as owner, coalesce(orr.owner, r.owner) as repo_owner,
        array_agg(distinct j.job_key order by j.job_key) as jobs, array_agg(distinct j.phase) as phases
      from t join ${jobs} j on j.id = t.id and j.org_id = ${orgId}
      join ${workflows} w on w.id = j.workflow_id and w.org_id = ${orgId}
      join ${repositories} r on r.id = w.repo_id and r.org_id = ${orgId}
      left join ${ownerOverrides} ow on ow.org_id = ${orgId} and ow.target_type = 'workflow' and ow.target_key = r.github_id::text || ':' || w.path
      left join ${ownerOverrides} orr on orr.org_id = ${orgId} and orr.target_type = 'repository' and orr.target_key = r.github_id::text
      group by w.id, r.id, ow.owner, orr.owner
      order by r.full_name, w.path`),
  );
  const out: ScopeEntry[] = [];
  const add = (e: Omit<ScopeEntry, "exposure">) => out.push({ ...e, exposure: "reachable" });

  const repos = new Map<string, WorkflowRow>();
  for (const w of wfRows) {
    if (!repos.has(w.repo_id)) repos.set(w.repo_id, w);
    add({
      kind: "workflow",
      key: w.id,
      label: `${w.repo}/${w.path}`,
      data: { system: w.system, repo: w.repo, repoGithubId: Number(w.repo_github_id), path: w.path, name: w.name, githubWorkflowId: w.github_workflow_id === null ? null : Number(w.github_workflow_id), state: w.state, contentHash: w.content_hash, owner: w.owner ?? w.repo_owner, jobs: w.jobs, phases: w.phases, visibility: w.visibility },
    });
  }
  for (const r of repos.values()) {
    add({ kind: "repository", key: r.repo_id, label: r.repo, data: { repo: r.repo, githubId: Number(r.repo_github_id), visibility: r.visibility, owner: r.repo_owner } });
  }

  const secretRows = rowsOf<{ key: string; name: string; resolution: string; repo: string; environment: string | null; secret_id: string | null; scope: string | null; updated_at: string | null; visibility: string | null; selected_repo_ids: number[] | null; workflow_ids: string[]; owner: string | null; repo_github_id: number; system: string | null }>(
    await db.execute(sql`with t as (${jobSet})
      select case when js.resolution = 'external' then 'external:' || w.system || ':' else '' end
          || case when js.resolution = 'org' then 'org' else r.full_name end || ':'
          || case when js.resolution = 'environment' then coalesce(j.environment, '') else '' end || ':' || js.secret_name as key,
        min(w.system) as system, min(js.secret_name) as name, min(js.resolution) as resolution, min(r.full_name) as repo, min(case when js.resolution = 'environment' then j.environment end) as environment,
        max(s.id::text) as secret_id, max(s.scope) as scope, max(s.updated_at) as updated_at, max(s.visibility) as visibility, (array_agg(s.selected_repo_ids))[1] as selected_repo_ids,
        array_agg(distinct j.workflow_id::text) as workflow_ids, min(coalesce(orr.owner, r.owner, w.owner)) as owner, min(r.github_id) as repo_github_id
      from t join ${jobSecrets} js on js.job_id = t.id and js.org_id = ${orgId}
      join ${jobs} j on j.id = js.job_id and j.org_id = ${orgId}
      join ${workflows} w on w.id = j.workflow_id and w.org_id = ${orgId}
      join ${repositories} r on r.id = j.repo_id and r.org_id = ${orgId}
      left join ${secrets} s on s.id = js.secret_id and s.org_id = ${orgId}
      left join ${ownerOverrides} orr on orr.org_id = ${orgId} and orr.target_type = 'repository' and orr.target_key = r.github_id::text
      where js.resolution in ('org', 'repo', 'environment', 'all', 'external')
      group by 1 order by 1`),
  );
  for (const s of secretRows) {
    const every = s.resolution === "all";
    const where =
      s.resolution === "org"
        ? "organisation secret"
        : s.resolution === "environment"
          ? `environment ${s.environment ?? "?"} of ${s.repo}`
          : s.resolution === "external"
            ? `held by the ${s.system ?? "CI"} pipelines of ${s.repo}`
            : `repository ${s.repo}`;
    add({
      kind: "secret",
      key: every ? `all:${s.repo}` : s.key,
      label: every ? `every secret ${s.repo} can read (toJSON(secrets))` : s.name,
      data: {
        name: s.name,
        scope: every ? "all" : s.resolution,
        ...(s.resolution === "external" ? { system: s.system } : {}),
        where: every ? `all secrets of ${s.repo}` : where,
        repo: s.resolution === "org" ? null : s.repo,
        repoGithubId: s.resolution === "org" ? null : Number(s.repo_github_id),
        environment: s.environment,
        secretId: s.secret_id,
        updatedAt: s.updated_at ? new Date(s.updated_at).toISOString() : null,
        visibility: s.visibility,
        selectedRepoIds: s.selected_repo_ids,
        workflowIds: s.workflow_ids,
        owner: s.resolution === "org" ? null : s.owner,
      },
    });
  }

  const idRows = rowsOf<{ kind: string; identifier: string | null; oidc: boolean; secret_names: string[] | null; workflow_ids: string[]; repos: string[] }>(
    await db.execute(sql`with t as (${jobSet})
      select ji.kind, ji.identifier, bool_or(ji.oidc) as oidc, (array_agg(ji.secret_names))[1] as secret_names,
        array_agg(distinct j.workflow_id::text) as workflow_ids, array_agg(distinct r.full_name) as repos
      from t join ${jobIdentities} ji on ji.job_id = t.id and ji.org_id = ${orgId}
      join ${jobs} j on j.id = ji.job_id and j.org_id = ${orgId}
      join ${repositories} r on r.id = j.repo_id and r.org_id = ${orgId}
      group by ji.kind, ji.identifier order by ji.kind, ji.identifier`),
  );
  for (const i of idRows) {
    add({
      kind: "identity",
      key: `${i.kind}:${i.identifier ?? ""}`,
      label: `${i.kind}${i.identifier ? ` ${i.identifier}` : ""}`,
      data: { kind: i.kind, identifier: i.identifier, oidc: i.oidc, secretNames: i.secret_names ?? [], workflowIds: i.workflow_ids, repos: i.repos },
    });
  }

  const sysRows = rowsOf<{ kind: string; identifier: string | null; workflow_ids: string[] }>(
    await db.execute(sql`with t as (${jobSet})
      select js.kind, js.identifier, array_agg(distinct j.workflow_id::text) as workflow_ids
      from t join ${jobSystems} js on js.job_id = t.id and js.org_id = ${orgId}
      join ${jobs} j on j.id = js.job_id and j.org_id = ${orgId}
      group by js.kind, js.identifier order by js.kind, js.identifier`),
  );
  for (const s of sysRows) {
    add({ kind: "system", key: `${s.kind}:${s.identifier ?? ""}`, label: `${s.kind}${s.identifier ? ` ${s.identifier}` : ""}`, data: { kind: s.kind, identifier: s.identifier, workflowIds: s.workflow_ids } });
  }

  if (kind === "repository") {
    const keys = rowsOf<{ repo: string; github_id: number; deploy_keys: { id: number; title: string; readOnly: boolean; createdAt: string }[] }>(
      await db.execute(sql`select r.full_name as repo, r.github_id, r.deploy_keys from ${repositories} r where r.org_id = ${orgId} and lower(r.full_name) = lower(${target})`),
    );
    for (const r of keys) {
      for (const k of r.deploy_keys) {
        add({ kind: "deploy-key", key: `${r.repo}:${k.id}`, label: `${k.title} (${r.repo})`, data: { repo: r.repo, repoGithubId: Number(r.github_id), keyId: k.id, title: k.title, readOnly: k.readOnly, createdAt: k.createdAt } });
      }
    }
  }

  const owners = new Set<string>();
  for (const e of out) {
    const o = e.data.owner;
    if (typeof o === "string" && o) owners.add(o);
  }
  for (const o of [...owners].sort()) add({ kind: "owner", key: o, label: o, data: {} });
  return out;
}
