import type { RepoContext } from "../context";
import { writeScopes } from "../permissions";
import type { WorkflowFacts } from "../workflow-model";
import type { Finding, JobModel, Severity } from "../types";
import { ruleMeta } from "./catalog";

export interface RuleFinding {
  rule: string;
  line: number;
  job: string | null;
  message: string;
  severity?: Severity;
  fix?: string;
  /** Repository-level finding not tied to a workflow file. */
  repoLevel?: boolean;
}

export type Emit = (f: RuleFinding) => void;

export type WorkflowRule = (wf: WorkflowFacts, emit: Emit, context: RepoContext | undefined) => void;

export function toFinding(root: string, path: string, f: RuleFinding): Finding {
  const meta = ruleMeta(f.rule);
  return {
    rule: f.rule,
    severity: f.severity ?? meta.severity,
    root,
    path: f.repoLevel ? "" : path,
    line: f.line,
    job: f.job,
    message: f.message,
    fix: f.fix ?? meta.fix,
  };
}

const EPHEMERAL = new Set(["GITHUB_TOKEN"]);

/** Secret names a job reads, without GITHUB_TOKEN and without the "*" markers. */
export function staticSecretNames(job: JobModel): string[] {
  const out = new Set<string>();
  for (const s of job.secrets) if (s.name !== "*" && !EPHEMERAL.has(s.name.toUpperCase())) out.add(s.name);
  return [...out];
}

export function holdsAllSecrets(job: JobModel): boolean {
  return job.secrets.some((s) => s.name === "*");
}

/** What a job can do beyond reading public code, in words; empty when nothing. */
export function credentialSummary(job: JobModel): string[] {
  const parts: string[] = [];
  const names = staticSecretNames(job);
  if (holdsAllSecrets(job)) parts.push("all repository secrets");
  if (names.length > 0) parts.push(`secret${names.length > 1 ? "s" : ""} ${list(names)}`);
  if (job.idToken) parts.push("id-token: write (OIDC)");
  const writes = writeScopes(job.permissions).filter((s) => s !== "id-token");
  if (job.permissions === "write-all") parts.push("GITHUB_TOKEN write-all");
  else if (writes.length > 0) parts.push(`GITHUB_TOKEN write on ${writes.join(", ")}`);
  return parts;
}

export function list(names: string[], max = 4): string {
  const shown = names.slice(0, max).join(", ");
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

export function firstSecretLine(job: JobModel, fallback: number): number {
  const s = job.secrets.find((r) => r.name !== "*" && r.name.toUpperCase() !== "GITHUB_TOKEN" && r.action === undefined);
  return s?.line ?? fallback;
}

