// The JSON contract of `gatehouse scan --format json` (schemaVersion 1) and the
// shapes the rules work on. Field names here are the contract: renaming one is a
// schema version bump.

export const SCHEMA_VERSION = 1;

export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export type PermissionLevel = "read" | "write" | "none";
/** Explicit scopes; a scope that is absent is `none`. */
export type PermissionMap = Record<string, PermissionLevel>;
/** `null` means "inherits the repository / organisation default". */
export type Permissions = PermissionMap | "read-all" | "write-all" | null;
export type PermissionsSource = "job" | "workflow" | "default";

import type { CiSystem } from "./ci-system";

export type { CiSystem } from "./ci-system";

/**
 * How a secret reaches a job. GitHub Actions: env | with | run | if | call | inherit | all | other.
 * Buildkite and Tekton add: `plugin` (a plugin's configuration names it), `secret-ref`
 * (Tekton `secretKeyRef`, Buildkite `secrets:`), `volume` and `workspace` (a secret mounted
 * as files), `param` (a parameter that carries a token).
 */
export type SecretVia = "env" | "with" | "run" | "if" | "call" | "inherit" | "all" | "other" | "plugin" | "secret-ref" | "volume" | "workspace" | "param";

export interface SecretRef {
  name: string;
  via: SecretVia;
  /** 1-based step index inside the job; absent for job-level references. */
  step?: number;
  line: number;
  /**
   * Set when the reference sits inside a local composite action the job runs, or (Tekton) in
   * another file of the repository the task's definition comes from; `line` is then a line of that file.
   */
  action?: string;
}

export interface VarRef {
  name: string;
  line: number;
}

export type IdentityKind =
  | "aws-role"
  | "aws-access-key"
  | "gcp-workload-identity"
  | "gcp-service-account-key"
  | "azure-federated"
  | "azure-client-secret"
  | "azure-managed-identity"
  | "vault-jwt"
  | "vault-static"
  | "registry-login"
  | "npm-token"
  | "npm-trusted-publishing"
  | "pypi-token"
  | "pypi-trusted-publishing"
  | "crates-token"
  | "crates-trusted-publishing"
  | "github-app"
  | "github-pat"
  | "cosign-keyless"
  | "cosign-key"
  | "kubeconfig"
  | "webhook"
  | "cli-login"
  /** `buildkite-agent oidc request-token`: a Buildkite OIDC token (id = the audience). */
  | "buildkite-oidc"
  /** A Kubernetes service account a Tekton run executes as (id = `namespace/name` or `name`). */
  | "k8s-service-account"
  /**
   * Tekton Chains signs and attests what a task reports in its type-hinted results (`IMAGE_URL`
   * and `IMAGE_DIGEST`, `*ARTIFACT_OUTPUTS`…) with the Chains controller's key: the task never
   * holds the key, but whatever it reports gets signed (id = "tekton-chains"; heuristic).
   */
  | "tekton-chains";

export interface Identity {
  kind: IdentityKind;
  /** Literal identifier, or the expression text (`vars.AWS_ROLE`) when symbolic. */
  id: string | null;
  /** True when `id` is an expression that ingestion must resolve. */
  symbolic?: boolean;
  oidc: boolean;
  line: number;
  step?: number;
  /** Action (`owner/repo`) or `run` for the script heuristics. */
  source: string;
  /** Secrets the identity is built from (static credentials). */
  secrets?: string[];
  /** Inferred from a `run:` script, not from declared inputs. */
  heuristic?: boolean;
  /** The OIDC audience the step requests (`audience:`, `jwtGithubAudience:`), when it sets one. */
  audience?: string;
  /** True when `audience` is an expression (its text), not a literal. */
  audienceSymbolic?: boolean;
  // Buildkite OIDC tokens (`buildkite-oidc`), as `buildkite-agent oidc request-token` or the
  // plugin that runs it asks for them:
  /** `--lifetime` in seconds; absent when Buildkite's default (5 minutes) applies. */
  lifetime?: number;
  /** Optional claims added with `--claim` (`organization_id`, `pipeline_id`, …). */
  claims?: string[];
  /** Claims copied into AWS session tags (`--aws-session-tag`, the AWS plugin's `session-tags`). */
  sessionTags?: string[];
  /** `--subject-claim`: the one claim (`pipeline_id`…) that replaces the default `sub`. */
  subjectClaim?: string;
  /**
   * The token's `sub` as far as the file knows:
   * `organization:<organization>:pipeline:<pipeline>:ref:<ref>:commit:<commit>:step:<step key>`
   * (the step key filled in when the step has one), or `<pipeline_id>` for `--subject-claim pipeline_id`.
   */
  subject?: string;
  /** Tekton: the file of the repository the identity was found in, when not the model's own (`line` is in it). */
  action?: string;
}

export type SystemKind =
  | "aws-account"
  | "gcp-project"
  | "gcp-wif-provider"
  | "azure-tenant"
  | "azure-subscription"
  | "vault"
  | "container-registry"
  | "npm"
  | "pypi"
  | "crates"
  | "github"
  | "sigstore"
  | "kubernetes"
  | "slack"
  | "discord";

export interface ExternalSystem {
  kind: SystemKind;
  id: string | null;
  symbolic?: boolean;
  heuristic?: boolean;
}

export type Phase = "build-untrusted" | "verify" | "publish" | "deploy";

export interface UsesRef {
  uses: string;
  pinned: boolean;
  line: number;
  step?: number;
  /** Set when the step sits inside this local composite action (line is in that file). */
  action?: string;
}

export interface CallInfo {
  /** The `uses:` value of the reusable-workflow call. */
  workflow: string;
  pinned: boolean;
  local: boolean;
  secrets: "inherit" | string[];
  /** Secret names the caller maps into the callee's secret inputs. */
  secretMap: Record<string, string[]>;
  /** The caller's cap on the callee's GITHUB_TOKEN. */
  permissions: Permissions;
}

export interface JobModel {
  id: string;
  name: string | null;
  line: number;
  permissions: Permissions;
  permissionsSource: PermissionsSource;
  idToken: boolean;
  environment: string | null;
  runsOn: string[];
  selfHosted: boolean;
  secrets: SecretRef[];
  vars: VarRef[];
  identities: Identity[];
  systems: ExternalSystem[];
  phase: Phase;
  runsUntrustedCode: boolean;
  uses: UsesRef[];
  calls: CallInfo | null;
  /**
   * Buildkite and Tekton (additive): `false` — the job gets no GITHUB_TOKEN at all, so its
   * `permissions: null` means "no token", not "inherits the repository default". Absent for
   * GitHub Actions jobs, which always get one, scoped by `permissions`.
   */
  githubToken?: false;
  // Buildkite steps (additive; absent for GitHub Actions jobs). For a step, `permissions` is
  // always null with `permissionsSource: "default"`, `githubToken: false` and `environment`
  // null: Buildkite has no job token scopes or deployment environments; what a step may do is
  // decided by its agent's queue, hooks and the cluster's secret policies.
  /** The step type. */
  stepType?: "command" | "trigger" | "block" | "input";
  /** The label (else key) of the group the step is in. */
  group?: string;
  /** The step's `if:`, and its group's, joined with `&&`, as written. */
  condition?: string;
  /** The `branches:` filter, as written. */
  branches?: string[];
  /** The agent queue a command step targets; absent for the cluster's default queue. */
  queue?: string;
  /** `concurrency_group`. */
  concurrencyGroup?: string;
  /** `depends_on` step keys. */
  dependsOn?: string[];
  /** A trigger step: the slug of the pipeline it starts a build of. */
  triggersPipeline?: string;
  /** The step runs `buildkite-agent pipeline upload`: it adds steps to the build as it runs. */
  uploadsPipeline?: boolean;
  /**
   * Tekton (additive): the Kubernetes service account the task's pod runs as — `namespace/name`
   * when the run names its namespace, `default` when the run names none (Tekton's
   * `default-service-account`); absent for a Pipeline or Task with no run in the file.
   */
  serviceAccount?: string;
  /**
   * Tekton (additive): what the task runs — `inline` (taskSpec), the name of a Task of the
   * repository, or the remote reference (`bundles:…`, `git:…`, `hub:…`, `cluster:…`, a URL).
   */
  taskRef?: string;
  /** Tekton (additive): the file holding the task's definition when it is not the model's own. */
  definedIn?: string;
}

/** The ref filters of one trigger (`on.push.branches`…), as written; absent keys are not filters. */
export interface TriggerFilter {
  branches?: string[];
  branchesIgnore?: string[];
  tags?: string[];
  tagsIgnore?: string[];
}

export interface WorkflowModel {
  /** The CI system the file belongs to (additive): `github-actions`, `buildkite` or `tekton`. */
  system: CiSystem;
  root: string;
  path: string;
  name: string | null;
  triggers: string[];
  /** Ref filters per trigger; absent when no trigger has one. */
  triggerFilters?: Record<string, TriggerFilter>;
  /** Triggers a person without write access can start (pull_request from a fork, issue_comment…). */
  untrustedTriggers: string[];
  jobs: JobModel[];
  /** Schema complaints from GitHub's parser that did not stop the analysis. */
  warnings: string[];
}

export interface Finding {
  rule: string;
  severity: Severity;
  root: string;
  path: string;
  line: number;
  job: string | null;
  message: string;
  fix: string;
}

export interface AnalysisError {
  root: string;
  path: string;
  message: string;
  /** The CI system of the file that could not be read (additive; absent: GitHub Actions). */
  system?: CiSystem;
}

export interface AnalysisResult {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: "gatehouse"; version: string };
  workflows: WorkflowModel[];
  findings: Finding[];
  errors: AnalysisError[];
}

export interface SourceFile {
  /** Path relative to `root`, with `/` separators (`.github/workflows/ci.yml`). */
  path: string;
  /** UTF-8 text, or raw bytes that are validated and decoded here. */
  content: string | Uint8Array;
}
