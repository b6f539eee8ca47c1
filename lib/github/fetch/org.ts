import "server-only";
import type { GithubClient } from "../client";
import { conditionalGet, conditionalList, type EtagStore } from "../etag";
import { classifyError, GithubAuthError } from "../errors";
import type { OrgFacts, OrgPartError, OrgSecretFacts, OrgVariableFacts, RunnerGroupFacts, TeamFacts } from "../facts";
import { listOf, num, repositoryIds, str, toDefaultPermissions, toOidcTemplate, toRunner, toSecret, toVariable, visibilityOf, type Json } from "./rest-shapes";

// Organisation-level facts. Each part is fetched independently: a refused part (missing
// permission, 404) lands in `unavailable` with empty values; revoked credentials abort.
// Requests: profile, workflow permissions, OIDC template, secrets (+1 per `selected` secret),
// variables (+1 per `selected` variable), runner groups (+1 per `selected` group), runners,
// teams (+1 per team: its repositories), custom property values — all conditional (ETag).

const enc = encodeURIComponent;

export async function fetchOrgFacts(client: GithubClient, etags: EtagStore, org: string): Promise<OrgFacts> {
  const base = `/orgs/${enc(org)}`;
  const unavailable: OrgPartError[] = [];
  const part = async <T>(name: OrgPartError["part"], fallback: T, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof GithubAuthError) throw error;
      unavailable.push({ part: name, ...classifyError(error, `Organisation ${org}: ${name}`) });
      return fallback;
    }
  };
  const get = async (path: string) => (await conditionalGet(client, etags, path)).data;
  const list = (path: string, key: string | null) => conditionalList(client, etags, path, listOf(key));
  const selectedIds = (path: string) => conditionalList(client, etags, `${path}?per_page=100`, repositoryIds);

  const [profile, permissions, oidc, secrets, variables, runnerGroups, runners, teams, customProperties] = await Promise.all([
    part("profile", null, async () => (await get(base)) as Json),
    part("workflowPermissions", null, async () => toDefaultPermissions(await get(`${base}/actions/permissions/workflow`))),
    part("oidcSubTemplate", null, async () => toOidcTemplate(await get(`${base}/actions/oidc/customization/sub`))),
    part("secrets", [] as OrgSecretFacts[], async () =>
      Promise.all(
        (await list(`${base}/actions/secrets?per_page=100`, "secrets")).map(async (s): Promise<OrgSecretFacts> => {
          const visibility = visibilityOf(s.visibility);
          const ids = visibility === "selected" ? await selectedIds(`${base}/actions/secrets/${enc(str(s.name))}/repositories`) : null;
          return { ...toSecret(s), visibility, selectedRepositoryIds: ids };
        }),
      ),
    ),
    part("variables", [] as OrgVariableFacts[], async () =>
      Promise.all(
        (await list(`${base}/actions/variables?per_page=30`, "variables")).map(async (v): Promise<OrgVariableFacts> => {
          const visibility = visibilityOf(v.visibility);
          const ids = visibility === "selected" ? await selectedIds(`${base}/actions/variables/${enc(str(v.name))}/repositories`) : null;
          return { ...toVariable(v), visibility, selectedRepositoryIds: ids };
        }),
      ),
    ),
    part("runnerGroups", [] as RunnerGroupFacts[], async () =>
      Promise.all(
        (await list(`${base}/actions/runner-groups?per_page=100`, "runner_groups")).map(async (g): Promise<RunnerGroupFacts> => {
          const visibility = visibilityOf(g.visibility);
          const ids = visibility === "selected" ? await selectedIds(`${base}/actions/runner-groups/${num(g.id)}/repositories`) : null;
          return { id: num(g.id), name: str(g.name), visibility, allowsPublicRepositories: g.allows_public_repositories === true, selectedRepositoryIds: ids };
        }),
      ),
    ),
    part("runners", [], async () => (await list(`${base}/actions/runners?per_page=100`, "runners")).map((r) => toRunner(r, true))),
    part("teams", [] as TeamFacts[], async () =>
      Promise.all(
        (await list(`${base}/teams?per_page=100`, null)).map(async (t): Promise<TeamFacts> => {
          const repos = await list(`${base}/teams/${enc(str(t.slug))}/repos?per_page=100`, null);
          const repositories: Record<number, string> = {};
          for (const r of repos) repositories[num(r.id)] = highestPermission(r.permissions, str(r.role_name));
          return { slug: str(t.slug), name: str(t.name), repositories };
        }),
      ),
    ),
    part("customProperties", {} as OrgFacts["customProperties"], async () => {
      const rows = await list(`${base}/properties/values?per_page=100`, null);
      const byRepo: OrgFacts["customProperties"] = {};
      for (const row of rows) {
        const values: Record<string, string | string[] | null> = {};
        for (const p of listOf("properties")(row)) {
          const value = p.value;
          values[str(p.property_name)] = typeof value === "string" || value === null ? value : Array.isArray(value) ? value.map(String) : null;
        }
        byRepo[num(row.repository_id)] = values;
      }
      return byRepo;
    }),
  ]);

  return {
    login: profile ? str(profile.login) || org : org,
    ...(profile && typeof profile.id === "number" ? { githubId: profile.id } : {}),
    name: profile && typeof profile.name === "string" ? profile.name : null,
    defaultWorkflowPermissions: permissions?.permissions ?? null,
    canApprovePullRequestReviews: permissions?.canApprove ?? null,
    oidcSubTemplate: oidc,
    secrets,
    variables,
    runnerGroups,
    runners,
    teams,
    customProperties,
    unavailable,
  };
}

/** Team permission in REST's vocabulary (admin, maintain, push, triage, pull); `role_name` says write/read. */
function highestPermission(flags: unknown, roleName: string): string {
  const f = (typeof flags === "object" && flags !== null ? flags : {}) as Json;
  for (const level of ["admin", "maintain", "push", "triage", "pull"]) if (f[level] === true) return level;
  return roleName === "write" ? "push" : roleName === "read" ? "pull" : roleName || "pull";
}
