// Names people read for the analyser's kinds. Pure: used by server pages and client components.
import type { SystemGroup } from "./credentials-schema";

const IDENTITY_LABELS: Record<string, string> = {
  "aws-role": "AWS role",
  "aws-access-key": "AWS access key",
  "gcp-workload-identity": "GCP service account (WIF)",
  "gcp-service-account-key": "GCP service account key",
  "azure-federated": "Azure app (federated)",
  "azure-client-secret": "Azure app (client secret)",
  "azure-managed-identity": "Azure managed identity",
  "vault-jwt": "Vault role (JWT)",
  "vault-static": "Vault static token",
  "registry-login": "Registry login",
  "npm-token": "npm token",
  "npm-trusted-publishing": "npm trusted publishing",
  "pypi-token": "PyPI token",
  "pypi-trusted-publishing": "PyPI trusted publishing",
  "crates-token": "crates.io token",
  "crates-trusted-publishing": "crates.io trusted publishing",
  "github-app": "GitHub App",
  "github-pat": "GitHub personal access token",
  "cosign-keyless": "Cosign keyless",
  "cosign-key": "Cosign key",
  kubeconfig: "Kubeconfig",
  webhook: "Webhook",
  "cli-login": "CLI login",
  "buildkite-oidc": "Buildkite OIDC token",
  "k8s-service-account": "Kubernetes service account",
  "tekton-chains": "Tekton Chains signing",
};

export const identityLabel = (kind: string) => IDENTITY_LABELS[kind] ?? kind;

const SYSTEM_LABELS: Record<string, string> = {
  "aws-account": "AWS account",
  "gcp-project": "GCP project",
  "gcp-wif-provider": "GCP workload identity provider",
  "azure-tenant": "Azure tenant",
  "azure-subscription": "Azure subscription",
  vault: "Vault",
  "container-registry": "Container registry",
  npm: "npm",
  pypi: "PyPI",
  crates: "crates.io",
  github: "GitHub",
  sigstore: "Sigstore",
  kubernetes: "Kubernetes cluster",
  slack: "Slack",
  discord: "Discord",
};

export const systemLabel = (kind: string) => SYSTEM_LABELS[kind] ?? kind;

export const SYSTEM_GROUP_LABELS: Record<SystemGroup, string> = {
  aws: "AWS accounts and roles",
  gcp: "GCP projects",
  azure: "Azure subscriptions",
  "container-registry": "Container registries",
  "package-registry": "Package registries",
  kubernetes: "Kubernetes clusters",
  vault: "Vault",
  saas: "SaaS",
  other: "Other",
};

/** Which group a system kind belongs to. */
export const SYSTEM_KIND_GROUP: Record<string, SystemGroup> = {
  "aws-account": "aws",
  "gcp-project": "gcp",
  "gcp-wif-provider": "gcp",
  "azure-tenant": "azure",
  "azure-subscription": "azure",
  "container-registry": "container-registry",
  npm: "package-registry",
  pypi: "package-registry",
  crates: "package-registry",
  kubernetes: "kubernetes",
  vault: "vault",
  slack: "saas",
  discord: "saas",
};

/** The identity kinds that reach each system kind: the credentials shown beside a system. */
export const IDENTITIES_REACHING: Record<string, string[]> = {
  "aws-account": ["aws-role", "aws-access-key"],
  "gcp-project": ["gcp-workload-identity", "gcp-service-account-key"],
  "gcp-wif-provider": ["gcp-workload-identity"],
  "azure-tenant": ["azure-federated", "azure-client-secret", "azure-managed-identity"],
  "azure-subscription": ["azure-federated", "azure-client-secret", "azure-managed-identity"],
  vault: ["vault-jwt", "vault-static"],
  "container-registry": ["registry-login", "aws-role", "gcp-workload-identity", "azure-federated"],
  npm: ["npm-token", "npm-trusted-publishing"],
  pypi: ["pypi-token", "pypi-trusted-publishing"],
  crates: ["crates-token", "crates-trusted-publishing"],
  kubernetes: ["kubeconfig", "k8s-service-account", "gcp-workload-identity", "azure-federated", "aws-role", "vault-jwt"],
  slack: ["webhook"],
  discord: ["webhook"],
  github: ["github-app", "github-pat"],
  sigstore: ["cosign-keyless", "cosign-key"],
};

export const SECRET_FLAG_LABELS = { unused: "unused", stale: "stale (> 1 year)", missing: "referenced but not defined" } as const;

export const OWNER_SOURCE_LABELS: Record<string, string> = {
  codeowners: "CODEOWNERS",
  "custom-property": "custom property",
  "admin-team": "admin team",
  manual: "set by hand",
};
