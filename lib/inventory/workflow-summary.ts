import type { Finding, JobModel, Permissions, Phase } from "@/lib/analysis/types";
import type { FindingCounts, WorkflowToken } from "@/lib/db/schema";

// The summary a workflow row carries (workflow.phase … max_severity), computed by the snapshot
// writer from the same jobs, resolved references and findings it stores beside the row. The
// Workflows list, its filters, sorts and the export read these columns and nothing else.

export const PHASE_RANK: Record<Phase, number> = { "build-untrusted": 0, verify: 1, publish: 2, deploy: 3 };
export const SEVERITY_RANK: Record<keyof FindingCounts, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

export interface WorkflowSummary {
  phase: Phase | null;
  phases: Phase[];
  token: WorkflowToken;
  idToken: boolean;
  secretNames: string[];
  secretKeys: string[];
  identities: { kind: string; id: string | null; oidc: boolean }[];
  systems: { kind: string; id: string | null }[];
  findingCounts: FindingCounts;
  openFindings: number;
  maxSeverity: number;
}

/** What the writer resolved for one job: the references it stores in job_secret / job_identity / job_system. */
export interface ResolvedJob {
  job: Pick<JobModel, "phase" | "permissions" | "idToken" | "githubToken">;
  secretNames: string[];
  identities: { kind: string; identifier: string | null; oidc: boolean }[];
  systems: { kind: string; identifier: string | null }[];
}

/** The broadest of these GITHUB_TOKENs: write-all, write, read, default (inherits the repository's) or none. */
export function broadestToken(perms: (Permissions | null)[]): WorkflowToken {
  if (perms.length === 0) return "none";
  if (perms.some((p) => p === "write-all")) return "write-all";
  if (perms.some((p) => p !== null && typeof p === "object" && Object.values(p).includes("write"))) return "write";
  if (perms.some((p) => p === null)) return "default";
  if (perms.some((p) => p === "read-all" || (typeof p === "object" && p !== null && Object.values(p).includes("read")))) return "read";
  return "none";
}

export function emptyCounts(): FindingCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

/** Open findings per file path, one per fingerprint (as the findings writer stores them). */
export function findingCountsByPath(findings: Finding[], fingerprint: (f: Finding) => string): Map<string, FindingCounts> {
  const seen = new Set<string>();
  const out = new Map<string, FindingCounts>();
  for (const f of findings) {
    const key = fingerprint(f);
    if (seen.has(key) || !(f.severity in SEVERITY_RANK)) continue;
    seen.add(key);
    const counts = out.get(f.path) ?? emptyCounts();
    counts[f.severity as keyof FindingCounts]++;
    out.set(f.path, counts);
  }
  return out;
}

export function summarizeWorkflow(jobs: ResolvedJob[], counts: FindingCounts = emptyCounts()): WorkflowSummary {
  const phases = [...new Set(jobs.map((j) => j.job.phase))].sort((a, b) => PHASE_RANK[a] - PHASE_RANK[b]);
  const names = [...new Set(jobs.flatMap((j) => j.secretNames))].sort();
  const identities = new Map<string, WorkflowSummary["identities"][number]>();
  const systems = new Map<string, WorkflowSummary["systems"][number]>();
  for (const j of jobs) {
    for (const i of j.identities) if (!identities.has(`${i.kind}|${i.identifier}`)) identities.set(`${i.kind}|${i.identifier}`, { kind: i.kind, id: i.identifier, oidc: i.oidc });
    for (const s of j.systems) if (!systems.has(`${s.kind}|${s.identifier}`)) systems.set(`${s.kind}|${s.identifier}`, { kind: s.kind, id: s.identifier });
  }
  const severities = Object.keys(counts) as (keyof FindingCounts)[];
  return {
    phase: phases.at(-1) ?? null,
    phases,
    // Only jobs that get a GITHUB_TOKEN count: a Buildkite step's or Tekton task's null
    // permissions mean "no token" (githubToken: false), so their workflows summarise to none.
    token: broadestToken(jobs.filter((j) => j.job.githubToken !== false).map((j) => j.job.permissions)),
    idToken: jobs.some((j) => j.job.idToken),
    secretNames: names,
    secretKeys: [...new Set(names.map((n) => n.toUpperCase()))].sort(),
    identities: [...identities.values()],
    systems: [...systems.values()],
    findingCounts: counts,
    openFindings: severities.reduce((n, s) => n + counts[s], 0),
    maxSeverity: severities.reduce((top, s) => (counts[s] > 0 ? Math.max(top, SEVERITY_RANK[s]) : top), 0),
  };
}

/** `owner/action@ref` → its job_action row parts: action lower-cased, ref as written (null without '@'). */
export function splitUses(uses: string): { action: string; ref: string | null } {
  const at = uses.indexOf("@");
  return at < 0 ? { action: uses.toLowerCase(), ref: null } : { action: uses.slice(0, at).toLowerCase(), ref: uses.slice(at + 1) || null };
}
