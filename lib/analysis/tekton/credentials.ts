import { headThenTail } from "../line-scan";
import { extractIdentities } from "../identities";
import { classifyPhase } from "../phase";
import type { StepModel } from "../steps";
import type { ExternalSystem, Identity, JobModel, Phase, SecretRef } from "../types";
import { isSymbolic } from "./params";
import { GIT_AUTH, type TaskFacts } from "./task";

// A task's identities, systems, OIDC ability and phase. Scripts go through the GitHub
// extractors (docker/podman/buildah login, aws, gcloud, az, kubectl/helm, cosign, npm/twine/cargo
// publish), an env var from a secret reads as `secrets['name/key']` for them; what only Tekton has
// is read here: the service account, projected tokens, secret workspaces that hold registry or
// cluster credentials, Tekton Chains, and the tasks that publish or deploy by what they are.

export interface ServiceAccount {
  id: string;
  line: number;
  /** The run names no account: Tekton's `default-service-account` (`default` unless configured). */
  implicit: boolean;
  symbolic: boolean;
}

export interface CredentialInput {
  facts: TaskFacts | null;
  /** Every secret the job holds (its task's, and those bound to it as workspaces). */
  secrets: SecretRef[];
  serviceAccount: ServiceAccount | null;
  /** Service-account tokens the run's pod template projects into the task. */
  podAudiences: Array<{ audience: string; line: number }>;
  /** The pipeline task's name and the name of what it runs (`buildah-oci-ta`), for the publish/deploy tables. */
  names: string[];
  /** Param values the task is given that name an image or a registry (`IMAGE`, `output-image`). */
  imageTargets: Array<{ value: string; line: number }>;
  /** Results the pipeline reads from this task (`$(tasks.x.results.IMAGE_URL)`). */
  exportedResults: string[];
  line: number;
}

export interface JobCredentialsOut {
  identities: Identity[];
  systems: ExternalSystem[];
  idToken: boolean;
  /** What the task does, whoever starts it: `publish`, `deploy` or `verify`. */
  activity: Exclude<Phase, "build-untrusted">;
}

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;
const REGISTRY_SECRET = /docker|registry|regcred|quay|ghcr|(^|[-_.])(gcr|ecr|acr)([-_.]|$)|image[-_]?push|push[-_]?secret|release-images/i;
const CLUSTER_SECRET = /kube|cluster|k8s|openshift/i;
const GCP_SECRET = /gcp|gcs|google|gke|gcloud|service[-_]?account|sa[-_]key/i;
/** A secret's name that says GitHub token (`github-token`, `bot-token-github`, `gh_pat`). */
function isGithubTokenName(name: string): boolean {
  const n = name.toLowerCase();
  return n.includes("bot-token") || ((n.includes("github") || /^gh[-_]/.test(n)) && (n.includes("token") || /(^|[-_])pat([-_/]|$)/.test(n)));
}

/** Tasks that push images or artifacts, by their catalog name (`task-buildah-oci-ta:0.4` → buildah). */
const PUBLISH_TASK = /^(buildah|kaniko|buildpacks(-phases)?|s2i(-\w+)?|ko|jib-\w+|build-image-index|push-dockerfile|apply-tags|source-build|tkn-bundle|skopeo-copy|gcs-upload|oracle-cloud-storage-upload|goreleaser|create-github-release|github-release|docker-build|img|buildkit|oci-copy|oras-push|helm-push|publish(-[\w-]+)?|[\w-]+-publish|upload(-[\w-]+)?|push(-[\w-]+)?|[\w-]+-push|build-and-push(-[\w-]+)?)$/;
/** Tasks that change a cluster or a cloud. */
const DEPLOY_TASK = /^(kubernetes-actions|openshift-client(-kubecfg)?|kubectl(-[\w-]+)?|helm-upgrade(-[\w-]+)?|helm-install|argocd(-[\w-]+)?|deploy(-[\w-]+)?|[\w-]+-deploy|kn|kn-apply|terraform(-cli)?|ansible-runner|aws-cli|gcloud|az|update-deployment|apply-manifests?)$/;
/** Script commands that push (beyond phase.ts's docker push, npm publish, gh release…). */
const PUBLISH_SCRIPT = /(?:^|[\s;&|(])(?:(?:buildah|podman)\s+(?:push|manifest\s+push)|skopeo\s+(?:copy|sync)|crane\s+(?:push|copy|cp|append)|oras\s+(?:push|attach)|ko\s+(?:publish|build|resolve)|tkn\s+bundle\s+push|gsutil\s+(?:-m\s+)?(?:cp|rsync)|gcloud\s+storage\s+cp|aws\s+s3\s+(?:cp|sync)|helm\s+push|goreleaser)\b/m;
const KANIKO = [/(?:^|[\s;&|(/])executor\b/gm, /--destination\b/g] as const;
/** Script commands that change a cluster (beyond phase.ts's kubectl and helm). */
const DEPLOY_SCRIPT = /(?:^|[\s;&|(])(?:oc\s+(?:apply|create|replace|patch|set|rollout|new-app|process|delete|tag)|kn\s+service\s+(?:create|update|apply)|argocd\s+app\s+sync|ko\s+apply)\b/m;

/** A registry host as Docker reads one: a name with a dot or a port, or localhost. */
function isHost(host: string): boolean {
  const [name = "", port, extra] = host.split(":");
  if (extra !== undefined || (port !== undefined && !/^\d+$/.test(port))) return false;
  return name === "localhost" || (name.includes(".") && /^[a-z0-9.-]+$/i.test(name));
}

/** `quay.io/org/img:tag` → `quay.io`, `ghcr.io` → itself; null for a Docker Hub name or a value still holding a reference. */
export function registryHost(value: string): string | null {
  const v = value.trim();
  const slash = v.indexOf("/");
  const host = slash < 0 ? v : v.slice(0, slash);
  if (host === "" || isSymbolic(host) || host.includes("{{")) return null;
  if (slash < 0) return isHost(host) ? host : null;
  return /[.:]/.test(host) || host === "localhost" ? host : null;
}

/** The catalog name of a task reference: `task-buildah-oci-ta:0.4@sha256:…` → `buildah`. */
export function baseTaskName(name: string): string {
  let n = name.split("/").pop() ?? name;
  n = n.split("@")[0] ?? n;
  n = n.split(":")[0] ?? n;
  if (n.startsWith("task-")) n = n.slice("task-".length);
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const suffix of ["-oci-ta", "-remote", "-min"]) {
      if (n.endsWith(suffix) && n.length > suffix.length) {
        n = n.slice(0, -suffix.length);
        stripped = true;
      }
    }
  }
  return n;
}

function scriptActivity(steps: StepModel[]): "publish" | "deploy" | null {
  let publish = false;
  for (const s of steps) {
    if (s.run === null) continue;
    if (DEPLOY_SCRIPT.test(s.run.text)) return "deploy";
    if (PUBLISH_SCRIPT.test(s.run.text) || headThenTail(s.run.text, ...KANIKO) !== null) publish = true;
  }
  return publish ? "publish" : null;
}

/** Tekton Chains' type hints: results it signs and attests. */
function isChainsResult(name: string): boolean {
  return name === "IMAGES" || ["IMAGE_URL", "IMAGE_DIGEST", "ARTIFACT_URI", "ARTIFACT_DIGEST", "ARTIFACT_OUTPUTS"].some((s) => name.endsWith(s));
}

export function jobCredentials(input: CredentialInput): JobCredentialsOut {
  const steps = input.facts?.steps ?? [];
  const audiences = [...(input.facts?.audiences ?? []), ...input.podAudiences];
  const env = input.facts?.env ?? new Map<string, { value: string; line: number; action?: string }>();
  const idToken = audiences.length > 0 || (env.has("AWS_WEB_IDENTITY_TOKEN_FILE") && env.has("AWS_ROLE_ARN"));
  const { identities, systems } = extractIdentities(steps, { idToken, secrets: input.secrets });
  // An identity found in a step written in another file carries that file, as its secrets do.
  for (const i of identities) {
    const origin = steps.find((s) => s.index === i.step)?.origin;
    if (origin !== null && origin !== undefined) i.action = origin;
  }
  const at = (extra: { action?: string } | undefined) => (extra?.action !== undefined ? { action: extra.action } : {});
  const add = (i: Identity) => {
    if (!identities.some((x) => x.kind === i.kind && x.id === i.id)) identities.push(i);
  };
  const system = (s: ExternalSystem) => {
    if (!systems.some((x) => x.kind === s.kind && x.id === s.id)) systems.push(s);
  };

  const sa = input.serviceAccount;
  if (sa !== null) {
    const audience = audiences[0];
    add({
      kind: "k8s-service-account",
      id: sa.id,
      ...(sa.symbolic ? { symbolic: true } : {}),
      oidc: audience !== undefined,
      line: sa.line,
      source: sa.implicit ? "tekton-default" : "tekton",
      ...(audience !== undefined ? { audience: audience.audience } : {}),
    });
  }

  const role = env.get("AWS_ROLE_ARN");
  if (role !== undefined && ROLE_ARN.test(role.value)) {
    const sts = audiences.find((a) => a.audience === "sts.amazonaws.com");
    add({ kind: "aws-role", id: role.value, oidc: idToken, line: role.line, source: "env", ...(sts !== undefined ? { audience: sts.audience } : {}), ...at(role) });
    system({ kind: "aws-account", id: ROLE_ARN.exec(role.value)?.[1] ?? null });
  }
  for (const s of steps) {
    const keyId = s.env.AWS_ACCESS_KEY_ID;
    const ref = keyId?.exprs[0] === undefined ? null : /^secrets\['(.*)'\]$/.exec(keyId.exprs[0].expr)?.[1];
    if (ref === null || ref === undefined || identities.some((i) => i.kind === "aws-access-key")) continue;
    add({ kind: "aws-access-key", id: ref, oidc: false, line: keyId?.line ?? s.line, step: s.index, source: "env", secrets: [ref], ...(s.origin !== null ? { action: s.origin } : {}) });
    system({ kind: "aws-account", id: null });
  }

  const mounted = input.secrets.filter((s) => (s.via === "workspace" || s.via === "volume") && s.name !== GIT_AUTH);
  const gcpKey = env.get("GOOGLE_APPLICATION_CREDENTIALS");
  const gcpSecrets = mounted.filter((s) => GCP_SECRET.test(s.name)).map((s) => s.name);
  if (gcpKey !== undefined && gcpSecrets.length > 0) {
    add({ kind: "gcp-service-account-key", id: gcpSecrets[0] ?? null, oidc: false, line: gcpKey.line, source: "env", secrets: gcpSecrets, heuristic: true, ...at(gcpKey) });
    system({ kind: "gcp-project", id: null, heuristic: true });
  }
  const kubeconfig = env.get("KUBECONFIG");
  const clusterSecrets = mounted.filter((s) => CLUSTER_SECRET.test(s.name)).map((s) => s.name);
  if (kubeconfig !== undefined && clusterSecrets.length > 0) {
    add({ kind: "kubeconfig", id: clusterSecrets[0] ?? null, oidc: false, line: kubeconfig.line, source: "env", secrets: clusterSecrets, heuristic: true, ...at(kubeconfig) });
    system({ kind: "kubernetes", id: null, heuristic: true });
  }

  // A GitHub token mounted as files (`bot-token-github`, `github-token`): read by gh, git or a script.
  for (const s of mounted.filter((m) => isGithubTokenName(m.name))) {
    add({ kind: "github-pat", id: s.name, oidc: false, line: s.line, source: s.via, secrets: [s.name], heuristic: true, ...at(s) });
    system({ kind: "github", id: "github.com", heuristic: true });
  }

  const names = input.names.map(baseTaskName);
  const script = scriptActivity(steps);
  const chains = [...(input.facts?.results ?? []), ...input.exportedResults].some(isChainsResult);
  const byName = names.some((n) => DEPLOY_TASK.test(n)) ? "deploy" : names.some((n) => PUBLISH_TASK.test(n)) ? "publish" : null;
  const base = classifyPhase({ ...placeholderJob(identities, systems, idToken) }, steps);
  const activity: JobCredentialsOut["activity"] =
    base === "deploy" || script === "deploy" || byName === "deploy" ? "deploy" : base === "publish" || script === "publish" || byName === "publish" || chains ? "publish" : "verify";

  if (activity === "publish") {
    const hosts = [...new Set(input.imageTargets.flatMap((t) => registryHost(t.value) ?? []))];
    for (const host of hosts) system({ kind: "container-registry", id: host, heuristic: true });
    for (const s of mounted.filter((m) => REGISTRY_SECRET.test(m.name))) {
      if (identities.some((i) => i.kind === "registry-login")) break;
      add({ kind: "registry-login", id: hosts.length === 1 ? (hosts[0] ?? null) : null, oidc: false, line: s.line, source: "workspace", secrets: [s.name], heuristic: true, ...at(s) });
    }
  }
  if (chains) {
    add({ kind: "tekton-chains", id: "tekton-chains", oidc: false, line: input.line, source: "tekton-chains", heuristic: true });
    system({ kind: "sigstore", id: "tekton-chains", heuristic: true });
  }
  return { identities, systems, idToken, activity };
}

/** The fields classifyPhase reads, for a task judged on what it does (not on who starts it). */
function placeholderJob(identities: Identity[], systems: ExternalSystem[], idToken: boolean): JobModel {
  return {
    id: "",
    name: null,
    line: 0,
    permissions: null,
    permissionsSource: "default",
    idToken,
    environment: null,
    runsOn: [],
    selfHosted: true,
    secrets: [],
    vars: [],
    identities,
    systems,
    phase: "verify",
    runsUntrustedCode: false,
    uses: [],
    calls: null,
  };
}
