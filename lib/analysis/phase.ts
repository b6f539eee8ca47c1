import { headThenTail } from "./line-scan";
import { actionName, type StepModel } from "./steps";
import type { IdentityKind, JobModel, Phase } from "./types";

// Trust phase of a job, from what it runs and what it holds:
// build-untrusted (runs PR code) < verify < publish < deploy.

export const DEPLOY_IDENTITIES = new Set<IdentityKind>([
  "aws-role",
  "aws-access-key",
  "gcp-workload-identity",
  "gcp-service-account-key",
  "azure-federated",
  "azure-client-secret",
  "azure-managed-identity",
  "vault-jwt",
  "vault-static",
  "kubeconfig",
]);

export const PUBLISH_IDENTITIES = new Set<IdentityKind>([
  "registry-login",
  "npm-token",
  "npm-trusted-publishing",
  "pypi-token",
  "pypi-trusted-publishing",
  "crates-token",
  "crates-trusted-publishing",
  "cosign-key",
  "cosign-keyless",
]);

const DEPLOY_ACTIONS = new Set([
  "actions/deploy-pages",
  "peaceiris/actions-gh-pages",
  "jamesives/github-pages-deploy-action",
  "cloudflare/wrangler-action",
  "cloudflare/pages-action",
  "azure/webapps-deploy",
  "azure/functions-action",
  "azure/k8s-deploy",
  "google-github-actions/deploy-cloudrun",
  "google-github-actions/deploy-appengine",
  "aws-actions/amazon-ecs-deploy-task-definition",
  "amondnet/vercel-action",
  "superfly/flyctl-actions",
]);

const PUBLISH_ACTIONS = new Set([
  "goreleaser/goreleaser-action",
  "softprops/action-gh-release",
  "ncipollo/release-action",
  "actions/upload-release-asset",
  "changesets/action",
  "pypa/gh-action-pypi-publish",
  "js-devtools/npm-publish",
  "svenstaro/upload-release-action",
]);

const PUBLISH_SCRIPT = /(^|[\s;&|])(gh\s+release\s+(create|upload)|docker\s+push|npm\s+publish|pnpm\s+publish|cargo\s+publish|twine\s+upload|goreleaser\s+release)\b/m;
// `docker buildx build … --push` on one line.
const BUILDX_PUSH = [/(^|[\s;&|])docker\s+buildx\s+build/gm, /--push\b/g] as const;
const DEPLOY_SCRIPT = /(^|[\s;&|])(kubectl\s+(apply|set|rollout|create|delete|patch)|helm\s+(upgrade|install)|terraform\s+apply|wrangler\s+(deploy|publish)|flyctl\s+deploy|vercel\s+deploy)\b/m;

function pushesImage(s: StepModel): boolean {
  return s.uses !== null && actionName(s.uses) === "docker/build-push-action" && /true|\$\{\{/.test(s.with.push?.text ?? "");
}

/** `publishesWithToken`: the job publishes to a trusted-publishing registry with a long-lived token (publish.ts). */
export function classifyPhase(job: JobModel, steps: StepModel[], publishesWithToken = false): Phase {
  if (job.runsUntrustedCode) return "build-untrusted";
  const deploys =
    job.identities.some((i) => DEPLOY_IDENTITIES.has(i.kind)) ||
    job.systems.some((s) => s.kind === "kubernetes") ||
    steps.some((s) => (s.uses !== null && DEPLOY_ACTIONS.has(actionName(s.uses) ?? "")) || (s.run !== null && DEPLOY_SCRIPT.test(s.run.text)));
  if (deploys) return "deploy";
  const publishes =
    publishesWithToken ||
    job.identities.some((i) => PUBLISH_IDENTITIES.has(i.kind)) ||
    steps.some((s) => (s.uses !== null && PUBLISH_ACTIONS.has(actionName(s.uses) ?? "")) || pushesImage(s) || (s.run !== null && (PUBLISH_SCRIPT.test(s.run.text) || headThenTail(s.run.text, ...BUILDX_PUSH) !== null)));
  if (publishes) return "publish";
  if (job.environment !== null && /prod|stag|deploy|release/i.test(job.environment)) return "deploy";
  return "verify";
}
