import { analyzeBuildkite } from "@/lib/analysis/buildkite";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_NODES } from "@/lib/analysis/parse";
import type { JobModel } from "@/lib/analysis/types";
import type { BuildkiteCluster, BuildkiteOrgRead, BuildkitePipeline } from "@/lib/buildkite/types";
import type { ClusterRead, PacRepositoryRead, ServiceAccountRead } from "@/lib/kubernetes/types";

// A pipeline source's read joined to the organisation's inventory (pure; JOIN.md says how).
// Buildkite: a pipeline ↔ repository (provider repository, else its git URL) ↔ the repository
// file its stored steps upload; its stored steps are analysed with the Buildkite analyser either
// way (the upload step itself runs on an agent). Kubernetes: a Pipelines-as-Code Repository
// (spec.url) ↔ repository ↔ its Tekton files' jobs ↔ the namespace's service accounts.

/** One Buildkite or Tekton file of the inventory, with what the join needs of it. */
export interface InventoryPipelineFile {
  workflowId: string;
  /** The repository's `owner/name`, as the inventory spells it. */
  repo: string;
  path: string;
  system: "buildkite" | "tekton";
  /** The file's stored text (Buildkite files are re-analysed for branches, conditions and queues). */
  text: string | null;
  triggers: string[];
  /** Tekton: each job's service account as the analyser named it (`ns/name`, `name`, `default`); null when no run names one. */
  jobs: { key: string; serviceAccount: string | null }[];
}

export interface PipelineInventory {
  /** Every repository of the organisation (`owner/name`), removed ones excluded. */
  repos: string[];
  files: InventoryPipelineFile[];
}

/** A step of a Buildkite pipeline, from the uploaded repository file or the stored steps. */
export interface BuildkiteStep {
  job: JobModel;
  /** The repository file it is written in; null for a stored step. */
  path: string | null;
}

export interface JoinedBuildkitePipeline {
  pipeline: BuildkitePipeline;
  cluster: BuildkiteCluster | null;
  /** `owner/name` of the inventory's repository, null when none matches. */
  repo: string | null;
  /** The path the stored steps upload (named, else the agent's default that exists); null without an upload. */
  uploadPath: string | null;
  /** The uploaded file when the inventory holds it. */
  file: { workflowId: string; path: string } | null;
  /** Stored steps, then the uploaded file's. */
  steps: BuildkiteStep[];
  /** Why the stored steps could not be analysed, when they could not. */
  storedError: string | null;
}

export interface JoinedAccount {
  namespace: string;
  name: string;
  /** null: named by the file but not in the cluster (or its namespace was not read). */
  account: ServiceAccountRead | null;
  jobKeys: string[];
}

export interface JoinedTektonFile {
  workflowId: string;
  repo: string;
  path: string;
  triggers: string[];
  repository: PacRepositoryRead;
  accounts: JoinedAccount[];
}

const LIMITS = { maxBytes: DEFAULT_MAX_BYTES, maxNodes: DEFAULT_MAX_NODES };
/** Where `buildkite-agent pipeline upload` looks when it is given no file, in its order. */
const DEFAULT_UPLOAD_PATHS = [".buildkite/pipeline.yml", ".buildkite/pipeline.yaml", ".buildkite/pipeline.json", "buildkite.yml", "buildkite.yaml", "buildkite.json"];
const UPLOAD = /buildkite-agent\s+pipeline\s+upload\b([^\n|;&]*)/;

/** `owner/name` (lower-cased) of a GitHub remote: git@github.com:o/n(.git), https://github.com/o/n(.git), ssh://git@github.com/o/n. */
export function repoOfUrl(url: string): string | null {
  const m = /^(?:[a-z+]+:\/\/)?(?:[^@/\s]+@)?github\.com[:/]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/i.exec(url.trim());
  return m ? `${m[1]}/${m[2]}`.toLowerCase() : null;
}

function byLowerName(repos: string[]): Map<string, string> {
  return new Map(repos.map((r) => [r.toLowerCase(), r]));
}

/** The file a stored `pipeline upload` names, else null (the agent's default search then applies). */
function uploadArgument(text: string): string | null {
  const args = UPLOAD.exec(text)?.[1]?.trim().split(/\s+/) ?? [];
  return args.find((a) => a !== "" && !a.startsWith("-"))?.replace(/^["']|["']$/g, "") ?? null;
}

/**
 * A visual-editor pipeline's steps (the REST API's step objects) as a pipeline file the analyser
 * reads: `name` → label, `agent_query_rules` → agents, `branch_configuration` → branches.
 */
function visualAsPipeline(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (!Array.isArray(parsed)) return text;
  const steps = (parsed as Record<string, unknown>[]).map((s): unknown => {
    if (s.type === "waiter") return "wait";
    const label = typeof s.name === "string" ? s.name : undefined;
    if (s.type === "manual") return { block: label ?? "Continue" };
    if (s.type === "trigger") return { trigger: s.trigger_project_slug, label };
    const rules = Array.isArray(s.agent_query_rules) ? (s.agent_query_rules as string[]) : [];
    const agents = Object.fromEntries(rules.map((r) => r.split("=", 2)).filter((kv) => kv.length === 2));
    const branches = typeof s.branch_configuration === "string" && s.branch_configuration.trim() !== "" ? s.branch_configuration : undefined;
    return { label, command: s.command ?? "", ...(branches ? { branches } : {}), ...(Object.keys(agents).length ? { agents } : {}), ...(s.env ? { env: s.env } : {}) };
  });
  return JSON.stringify({ steps });
}

function analyse(text: string, path: string | null): { steps: BuildkiteStep[]; error: string | null } {
  const r = analyzeBuildkite(text, LIMITS);
  if (r.error || !r.pipeline) return { steps: [], error: r.error?.message ?? "not a Buildkite pipeline" };
  return { steps: r.pipeline.jobs.map((job) => ({ job, path })), error: null };
}

/** Where a Buildkite pipeline stands in the inventory, found without analysing anything. */
export interface LocatedBuildkitePipeline {
  pipeline: BuildkitePipeline;
  /** `owner/name` of the inventory's repository, null when none matches. */
  repo: string | null;
  /** The path the stored steps upload (named, else the agent's default that exists); null without an upload. */
  uploadPath: string | null;
  /** The uploaded file when the inventory holds it. */
  file: InventoryPipelineFile | null;
}

/** Each pipeline's repository and uploaded file (cheap: no YAML read); joinBuildkite analyses on top. */
export function locateBuildkite(read: BuildkiteOrgRead, inv: PipelineInventory): LocatedBuildkitePipeline[] {
  const repos = byLowerName(inv.repos);
  const filesOf = new Map<string, InventoryPipelineFile[]>();
  for (const f of inv.files) if (f.system === "buildkite") filesOf.set(f.repo.toLowerCase(), [...(filesOf.get(f.repo.toLowerCase()) ?? []), f]);
  return read.pipelines.map((pipeline) => {
    const key = (pipeline.providerRepository ?? repoOfUrl(pipeline.repository) ?? "").toLowerCase();
    const repo = repos.get(key) ?? null;
    const files = repo ? (filesOf.get(key) ?? []) : [];
    if (!pipeline.storedSteps.runsPipelineUpload) return { pipeline, repo, uploadPath: null, file: null };
    const uploadPath = uploadArgument(pipeline.storedSteps.text) ?? DEFAULT_UPLOAD_PATHS.find((p) => files.some((f) => f.path === p)) ?? DEFAULT_UPLOAD_PATHS[0]!;
    return { pipeline, repo, uploadPath, file: files.find((f) => f.path === uploadPath) ?? null };
  });
}

export function joinBuildkite(read: BuildkiteOrgRead, inv: PipelineInventory): JoinedBuildkitePipeline[] {
  return locateBuildkite(read, inv).map(({ pipeline, repo, uploadPath, file }) => {
    const stored = pipeline.storedSteps.text.trim() === "" ? { steps: [], error: null } : analyse(pipeline.storedSteps.format === "visual" ? visualAsPipeline(pipeline.storedSteps.text) : pipeline.storedSteps.text, null);
    const uploaded = file?.text ? analyse(file.text, file.path).steps : [];
    return {
      pipeline,
      cluster: read.clusters.find((c) => c.id === pipeline.clusterId) ?? null,
      repo,
      uploadPath,
      file: file ? { workflowId: file.workflowId, path: file.path } : null,
      steps: [...stored.steps, ...uploaded],
      storedError: stored.error,
    };
  });
}

export function joinCluster(read: ClusterRead, inv: PipelineInventory): JoinedTektonFile[] {
  const repos = byLowerName(inv.repos);
  const out: JoinedTektonFile[] = [];
  const accountOf = (namespace: string, name: string) => read.namespaces.find((n) => n.name === namespace)?.serviceAccounts.find((a) => a.name === name) ?? null;
  for (const ns of read.namespaces) {
    for (const repository of ns.repositories) {
      const repo = repos.get(repoOfUrl(repository.url) ?? "");
      if (!repo) continue;
      for (const f of inv.files) {
        if (f.system !== "tekton" || f.repo !== repo) continue;
        const accounts = new Map<string, JoinedAccount>();
        for (const j of f.jobs) {
          if (j.serviceAccount === null) continue;
          // `ns/name` when the run names its namespace; else the Repository's, where Pipelines-as-Code runs it.
          const [namespace, name] = j.serviceAccount.includes("/") ? (j.serviceAccount.split("/", 2) as [string, string]) : [ns.name, j.serviceAccount];
          const k = `${namespace}/${name}`;
          const a = accounts.get(k) ?? { namespace, name, account: accountOf(namespace, name), jobKeys: [] };
          a.jobKeys.push(j.key);
          accounts.set(k, a);
        }
        out.push({ workflowId: f.workflowId, repo, path: f.path, triggers: f.triggers, repository, accounts: [...accounts.values()] });
      }
    }
  }
  return out;
}
