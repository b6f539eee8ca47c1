import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db/types";
import { environments, jobIdentities, jobSecrets, jobs, jobSystems, repoFiles, repositories, secrets, workflows } from "@/lib/db/schema";
import type { CallInfo, CiSystem, Permissions, PermissionsSource, Phase, UsesRef } from "@/lib/analysis/types";
import type { ProtectionRules } from "@/lib/github/facts";
import { workflowOwnerExpr, workflowOwnerSourceExpr } from "./owner-exprs";
import { workflowFindings } from "@/lib/findings/findings-repo";
import type { FindingDetailDto } from "@/lib/findings/findings-dto";

export interface JobDetail {
  id: string;
  key: string;
  name: string | null;
  line: number;
  phase: Phase;
  permissions: Permissions;
  permissionsSource: PermissionsSource;
  effectiveDefault: "read" | "write" | null;
  idToken: boolean;
  environment: { name: string; protected: boolean; protection: ProtectionRules | null } | null;
  runsOn: string[];
  selfHosted: boolean;
  runsUntrustedCode: boolean;
  uses: UsesRef[];
  calls: CallInfo | null;
  secrets: { name: string; via: string; line: number; resolution: string; scope: string | null; updatedAt: string | null }[];
  identities: { kind: string; id: string | null; oidc: boolean; symbolic: boolean; heuristic: boolean; line: number; source: string }[];
  systems: { kind: string; id: string | null; heuristic: boolean }[];
}

export interface WorkflowDetail {
  id: string;
  system: CiSystem;
  repository: string;
  path: string;
  name: string | null;
  state: string | null;
  triggers: string[];
  untrustedTriggers: string[];
  owner: string | null;
  ownerSource: string | null;
  parseError: string | null;
  source: string | null;
  jobs: JobDetail[];
  /** Its open findings, with their state and any exception covering them (lib/findings). */
  findings: FindingDetailDto[];
}

/** Everything about one workflow of the org, or null (another org's workflow is simply not found). */
export async function getWorkflowDetail(db: Db, orgId: string, workflowId: string): Promise<WorkflowDetail | null> {
  const [wf] = await db
    .select({ w: workflows, repository: repositories.fullName, effectiveDefault: repositories.effectiveDefaultPermissions, owner: workflowOwnerExpr(orgId), ownerSource: workflowOwnerSourceExpr(orgId) })
    .from(workflows)
    .innerJoin(repositories, eq(repositories.id, workflows.repoId))
    .where(and(eq(workflows.orgId, orgId), eq(workflows.id, workflowId)))
    .limit(1);
  if (!wf) return null;
  const { w } = wf;
  const jobRows = await db.select().from(jobs).where(and(eq(jobs.orgId, orgId), eq(jobs.workflowId, w.id))).orderBy(asc(jobs.line));
  const jobIds = jobRows.map((j) => j.id);
  const none = jobIds.length === 0;
  const [secretRows, identityRows, systemRows, envRows, findingRows, fileRows] = await Promise.all([
    none
      ? []
      : db
          .select({ jobId: jobSecrets.jobId, name: jobSecrets.secretName, via: jobSecrets.via, line: jobSecrets.line, resolution: jobSecrets.resolution, scope: secrets.scope, updatedAt: secrets.updatedAt })
          .from(jobSecrets)
          .leftJoin(secrets, eq(secrets.id, jobSecrets.secretId))
          .where(and(eq(jobSecrets.orgId, orgId), inArray(jobSecrets.jobId, jobIds)))
          .orderBy(asc(jobSecrets.line)),
    none ? [] : db.select().from(jobIdentities).where(and(eq(jobIdentities.orgId, orgId), inArray(jobIdentities.jobId, jobIds))),
    none ? [] : db.select().from(jobSystems).where(and(eq(jobSystems.orgId, orgId), inArray(jobSystems.jobId, jobIds))),
    db.select().from(environments).where(and(eq(environments.orgId, orgId), eq(environments.repoId, w.repoId))),
    workflowFindings(db, orgId, w.repoId, w.path),
    db.select({ text: repoFiles.text }).from(repoFiles).where(and(eq(repoFiles.orgId, orgId), eq(repoFiles.repoId, w.repoId), eq(repoFiles.path, w.path))),
  ]);
  return {
    id: w.id,
    system: w.system,
    repository: wf.repository,
    path: w.path,
    name: w.name,
    state: w.state,
    triggers: w.triggers,
    untrustedTriggers: w.untrustedTriggers,
    owner: wf.owner,
    ownerSource: wf.ownerSource,
    parseError: w.parseError,
    source: fileRows[0]?.text ?? null,
    jobs: jobRows.map((j) => {
      const env = j.environment ? envRows.find((e) => e.name === j.environment) : undefined;
      return {
        id: j.id,
        key: j.jobKey,
        name: j.name,
        line: j.line,
        phase: j.phase,
        permissions: j.permissions,
        permissionsSource: j.permissionsSource,
        effectiveDefault: wf.effectiveDefault,
        idToken: j.idToken,
        environment: j.environment ? { name: j.environment, protected: env?.isProtected ?? false, protection: env?.protection ?? null } : null,
        runsOn: j.runsOn,
        selfHosted: j.selfHosted,
        runsUntrustedCode: j.runsUntrustedCode,
        uses: j.uses,
        calls: j.calls,
        secrets: secretRows.filter((s) => s.jobId === j.id).map((s) => ({ name: s.name, via: s.via, line: s.line, resolution: s.resolution, scope: s.scope, updatedAt: s.updatedAt?.toISOString() ?? null })),
        identities: identityRows
          .filter((i) => i.jobId === j.id)
          .map((i) => ({ kind: i.kind, id: i.identifier, oidc: i.oidc, symbolic: i.symbolic, heuristic: i.heuristic, line: i.line, source: i.source })),
        systems: systemRows.filter((s) => s.jobId === j.id).map((s) => ({ kind: s.kind, id: s.identifier, heuristic: s.heuristic })),
      };
    }),
    findings: findingRows,
  };
}
