// The pure half of a repository snapshot: facts + analysis → the rows to write. No database,
// no clock (the caller passes `now`), no network: the same inputs give the same plan, and
// `snapshot-writer.ts` applies it in one transaction. The one thing only the database knows —
// the ids of secrets — is left as keys (`SecretKey`) that the writer turns into ids once the
// repository's secrets are written.
//
// The seam between CI systems: the repository and its GitHub settings come from the GitHub
// adapter (lib/github/facts.ts: every pipeline file lives in a repository it lists), while each
// pipeline's credentials are resolved by its own system's resolver (CREDENTIALS below): a
// GitHub Actions `secrets.X` against the repository's, environment's and organisation's
// secrets; a Buildkite or Tekton secret is held by that system (its secrets store, Vault,
// Kubernetes), never by GitHub, so it is `external` — not "missing".
import type { AnalysisResult, CiSystem, Finding, JobModel } from "@/lib/analysis/types";
import { isSkipped, type OidcSubTemplate, type OrgFacts, type RepoFacts, type SkippablePart } from "@/lib/github/facts";
import { awsAccountOf, findingFingerprint, resolveIdentifier, resolveSecret, visibleToRepo, type VariableScope } from "./resolve";
import { findingCountsByPath, splitUses, summarizeWorkflow } from "./workflow-summary";
import { codeownersRules, repoOwner, workflowOwner } from "./owners";
import type { JobReferences, JobValues, WorkflowValues } from "./workflows-writer";
import type { jobSecrets, repositories } from "@/lib/db/schema";

export interface RepoSnapshot {
  facts: RepoFacts;
  /** False when files were not re-fetched (unchanged since the stored snapshot). */
  filesFetched: boolean;
  analysis: AnalysisResult;
}

/** Which stored secret a reference reads, before secrets have ids. */
export interface SecretKey {
  scope: "repo" | "environment" | "org";
  environment: string | null;
  name: string;
}

type Resolution = typeof jobSecrets.$inferInsert.resolution;
type PlannedSecretRef = Omit<JobReferences["secrets"][number], "secretId" | "orgId"> & { secret: SecretKey | null };
export interface PlannedJob {
  values: Omit<JobValues, "orgId" | "repoId">;
  refs: {
    secrets: PlannedSecretRef[];
    identities: (Omit<JobReferences["identities"][number], "orgId"> & { identifier: string | null; oidc: boolean })[];
    systems: (Omit<JobReferences["systems"][number], "orgId"> & { identifier: string | null })[];
    actions: Omit<JobReferences["actions"][number], "orgId">[];
  };
}
export interface PlannedWorkflow {
  values: Omit<WorkflowValues, "orgId" | "repoId">;
  jobs: PlannedJob[];
}

export interface SnapshotPlan {
  /** The repository row's values (without org id), parts not fetched left out so they keep their stored value. */
  repository: Omit<typeof repositories.$inferInsert, "orgId" | "id">;
  /** Files to store; null when they were not re-fetched. */
  files: RepoFacts["files"] | null;
  environments: RepoFacts["environments"];
  secrets: Pick<RepoFacts, "secrets" | "environments">;
  variables: { rows: { scope: "repo" | "environment"; environment: string | null; name: string; value: string }[]; scopes: ("repo" | "environment")[] };
  workflows: PlannedWorkflow[];
  findings: Finding[];
  repo: { githubId: number; fullName: string };
}

/** How one system's pipelines get their secrets: the resolution of a reference, and the stored secret it reads. */
type CredentialResolver = (name: string, via: string, job: JobModel) => { resolution: Resolution; secret: SecretKey | null };

export function planRepoSnapshot(org: OrgFacts, snap: RepoSnapshot, now: Date): SnapshotPlan {
  const { facts, analysis } = snap;
  const skipped = (part: SkippablePart) => isSkipped(facts, part);
  const owner = repoOwner(org, facts);
  const repository: SnapshotPlan["repository"] = {
    githubId: facts.repo.githubId,
    name: facts.repo.name,
    fullName: facts.repo.fullName,
    visibility: facts.repo.visibility,
    archived: facts.repo.archived,
    fork: facts.repo.fork,
    defaultBranch: facts.repo.defaultBranch,
    pushedAt: facts.repo.pushedAt ? new Date(facts.repo.pushedAt) : null,
    // A part the fetch layer did not ask for (its files show it cannot matter) keeps its
    // stored value: "not asked" must not read as "none".
    ...(skipped("defaultWorkflowPermissions")
      ? {}
      : { defaultWorkflowPermissions: facts.defaultWorkflowPermissions, effectiveDefaultPermissions: facts.defaultWorkflowPermissions ?? org.defaultWorkflowPermissions }),
    ...(skipped("oidcSubTemplate") ? {} : { oidcSubTemplate: withOrgTemplate(facts.oidcSubTemplate, org) }),
    customProperties: org.customProperties[facts.repo.githubId] ?? {},
    deployKeys: facts.deployKeys,
    ...(skipped("runners") ? {} : { runners: facts.runners.map((r) => ({ id: r.id, name: r.name, labels: r.labels, status: r.status })) }),
    owner: owner?.owner ?? null,
    ownerSource: owner?.source ?? null,
    staleReason: null,
    syncedAt: now,
    removedAt: null,
    ...(snap.filesFetched ? { filesPushedAt: facts.repo.pushedAt ? new Date(facts.repo.pushedAt) : now } : {}),
  };
  const variables: SnapshotPlan["variables"] = {
    rows: [
      ...(skipped("variables") ? [] : facts.variables).map((v) => ({ scope: "repo" as const, environment: null, name: v.name, value: v.value })),
      ...(skipped("environments.variables") ? [] : facts.environments).flatMap((e) => e.variables.map((v) => ({ scope: "environment" as const, environment: e.name, name: v.name, value: v.value }))),
    ],
    scopes: [...(skipped("variables") ? [] : ["repo" as const]), ...(skipped("environments.variables") ? [] : ["environment" as const])],
  };

  const rules = codeownersRules(facts);
  const visibleOrgSecrets = visibleToRepo(org.secrets, facts.repo);
  const visibleOrgVariables = visibleToRepo(org.variables, facts.repo);
  const workflowMeta = new Map(facts.workflows.map((w) => [w.path, w]));
  const oidByPath = new Map(facts.files.map((f) => [f.path, f.oid]));
  const countsByPath = findingCountsByPath(analysis.findings, (f) => findingFingerprint(facts.repo.githubId, f));

  const github: CredentialResolver = (name, via, job) => {
    const r = resolveSecret(name, via, job.environment, facts, visibleOrgSecrets);
    const secret: SecretKey | null =
      r.resolution === "environment" ? { scope: "environment", environment: r.environment, name } : r.resolution === "repo" || r.resolution === "org" ? { scope: r.resolution, environment: null, name } : null;
    return { resolution: r.resolution, secret };
  };
  const external: CredentialResolver = () => ({ resolution: "external", secret: null });
  const CREDENTIALS: Record<CiSystem, CredentialResolver> = { "github-actions": github, buildkite: external, tekton: external };

  // Each job's references are resolved first: the workflow row carries their summary.
  const workflows: PlannedWorkflow[] = analysis.workflows.map((wf) => {
    const resolver = CREDENTIALS[wf.system];
    const js = wf.jobs.map((job) => {
      const scope: VariableScope = { environment: facts.environments.find((e) => e.name === job.environment), repo: facts.variables, org: visibleOrgVariables };
      return { job, refs: jobReferences(job, (name, via) => resolver(name, via, job), scope) };
    });
    const meta = workflowMeta.get(wf.path);
    const wfOwner = workflowOwner(rules, wf.path, owner);
    const summary = summarizeWorkflow(
      js.map(({ job, refs }) => ({ job, secretNames: refs.secrets.map((r) => r.secretName), identities: refs.identities, systems: refs.systems })),
      countsByPath.get(wf.path),
    );
    return {
      values: {
        system: wf.system,
        repoFullName: facts.repo.fullName,
        path: wf.path,
        name: wf.name ?? meta?.name ?? null,
        githubWorkflowId: meta?.id ?? null,
        state: meta?.state ?? null,
        blobOid: oidByPath.get(wf.path) ?? null,
        triggers: wf.triggers,
        untrustedTriggers: wf.untrustedTriggers,
        parseError: null,
        owner: wfOwner?.owner ?? null,
        ownerSource: wfOwner?.source ?? null,
        ...summary,
      },
      jobs: js.map(({ job, refs }) => ({ values: jobValues(job), refs: { ...refs, actions: jobActionRows(job) } })),
    };
  });

  // Workflow files GitHub lists but the analysis could not read still belong in the inventory
  // (a file analysed and also reported as an error keeps its analysis; of two errors, the first).
  for (const err of analysis.errors) {
    if (workflows.some((d) => d.values.path === err.path)) continue;
    const meta = workflowMeta.get(err.path);
    workflows.push({
      values: {
        system: err.system ?? "github-actions",
        repoFullName: facts.repo.fullName,
        path: err.path,
        name: meta?.name ?? null,
        githubWorkflowId: meta?.id ?? null,
        state: meta?.state ?? null,
        blobOid: oidByPath.get(err.path) ?? null,
        triggers: [],
        untrustedTriggers: [],
        parseError: err.message,
        owner: null,
        ownerSource: null,
        ...summarizeWorkflow([], countsByPath.get(err.path)),
      },
      jobs: [],
    });
  }

  return {
    repository,
    files: snap.filesFetched ? facts.files : null,
    environments: facts.environments,
    secrets: facts,
    variables,
    workflows,
    findings: analysis.findings,
    repo: { githubId: facts.repo.githubId, fullName: facts.repo.fullName },
  };
}

function jobValues(job: JobModel): PlannedJob["values"] {
  return {
    jobKey: job.id,
    name: job.name,
    line: job.line,
    phase: job.phase,
    permissions: job.permissions,
    permissionsSource: job.permissionsSource,
    idToken: job.idToken,
    environment: job.environment,
    runsOn: job.runsOn,
    selfHosted: job.selfHosted,
    runsUntrustedCode: job.runsUntrustedCode,
    uses: job.uses,
    calls: job.calls,
  };
}

/** The secret references, identities and systems of one job, resolved. */
function jobReferences(job: JobModel, resolve: (name: string, via: string) => { resolution: Resolution; secret: SecretKey | null }, scope: VariableScope): Omit<PlannedJob["refs"], "actions"> {
  const secretRows = job.secrets.map((s) => ({ secretName: s.name, via: s.via, line: s.line, step: s.step ?? null, ...resolve(s.name, s.via) }));
  const identities = job.identities.map((i) => ({ ...i, ...resolveIdentifier(i.id, i.symbolic ?? false, scope) }));
  const identityRows = identities.map((i) => ({ kind: i.kind, identifier: i.id, symbolic: i.symbolic, oidc: i.oidc, source: i.source, line: i.line, heuristic: i.heuristic ?? false, secretNames: i.secrets ?? [] }));
  const systems = job.systems.map((s) => ({ ...s, ...resolveIdentifier(s.id, s.symbolic ?? false, scope) }));
  // A role ARN that only resolved through a variable still tells which AWS account it reaches.
  for (const i of identities) {
    const account = i.kind === "aws-role" ? awsAccountOf(i.id) : null;
    if (account && !systems.some((s) => s.kind === "aws-account" && s.id === account)) {
      systems.push({ kind: "aws-account", id: account, symbolic: false, heuristic: false });
    }
  }
  const unique = systems.filter((s, i) => systems.findIndex((o) => o.kind === s.kind && o.id === s.id) === i);
  const systemRows = unique.map((s) => ({ kind: s.kind, identifier: s.id, symbolic: s.symbolic, heuristic: s.heuristic ?? false }));
  return { secrets: secretRows, identities: identityRows, systems: systemRows };
}

/** The actions and reusable workflow a job uses, once each (see job_action). */
function jobActionRows(job: JobModel): PlannedJob["refs"]["actions"] {
  const all = [...job.uses.map((u) => ({ uses: u.uses, kind: "action" as const })), ...(job.calls ? [{ uses: job.calls.workflow, kind: "workflow" as const }] : [])];
  const seen = new Set<string>();
  const rows: PlannedJob["refs"]["actions"] = [];
  for (const { uses, kind } of all) {
    if (!uses) continue;
    const { action, ref } = splitUses(uses);
    const key = `${kind}|${action}|${ref}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ action, ref, kind });
  }
  return rows;
}

/**
 * The repository's template with what applies to it from its organisation: the organisation's
 * keys and immutable-subject setting (a repository's unset setting falls back to it) and the
 * owner's id, so the trust evaluation can build an immutable `sub`. Null stays null (unknown).
 */
function withOrgTemplate(template: OidcSubTemplate | null, org: OrgFacts): OidcSubTemplate | null {
  if (template === null) return null;
  const o = org.oidcSubTemplate;
  return {
    ...template,
    ...(o ? { org: { includeClaimKeys: o.includeClaimKeys, ...(o.useImmutableSubject !== undefined ? { useImmutableSubject: o.useImmutableSubject } : {}) } } : {}),
    ...(org.githubId !== undefined ? { ownerId: org.githubId } : {}),
  };
}
