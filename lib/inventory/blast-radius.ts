import "server-only";
import { and, eq, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { jobIdentities, jobSecrets, jobs, jobSystems, repositories, secrets, workflows } from "@/lib/db/schema";
import type { Permissions, Phase } from "@/lib/analysis/types";
import type { BlastTarget } from "./blast-radius-schema";
import { repoOwnerExpr, workflowOwnerExpr } from "./owner-exprs";

const MAX_JOBS = 2000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface BlastJob {
  id: string;
  repository: string;
  workflowId: string;
  workflowPath: string;
  job: string;
  phase: Phase;
  environment: string | null;
  tokenWrites: string[];
  idToken: boolean;
  runsUntrustedCode: boolean;
}

export interface BlastCredential {
  key: string;
  kind: "secret" | "identity" | "github-token";
  label: string;
  detail: string;
  /** Who rotates or revokes it. */
  owner: string;
  updatedAt: string | null;
  jobs: number;
}

export interface BlastSystem {
  key: string;
  kind: string;
  id: string | null;
  /** What holding the credentials allows there. */
  capability: "deploy" | "publish" | "read" | "notify" | "write code";
  via: string[];
}

export interface BlastRadius {
  target: BlastTarget;
  jobs: BlastJob[];
  truncated: boolean;
  credentials: BlastCredential[];
  systems: BlastSystem[];
  rotation: { owner: string; credentials: string[] }[];
  edges: { from: string; to: string }[];
}

const PUBLISH_KINDS = new Set(["container-registry", "npm", "pypi", "crates", "sigstore"]);
const NOTIFY_KINDS = new Set(["slack", "discord"]);

function tokenWrites(p: Permissions, effectiveDefault: string | null): string[] {
  if (p === "write-all") return ["all scopes"];
  if (p === null) return effectiveDefault === "write" ? ["all scopes (repository default is write)"] : [];
  if (typeof p === "string") return [];
  // id-token is not a write on the repository: it is shown as "can mint OIDC tokens".
  return Object.entries(p).filter(([k, v]) => v === "write" && k !== "id-token").map(([k]) => k);
}

/** `column = any($1)`: one array parameter for up to MAX_JOBS ids, not a bind parameter each. */
function anyOf(column: AnyColumn, ids: string[]): SQL {
  return sql`${column} = any(${sql.param(ids)}::uuid[])`;
}

/** Job ids the target covers, within the org. Unknown or another org's target covers none. */
async function jobIdsFor(db: Db, orgId: string, t: BlastTarget): Promise<string[]> {
  const pick = (rows: { id: string }[]) => rows.map((r) => r.id);
  switch (t.type) {
    case "workflow":
      return UUID.test(t.id) ? pick(await db.select({ id: jobs.id }).from(jobs).where(and(eq(jobs.orgId, orgId), eq(jobs.workflowId, t.id))).limit(MAX_JOBS + 1)) : [];
    case "job":
      return UUID.test(t.id) ? pick(await db.select({ id: jobs.id }).from(jobs).where(and(eq(jobs.orgId, orgId), eq(jobs.id, t.id)))) : [];
    case "secret":
      return pick(
        await db
          .selectDistinct({ id: jobSecrets.jobId })
          .from(jobSecrets)
          .where(and(eq(jobSecrets.orgId, orgId), sql`upper(${jobSecrets.secretName}) = upper(${t.id})`))
          .limit(MAX_JOBS + 1),
      );
    case "identity":
      return pick(await db.selectDistinct({ id: jobIdentities.jobId }).from(jobIdentities).where(and(eq(jobIdentities.orgId, orgId), eq(jobIdentities.identifier, t.id))).limit(MAX_JOBS + 1));
    case "action": {
      // owner/action matches every ref; owner/action@ref only that ref. Reusable-workflow calls count too.
      const exact = t.id.includes("@");
      // An exact ref is a containment test job_uses_gin answers. A prefix without LIKE wildcards
      // is one jsonpath test per row (`starts with`), far cheaper than unnesting every array.
      const literalPrefix = !exact && !/[%_\\]/.test(t.id);
      const uses = exact
        ? sql`${jobs.uses} @> ${JSON.stringify([{ uses: t.id }])}::jsonb`
        : literalPrefix
          ? sql`${jobs.uses} @? ${`$[*].uses ? (@ starts with ${JSON.stringify(`${t.id}@`)})`}::jsonpath`
          : sql`exists (select 1 from jsonb_array_elements(${jobs.uses}) e where e->>'uses' like ${`${t.id}@%`})`;
      const calls = exact ? sql`${jobs.calls}->>'workflow' = ${t.id}` : sql`${jobs.calls}->>'workflow' like ${`${t.id}@%`}`;
      return pick(await db.select({ id: jobs.id }).from(jobs).where(and(eq(jobs.orgId, orgId), sql`(${uses} or ${calls})`)).limit(MAX_JOBS + 1));
    }
  }
}

/**
 * What a compromise of the target could reach: the jobs it runs in, the credentials those
 * jobs hold, the systems the credentials open, and who must rotate each credential.
 */
export async function computeBlastRadius(db: Db, orgId: string, target: BlastTarget): Promise<BlastRadius> {
  const allIds = await jobIdsFor(db, orgId, target);
  const truncated = allIds.length > MAX_JOBS;
  const ids = allIds.slice(0, MAX_JOBS);
  if (ids.length === 0) return { target, jobs: [], truncated: false, credentials: [], systems: [], rotation: [], edges: [] };

  const [jobRows, secretRows, identityRows, systemRows] = await Promise.all([
    db
      // Only the columns used: a job's uses/runs_on/calls documents are large and not needed here.
      .select({
        j: { id: jobs.id, workflowId: jobs.workflowId, jobKey: jobs.jobKey, phase: jobs.phase, environment: jobs.environment, permissions: jobs.permissions, idToken: jobs.idToken, runsUntrustedCode: jobs.runsUntrustedCode },
        repository: repositories.fullName,
        repoOwner: repoOwnerExpr(orgId),
        effectiveDefault: repositories.effectiveDefaultPermissions,
        path: workflows.path,
        wfOwner: workflowOwnerExpr(orgId),
      })
      .from(jobs)
      .innerJoin(workflows, eq(workflows.id, jobs.workflowId))
      .innerJoin(repositories, eq(repositories.id, jobs.repoId))
      .where(and(eq(jobs.orgId, orgId), anyOf(jobs.id, ids))),
    db
      .select({ jobId: jobSecrets.jobId, name: jobSecrets.secretName, resolution: jobSecrets.resolution, scope: secrets.scope, environment: secrets.environment, updatedAt: secrets.updatedAt })
      .from(jobSecrets)
      .leftJoin(secrets, eq(secrets.id, jobSecrets.secretId))
      .where(and(eq(jobSecrets.orgId, orgId), anyOf(jobSecrets.jobId, ids))),
    db.select().from(jobIdentities).where(and(eq(jobIdentities.orgId, orgId), anyOf(jobIdentities.jobId, ids))),
    db.select().from(jobSystems).where(and(eq(jobSystems.orgId, orgId), anyOf(jobSystems.jobId, ids))),
  ]);

  const jobsOut: BlastJob[] = jobRows.map(({ j, repository, path, effectiveDefault }) => ({
    id: j.id,
    repository,
    workflowId: j.workflowId,
    workflowPath: path,
    job: j.jobKey,
    phase: j.phase,
    environment: j.environment,
    tokenWrites: tokenWrites(j.permissions, effectiveDefault),
    idToken: j.idToken,
    runsUntrustedCode: j.runsUntrustedCode,
  }));
  const jobMeta = new Map(jobRows.map((r) => [r.j.id, r]));
  const credentials = new Map<string, BlastCredential>();
  const credsOfJob = new Map<string, Set<string>>();
  const addCred = (jobId: string, c: Omit<BlastCredential, "jobs">) => {
    const prev = credentials.get(c.key);
    // Several jobs' owners may share an org secret: each of them is named.
    const owner = prev && !prev.owner.split(", ").includes(c.owner) ? `${prev.owner}, ${c.owner}` : (prev?.owner ?? c.owner);
    credentials.set(c.key, prev ? { ...prev, owner, jobs: prev.jobs + 1 } : { ...c, jobs: 1 });
    credsOfJob.set(jobId, (credsOfJob.get(jobId) ?? new Set()).add(c.key));
  };

  for (const s of secretRows) {
    if (s.resolution === "github-token") continue;
    const m = jobMeta.get(s.jobId)!;
    const orgScope = s.scope === "org" || s.resolution === "org";
    addCred(s.jobId, {
      key: `secret:${orgScope ? "org" : m.repository}:${s.environment ?? ""}:${s.name}`,
      kind: "secret",
      label: s.name,
      detail: s.resolution === "missing" ? "referenced but not defined" : s.resolution === "all" ? "every secret the job can read (toJSON(secrets))" : `${s.scope ?? s.resolution} secret${orgScope ? "" : ` of ${m.repository}`}${s.environment ? ` (environment ${s.environment})` : ""}`,
      // An org secret is rotated by the owners of the workflows that use it (organisation admins when none is known).
      owner: orgScope ? (m.wfOwner ?? "organisation admins") : (m.repoOwner ?? m.wfOwner ?? "unowned"),
      updatedAt: s.updatedAt?.toISOString() ?? null,
    });
  }
  const secretNamesOfJob = new Map<string, Set<string>>();
  for (const s of secretRows) secretNamesOfJob.set(s.jobId, (secretNamesOfJob.get(s.jobId) ?? new Set()).add(s.name.toUpperCase()));
  for (const i of identityRows) {
    // An identity named after a secret the job reads (npm-token NPM_TOKEN) is that secret: listed once.
    if (i.identifier && secretNamesOfJob.get(i.jobId)?.has(i.identifier.toUpperCase())) continue;
    const m = jobMeta.get(i.jobId)!;
    addCred(i.jobId, {
      key: `identity:${i.kind}:${i.identifier ?? m.repository}`,
      kind: "identity",
      label: i.identifier ? `${i.kind} ${i.identifier}` : i.kind,
      detail: i.oidc ? "OIDC: short-lived, revoke by tightening the trust policy" : "static credential",
      owner: m.wfOwner ?? m.repoOwner ?? "unowned",
      updatedAt: null,
    });
  }
  for (const j of jobsOut) {
    if (j.tokenWrites.length > 0) {
      addCred(j.id, { key: `token:${j.repository}`, kind: "github-token", label: `GITHUB_TOKEN of ${j.repository}`, detail: `write: ${j.tokenWrites.join(", ")}`, owner: "expires with the run", updatedAt: null });
    }
  }

  const systems = new Map<string, BlastSystem>();
  const edges = new Set<string>();
  for (const s of systemRows) {
    const m = jobMeta.get(s.jobId)!;
    const key = `system:${s.kind}:${s.identifier ?? ""}`;
    const capability: BlastSystem["capability"] = PUBLISH_KINDS.has(s.kind) ? "publish" : NOTIFY_KINDS.has(s.kind) ? "notify" : m.j.phase === "deploy" ? "deploy" : "read";
    const creds = [...(credsOfJob.get(s.jobId) ?? [])].filter((c) => !c.startsWith("token:"));
    const prev = systems.get(key);
    const rank = { read: 0, notify: 1, "write code": 2, publish: 3, deploy: 4 };
    systems.set(key, {
      key,
      kind: s.kind,
      id: s.identifier,
      capability: prev && rank[prev.capability] > rank[capability] ? prev.capability : capability,
      via: [...new Set([...(prev?.via ?? []), ...creds.map((c) => credentials.get(c)!.label)])],
    });
    for (const c of creds) edges.add(`${c}|${key}`);
  }
  for (const j of jobsOut) {
    if (j.tokenWrites.some((w) => w === "contents" || w.startsWith("all"))) {
      const key = `system:github:${j.repository}`;
      systems.set(key, { key, kind: "github", id: j.repository, capability: "write code", via: [`GITHUB_TOKEN of ${j.repository}`] });
      edges.add(`token:${j.repository}|${key}`);
    }
  }
  for (const [jobId, creds] of credsOfJob) for (const c of creds) edges.add(`workflow:${jobMeta.get(jobId)!.j.workflowId}|${c}`);

  const rotation = new Map<string, Set<string>>();
  for (const c of credentials.values()) {
    if (c.kind === "github-token") continue;
    for (const owner of c.owner.split(", ")) rotation.set(owner, (rotation.get(owner) ?? new Set()).add(c.label));
  }
  return {
    target,
    jobs: jobsOut,
    truncated,
    credentials: [...credentials.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label)),
    systems: [...systems.values()].sort((a, b) => a.kind.localeCompare(b.kind)),
    rotation: [...rotation.entries()].map(([owner, creds]) => ({ owner, credentials: [...creds].sort() })).sort((a, b) => a.owner.localeCompare(b.owner)),
    edges: [...edges].map((e) => {
      const [from, to] = e.split("|") as [string, string];
      return { from, to };
    }),
  };
}
