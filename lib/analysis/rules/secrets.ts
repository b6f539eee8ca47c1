import { DEPLOY_IDENTITIES } from "../phase";
import type { StepValue } from "../steps";
import { entries, get, text } from "../tree";
import type { IdentityKind } from "../types";
import { firstSecretLine, list, staticSecretNames, type WorkflowRule } from "./support";

export const secretsInherit: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    const call = j.model.calls;
    if (call === null || call.secrets !== "inherit") continue;
    const ref = j.model.secrets.find((s) => s.via === "inherit");
    emit({
      rule: "secrets-inherit",
      severity: call.local ? "medium" : "high",
      line: ref?.line ?? j.model.line,
      job: j.model.id,
      message: `job ${j.model.id} passes every secret of the repository to ${call.local ? "local" : "external"} reusable workflow ${call.workflow} (\`secrets: inherit\`)`,
    });
  }
};

/** Every occurrence, each on its own line: fixing the first must not hide the second. */
export const allSecretsExposed: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    const lines = new Set<number>();
    for (const ref of j.model.secrets) {
      if (ref.via !== "all" || lines.has(ref.line)) continue;
      lines.add(ref.line);
      // The step by its name or id where it has one: a finding's identity ignores numbers, so
      // "step 2" and "step 3" would be one finding in the inventory, "step 2 (dump)" another.
      const step = ref.step ? j.steps.find((x) => x.index === ref.step) : undefined;
      const label = step?.name ?? step?.id ?? step?.uses ?? null;
      emit({
        rule: "all-secrets-exposed",
        line: ref.line,
        job: j.model.id,
        message: `job ${j.model.id} exposes the whole secrets context (toJSON(secrets) or a computed secrets[…] index)${ref.step ? ` in step ${ref.step}${label ? ` (${label})` : ""}` : ""}`,
      });
    }
  }
};

export const githubPat: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    for (const i of j.model.identities) {
      if (i.kind !== "github-pat") continue;
      emit({
        rule: "github-pat",
        line: i.line,
        job: j.model.id,
        message: `secret ${i.id ?? "?"} is used as a GitHub token in job ${j.model.id}; it is long-lived and not scoped to this run`,
      });
    }
  }
};

const STATIC_FIX: Partial<Record<IdentityKind, { severity: "high" | "medium"; fix: string; what: string }>> = {
  "aws-access-key": { severity: "high", what: "static AWS access key", fix: "Use aws-actions/configure-aws-credentials with `role-to-assume` and `id-token: write` (OIDC), then deactivate the key." },
  "gcp-service-account-key": { severity: "high", what: "Google service-account key", fix: "Use Workload Identity Federation (`workload_identity_provider`), then delete the key." },
  "azure-client-secret": { severity: "high", what: "Azure client secret", fix: "Use a federated credential (azure/login with client-id/tenant-id/subscription-id and `id-token: write`)." },
  "vault-static": { severity: "medium", what: "static Vault credential", fix: "Use Vault's JWT auth method with GitHub's OIDC token." },
  "npm-token": { severity: "medium", what: "npm token", fix: "Use npm trusted publishing (OIDC, `id-token: write`), then revoke the token." },
  "pypi-token": { severity: "medium", what: "PyPI API token", fix: "Use PyPI trusted publishing (drop `password:`, add `id-token: write`)." },
  "crates-token": { severity: "medium", what: "crates.io token", fix: "Use crates.io trusted publishing (rust-lang/crates-io-auth-action)." },
  "cosign-key": { severity: "medium", what: "cosign signing key", fix: "Sign keyless with `id-token: write` (Fulcio), or use a KMS key." },
  kubeconfig: { severity: "high", what: "static Kubernetes credential", fix: "Reach the cluster through the cloud's OIDC login (EKS/GKE/AKS) instead of a stored kubeconfig." },
};

const OIDC_REGISTRY = /\.ecr\.|public\.ecr\.aws|gcr\.io|-docker\.pkg\.dev|\.azurecr\.io/;

/** Registry tokens that publish-without-trusted-publishing reports where they are used to publish. */
const PUBLISH_TOKENS = new Set<IdentityKind>(["npm-token", "pypi-token", "crates-token"]);

export const longLivedCredential: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    const publishing = new Set(j.publishes.flatMap((p) => p.secrets));
    for (const i of j.model.identities) {
      if (PUBLISH_TOKENS.has(i.kind) && (i.secrets ?? []).length > 0 && (i.secrets ?? []).every((s) => publishing.has(s))) continue;
      let rule = STATIC_FIX[i.kind];
      if (i.kind === "cosign-key" && i.secrets === undefined) continue;
      if (i.kind === "registry-login" && !i.oidc && i.id !== null && OIDC_REGISTRY.test(i.id) && (i.secrets ?? []).some((s) => s !== "GITHUB_TOKEN")) {
        rule = { severity: "medium", what: `static password for ${i.id}`, fix: "Log in to the cloud registry with the cloud's OIDC role (amazon-ecr-login, google auth access token, azure login)." };
      }
      if (rule === undefined) continue;
      const via = i.secrets && i.secrets.length > 0 ? ` (secret${i.secrets.length > 1 ? "s" : ""} ${list(i.secrets)})` : "";
      emit({
        rule: "long-lived-credential",
        severity: rule.severity,
        line: i.line,
        job: j.model.id,
        message: `job ${j.model.id} uses a ${rule.what}${via}${i.heuristic ? " [heuristic: from a run script]" : ""}`,
        fix: rule.fix,
      });
    }
  }
};

export const secretOutsideEnvironment: WorkflowRule = (wf, emit, context) => {
  for (const j of wf.jobs) {
    const m = j.model;
    if (m.environment !== null || (m.phase !== "publish" && m.phase !== "deploy")) continue;
    let names = staticSecretNames(m);
    if (context !== undefined && context.secrets.length > 0) {
      names = names.filter((n) => context.secrets.some((s) => s.name === n && s.scope !== "environment"));
    }
    if (names.length === 0) continue;
    emit({
      rule: "secret-outside-environment",
      line: firstSecretLine(m, m.line),
      job: m.id,
      message: `${m.phase} job ${m.id} reads ${list(names)} without an environment, so any branch's workflow can read ${names.length > 1 ? "them" : "it"}`,
    });
  }
};

export const deployWithoutEnvironment: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    const m = j.model;
    if (m.phase !== "deploy" || m.environment !== null) continue;
    const what = m.identities.filter((i) => DEPLOY_IDENTITIES.has(i.kind)).map((i) => `${i.kind}${i.id ? ` ${i.id}` : ""}`);
    emit({
      rule: "deploy-without-environment",
      line: m.line,
      job: m.id,
      message: `job ${m.id} deploys${what.length > 0 ? ` with ${list(what, 2)}` : ""} but has no environment: no approval, branch policy or environment-scoped credentials`,
    });
  }
};

const TOKEN_PATTERNS: [RegExp, string][] = [
  [/\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{60,}/, "GitHub token"],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "AWS access key id"],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, "Slack token"],
  [/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/, "Slack webhook URL"],
  [/-----BEGIN (RSA |EC |OPENSSH |DSA |)PRIVATE KEY-----/, "private key"],
  [/\bnpm_[A-Za-z0-9]{36}\b/, "npm token"],
  [/\bpypi-AgE[A-Za-z0-9_-]{50,}/, "PyPI token"],
  [/discord(app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]+/, "Discord webhook URL"],
];

function scanLiteral(v: StepValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  for (const [re, what] of TOKEN_PATTERNS) if (re.test(v.text)) return what;
  return undefined;
}

export const hardcodedCredential: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    for (const s of j.steps) {
      const values = [...Object.values(s.with), ...Object.values(s.env), ...(s.run ? [s.run] : [])];
      for (const v of values) {
        const what = scanLiteral(v);
        if (what !== undefined) emit({ rule: "hardcoded-credential", line: v.line, job: j.model.id, message: `a ${what} is written in clear in step ${s.index} of job ${j.model.id}${s.origin ? ` (in ${s.origin})` : ""}` });
      }
    }
  }
  for (const [jobId, job] of entries(get(wf.tree, "jobs"))) {
    const containers = [get(job, "container"), ...[...entries(get(job, "services"))].map(([, v]) => v)];
    for (const c of containers) {
      const password = get(get(c, "credentials"), "password");
      const value = text(password);
      if (password === undefined || value === undefined || value.includes("${{")) continue;
      emit({ rule: "hardcoded-credential", line: password.line ?? 0, job: jobId, message: `container registry password for job ${jobId} is written in clear` });
    }
  }
  for (const e of [...entries(get(wf.tree, "env"))]) {
    const v = text(e[1]);
    if (v === undefined) continue;
    for (const [re, what] of TOKEN_PATTERNS) if (re.test(v)) emit({ rule: "hardcoded-credential", line: e[2], job: null, message: `a ${what} is written in clear in workflow env ${e[0]}` });
  }
};
